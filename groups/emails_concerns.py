"""The emails about concerns (see ``groups.services.concerns``), registered with the outbox.

Each renderer runs at send time, in the recipient's language and time zone, and returns None when the email is no
longer wanted. The email to the coordinators never carries the concern's text: it names the group and links to the
page where coordinators read it.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import Concern, ConcernStatus, GroupMembership
from groups.services.concerns import CONCERN_RAISED_EMAIL, CONCERN_RESOLVED_EMAIL, is_coordinator_of
from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer


def _concern(email: OutgoingEmail) -> Concern | None:
    return (
        Concern.objects.select_related("group__programme", "raised_by", "resolved_by")
        .filter(pk=email.object_id)
        .first()
    )


@renderer(CONCERN_RAISED_EMAIL, label=_("Concern raised"))
def concern_raised(email: OutgoingEmail) -> Rendered | None:
    """To each coordinator: a member of a group raised a concern; the link to read it. Not sent once the concern is
    resolved, or to someone who no longer coordinates the programme."""
    concern = _concern(email)
    recipient = email.recipient
    if (
        concern is None
        or recipient is None
        or concern.status != ConcernStatus.OPEN
        or not is_coordinator_of(recipient, concern.group.programme_id)
    ):
        return None
    group = concern.group
    return render_templates(
        "concern_raised",
        {
            "group": group,
            "programme": group.programme,
            "recipient": recipient,
            "url": absolute_url(reverse("grouping:concerns", kwargs={"pk": group.programme_id})),
        },
    )


@renderer(CONCERN_RESOLVED_EMAIL, label=_("Concern resolved"))
def concern_resolved(email: OutgoingEmail) -> Rendered | None:
    """To the person who raised the concern: it is resolved, with the coordinator's note of what was done."""
    concern = _concern(email)
    if concern is None or concern.status != ConcernStatus.RESOLVED or concern.raised_by.anonymised_at:
        return None
    group = concern.group
    still_member = GroupMembership.objects.current().filter(group=group, user=concern.raised_by).exists()
    return render_templates(
        "concern_resolved",
        {
            "concern": concern,
            "group": group,
            "programme": group.programme,
            "recipient": concern.raised_by,
            "resolved_by": concern.resolved_by,
            "note": concern.resolution,
            # Where they see their concerns, while they are in the group.
            "url": absolute_url(reverse("groups:concern_create", kwargs={"pk": group.pk})) if still_member else "",
        },
    )
