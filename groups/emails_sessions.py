"""The emails about a group's sessions, each with a calendar file: the invitation (for a series, one email with
every date), a change, a cancellation. Registered with the outbox (see ``outbox.services``).

Each renderer runs at send time in the recipient's language and time zone and shows the times in their zone and
the programme's. It sends nothing (returns None) when the news is out of date: the session changed again since
the email was queued (the ``sequence`` in its key is no longer the session's), it is over, or the person no
longer takes part. A change reaching someone who never had the invitation is worded as the invitation; a
cancellation reaching someone who never heard of the session is not sent.
"""

from __future__ import annotations

import dataclasses

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups import calendars
from groups.models import Meeting, MeetingStatus
from groups.services.scheduling import (
    CANCELLED_EMAIL,
    CHANGED_EMAIL,
    INVITATION_EMAIL,
    invited_meetings,
    other_person,
    sequence_of,
    takes_part,
    told_before,
)
from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer


def _meeting(email: OutgoingEmail) -> Meeting | None:
    meeting = (
        Meeting.objects.select_related("group__programme", "with_member", "created_by")
        .filter(pk=email.object_id)
        .first()
    )
    person = email.recipient
    if meeting is None or person is None or person.anonymised_at or meeting.group.programme.is_archived:
        return None
    if not takes_part(meeting, person):
        return None
    return meeting


def _render(name: str, meetings: list[Meeting], email: OutgoingEmail, method: str) -> Rendered:
    first = meetings[0]
    group = first.group
    if len(meetings) == 1:
        url = absolute_url(reverse("groups:session", kwargs={"pk": group.pk, "session_pk": first.pk}))
    else:
        url = absolute_url(reverse("groups:sessions", kwargs={"pk": group.pk}))
    rendered = render_templates(
        name,
        {
            "meetings": meetings,
            "meeting": first,
            "series": len(meetings) > 1,
            "group": group,
            "programme": group.programme,
            "recipient": email.recipient,
            "partner": other_person(first, email.recipient),
            "url": url,
        },
    )
    calendar = calendars.invitation(meetings, recipient=email.recipient, method=method)
    filename = "cancellation.ics" if method == calendars.CANCEL else "invitation.ics"
    return dataclasses.replace(
        rendered, attachments=((filename, calendar, f"text/calendar; method={method}; charset=utf-8"),)
    )


@renderer(INVITATION_EMAIL, label=_("Invitation to a session"))
def session_invitation(email: OutgoingEmail) -> Rendered | None:
    """To everyone taking part: a new session, or every date of a new series, with the calendar file."""
    meeting = _meeting(email)
    if meeting is None:
        return None
    meetings = invited_meetings(meeting, sequence=sequence_of(email))
    if not meetings:
        return None
    return _render("session_invitation", meetings, email, calendars.REQUEST)


@renderer(CHANGED_EMAIL, label=_("Session moved or changed"))
def session_changed(email: OutgoingEmail) -> Rendered | None:
    """To everyone taking part: the new time, place or agenda of a session, as an update of the calendar event."""
    meeting = _meeting(email)
    if meeting is None:
        return None
    if (
        meeting.status != MeetingStatus.SCHEDULED
        or meeting.sequence != sequence_of(email)
        or meeting.starts_at <= timezone.now()
    ):
        return None
    name = "session_changed" if told_before(meeting, email.recipient) else "session_invitation"
    return _render(name, [meeting], email, calendars.REQUEST)


@renderer(CANCELLED_EMAIL, label=_("Session cancelled"))
def session_cancelled(email: OutgoingEmail) -> Rendered | None:
    """To everyone who was told about the session: it will not take place; calendars mark it cancelled."""
    meeting = _meeting(email)
    if meeting is None or meeting.status != MeetingStatus.CANCELLED or meeting.sequence != sequence_of(email):
        return None
    if meeting.ends_at <= timezone.now() or not told_before(meeting, email.recipient):
        return None
    return _render("session_cancelled", [meeting], email, calendars.CANCEL)
