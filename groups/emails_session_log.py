"""The briefing a session's leader writes for the members who missed it (see
``groups.services.session_log.log_session``), registered with the outbox.

The renderer runs at send time, in the recipient's language and time zone, and sends the briefing as it reads
then. It returns None, and nothing is sent, when the email is no longer wanted (``briefing_to_send``): the
session was cancelled or logged as not held, the briefing was emptied, the person left the group, or the log now
says they were present.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.services.session_log import BRIEFING_EMAIL, briefing_to_send
from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer


@renderer(BRIEFING_EMAIL, label=_("Briefing for a missed session"))
def session_briefing(email: OutgoingEmail) -> Rendered | None:
    """To a member who was not at a session: what they missed, in the leader's words, with a link to the session."""
    meeting = briefing_to_send(email.object_id, email.recipient)
    if meeting is None:
        return None
    group = meeting.group
    return render_templates(
        "session_briefing",
        {
            "meeting": meeting,
            "group": group,
            "programme": group.programme,
            "recipient": email.recipient,
            "url": absolute_url(reverse("groups:session", kwargs={"pk": group.pk, "session_pk": meeting.pk})),
        },
    )
