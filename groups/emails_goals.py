"""The email asking mentees and mentors to review their goals at the programme's mid-point (see
``groups.services.goals.queue_goal_reviews``), registered with the outbox.

The renderer runs at send time, in the recipient's language and time zone. It returns None, and nothing is sent,
when the programme is no longer running or the person is no longer a mentee or mentor of one of its groups.
The email names the groups, never a goal's words.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import GroupRole
from groups.services.goals import GOAL_REVIEW_EMAIL, review_groups
from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer
from programmes.models import Programme, ProgrammeStatus


@renderer(GOAL_REVIEW_EMAIL, label=_("Mid-point review of goals"))
def goal_review(email: OutgoingEmail) -> Rendered | None:
    """To a mentee or mentor: the programme is half-way; look at your goals, with a link to each group's goals."""
    programme = Programme.objects.filter(pk=email.object_id).first()
    recipient = email.recipient
    if programme is None or recipient is None or programme.status != ProgrammeStatus.RUNNING:
        return None
    memberships = review_groups(programme=programme, user=recipient)
    if not memberships:
        return None
    return render_templates(
        "goal_review",
        {
            "programme": programme,
            "recipient": recipient,
            "is_mentor": any(membership.role == GroupRole.MENTOR for membership in memberships),
            "groups": [
                {
                    "name": membership.group.name,
                    "role": membership.role,
                    "url": absolute_url(reverse("groups:goals", kwargs={"pk": membership.group_id})),
                }
                for membership in memberships
            ],
        },
    )
