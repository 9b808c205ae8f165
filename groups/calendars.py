"""Sessions and programme events as iCalendar (RFC 5545), for the invitations sent by email, the download of one
session, and each person's calendar feed.

A session keeps one UID for its whole life (``<meeting.uid>@<site host>``) and every change raises its SEQUENCE,
so calendar apps update or cancel the event they already have instead of adding a new one. Times are written in
UTC, which every calendar app understands and shows in its user's own zone. Texts (the title, the description)
are written in the language active when the calendar is built: the recipient's for an email, the person's for the
feed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from groups.models import Meeting
from groups.services.scheduling import other_person
from outbox.services import absolute_url
from programmes.models import ProgrammeEvent

PRODID = "-//Group mentoring//Sessions//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@{site_host()}"


def event_uid(event: ProgrammeEvent) -> str:
    return f"programme-event-{event.pk}@{site_host()}"


def session_url(meeting: Meeting) -> str:
    return absolute_url(reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk}))


def session_title(meeting: Meeting, viewer: User | None) -> str:
    """The event's title, with the group's name: "Group A: session", or "Group A: check-in with Max"."""
    partner = other_person(meeting, viewer)
    if partner is not None:
        title = _("%(group)s: check-in with %(name)s") % {"group": meeting.group.name, "name": partner.shown_name}
    else:
        title = _("%(group)s: session") % {"group": meeting.group.name}
    if meeting.is_cancelled:
        title = _("Cancelled: %(title)s") % {"title": title}
    return title


def session_description(meeting: Meeting, *, with_agenda: bool = True) -> str:
    parts = []
    if meeting.agenda and with_agenda:
        parts.append(_("Agenda:") + "\n" + meeting.agenda)
    if meeting.video_link:
        parts.append(_("Video link:") + " " + meeting.video_link)
    parts.append(_("Session page:") + " " + session_url(meeting))
    return "\n\n".join(parts)


def session_event(
    meeting: Meeting, *, viewer: User | None, stamp: datetime.datetime, with_agenda: bool = True
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", session_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    event.add("created", meeting.created_at.astimezone(datetime.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    event.add("summary", session_title(meeting, viewer))
    location = meeting.place or meeting.video_link
    if location:
        event.add("location", location)
    event.add("description", session_description(meeting, with_agenda=with_agenda))
    event.add("url", session_url(meeting))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def programme_event(event: ProgrammeEvent, *, stamp: datetime.datetime) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", stamp)
    entry.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    entry.add("dtend", event.ends_at.astimezone(datetime.UTC))
    entry.add("summary", f"{event.programme.name}: {event.title}")
    location = event.place or event.link
    if location:
        entry.add("location", location)
    description = [event.description] if event.description else []
    if event.link:
        description.append(_("Video link:") + " " + event.link)
    if description:
        entry.add("description", "\n\n".join(description))
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return entry


def _calendar(method: str | None = None, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    return calendar


def _organizer() -> icalendar.vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = name or address
    return organizer


def _attendee(person: User) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = person.shown_name
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "NEEDS-ACTION"
    attendee.params["rsvp"] = "FALSE"
    return attendee


def invitation(meetings: Iterable[Meeting], *, recipient: User, method: str = REQUEST) -> bytes:
    """What an email carries: METHOD:REQUEST for new or changed sessions (one event each, for a series every
    date), METHOD:CANCEL for a cancelled one. The recipient is the one attendee, so that no one's address goes to
    the others."""
    calendar = _calendar(method)
    stamp = timezone.now()
    for meeting in meetings:
        event = session_event(meeting, viewer=recipient, stamp=stamp)
        event.add("organizer", _organizer())
        event.add("attendee", _attendee(recipient))
        calendar.add_component(event)
    return calendar.to_ical()


def single(meeting: Meeting, *, viewer: User, with_agenda: bool = True) -> bytes:
    """One session, for a person to download and open in their calendar app. The agenda is the group's: a
    coordinator who is not a member gets the file without it."""
    calendar = _calendar(PUBLISH)
    calendar.add_component(session_event(meeting, viewer=viewer, stamp=timezone.now(), with_agenda=with_agenda))
    return calendar.to_ical()


def feed(user: User, meetings: Iterable[Meeting], events: Iterable[ProgrammeEvent]) -> bytes:
    """A person's calendar feed: their sessions and the programme events that invite them."""
    calendar = _calendar(PUBLISH, name=_("Mentoring: %(name)s") % {"name": user.shown_name})
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(session_event(meeting, viewer=user, stamp=stamp))
    for event in events:
        calendar.add_component(programme_event(event, stamp=stamp))
    return calendar.to_ical()
