"""The emails of matching mentors, registered with the outbox (see ``outbox.services``).

Each renderer runs at send time in the recipient's language and time zone, and returns None when the email is no
longer wanted: a request that was withdrawn or answered before the worker got to it is not sent.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import AssignmentStatus, GroupRole, GroupWishes, MentorAssignment
from groups.services.mentors import ASSIGNMENT_EMAIL, DECLINED_EMAIL
from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer


def _assignment(email: OutgoingEmail) -> MentorAssignment | None:
    return (
        MentorAssignment.objects.select_related("group__programme", "mentor", "assigned_by")
        .filter(pk=email.object_id)
        .first()
    )


@renderer(ASSIGNMENT_EMAIL, label=_("Request to mentor a group"))
def mentor_request(email: OutgoingEmail) -> Rendered | None:
    """To the mentor: would they mentor this group? What the group wishes, and the link to answer."""
    assignment = _assignment(email)
    if (
        assignment is None
        or assignment.status != AssignmentStatus.PENDING
        or assignment.mentor.anonymised_at
        or assignment.group.programme.is_archived
    ):
        return None
    group = assignment.group
    return render_templates(
        "mentor_request",
        {
            "assignment": assignment,
            "group": group,
            "programme": group.programme,
            "mentor": assignment.mentor,
            "asked_by": assignment.assigned_by,
            "wishes": GroupWishes.objects.filter(group=group).first(),
            "size": group.memberships.current().filter(role=GroupRole.MENTEE).count(),
            "url": absolute_url(reverse("groups:request", kwargs={"pk": assignment.pk})),
        },
    )


@renderer(DECLINED_EMAIL, label=_("Mentor declined a group"))
def mentor_declined(email: OutgoingEmail) -> Rendered | None:
    """To each coordinator: a mentor said no, with their message, and the link to choose another mentor."""
    assignment = _assignment(email)
    if assignment is None or assignment.status != AssignmentStatus.DECLINED:
        return None
    group = assignment.group
    return render_templates(
        "mentor_declined",
        {
            "assignment": assignment,
            "group": group,
            "programme": group.programme,
            "mentor": assignment.mentor,
            "recipient": email.recipient,
            "message": assignment.response_note,
            "url": absolute_url(
                reverse("grouping:suggestions", kwargs={"pk": group.programme_id, "group_pk": group.pk})
            ),
        },
    )
