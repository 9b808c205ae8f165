"""Sessions in people's calendars: every email carries an iCalendar file that calendar apps understand (read back
here with the ``icalendar`` library), a session keeps its UID for life and each change raises its SEQUENCE, a
cancellation is a CANCEL, and anyone who sees a session can download it as a file."""

import datetime
import zoneinfo
from unittest import mock

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from groups.models import GroupRole, MeetingKind
from groups.services.scheduling import cancel_session, reschedule, schedule_sessions
from mentoring.tests.factories import UserFactory, add_to_group
from outbox.services import deliver

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

SESSION = {
    "kind": "group",
    "date": "2035-03-06",
    "start_time": "18:00",
    "minutes": "90",
    "place": "Library, room 4",
    "video_link": "https://meet.example.org/group-a",
    "agenda": "Introductions",
    "repeat": "none",
}


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


@pytest.fixture
def send(worker, django_capture_on_commit_callbacks):
    """Runs a change and delivers the emails it queues, as the worker would once it commits."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def berlin(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def schedule(world, *starts, **fields):
    fields = {"minutes": 90, "place": "Library, room 4", **fields}
    return schedule_sessions(group=world.group, by=world.mentor, starts=list(starts), **fields)


def calendars_to(person) -> list[icalendar.Calendar]:
    """The calendar files each email to the person carried, read back."""
    found = []
    for message in mail.outbox:
        if message.to == [person.email]:
            [(filename, content, mimetype)] = message.attachments
            assert filename.endswith(".ics")
            assert mimetype.startswith("text/calendar; method=")
            found.append(icalendar.Calendar.from_ical(content))
    return found


def dtstart(event) -> datetime.datetime:
    return event.decoded("dtstart")


# The invitation ------------------------------------------------------------------------------------------------


def test_the_invitation_carries_a_calendar_request_for_the_session(as_user, world, send):
    send(lambda: as_user(world.mentor).post(reverse("groups:session_create", kwargs={"pk": world.group.pk}), SESSION))
    meeting = world.group.meetings.get()
    [calendar] = calendars_to(world.mentee)
    assert calendar["method"] == "REQUEST"
    [event] = calendar.events
    assert str(event["uid"]) == f"{meeting.uid}@testserver"
    assert event["sequence"] == 0
    assert dtstart(event) == datetime.datetime(2035, 3, 6, 17, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime.datetime(2035, 3, 6, 18, 30, tzinfo=UTC)
    assert str(event["summary"]) == "Group A: session"
    assert str(event["location"]) == "Library, room 4"
    session_page = f"https://testserver/groups/{world.group.pk}/sessions/{meeting.pk}/"
    assert str(event["url"]) == session_page
    assert str(event["description"]) == (
        f"Agenda:\nIntroductions\n\nVideo link: https://meet.example.org/group-a\n\nSession page: {session_page}"
    )
    assert str(event["status"]) == "CONFIRMED"
    # Each person is the only attendee of their own copy: nobody's address goes to the others.
    assert str(event["attendee"]) == "mailto:mentee@example.org"
    assert str(event["organizer"]) == "mailto:mentoring@localhost"


def test_the_mentor_gets_the_invitation_too(world, send):
    send(lambda: schedule(world, berlin(2035, 3, 6, 18)))
    assert len(calendars_to(world.mentor)) == 1


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (datetime.date(2035, 3, 24), 17),  # Saturday: still winter time in Berlin (UTC+1)
        (datetime.date(2035, 3, 26), 16),  # Monday: summer time (UTC+2)
        (datetime.date(2035, 10, 27), 16),  # Saturday: still summer time
        (datetime.date(2035, 10, 29), 17),  # Monday: winter time again
    ],
)
def test_the_start_is_the_chosen_berlin_time_on_either_side_of_the_clock_change(as_user, world, send, day, utc_hour):
    url = reverse("groups:session_create", kwargs={"pk": world.group.pk})
    send(lambda: as_user(world.mentor).post(url, {**SESSION, "date": day.isoformat()}))
    [calendar] = calendars_to(world.mentee)
    [event] = calendar.events
    assert dtstart(event) == datetime.datetime(day.year, day.month, day.day, utc_hour, 0, tzinfo=UTC)
    assert dtstart(event).astimezone(BERLIN).time() == datetime.time(18, 0)


def test_a_series_is_one_email_with_one_calendar_holding_every_date(world, send):
    starts = [berlin(2035, 3, 13, 18), berlin(2035, 3, 27, 18), berlin(2035, 4, 10, 18)]
    meetings = send(lambda: schedule(world, *starts))
    [calendar] = calendars_to(world.mentee)
    events = calendar.events
    assert [dtstart(event) for event in events] == [
        datetime.datetime(2035, 3, 13, 17, tzinfo=UTC),
        datetime.datetime(2035, 3, 27, 16, tzinfo=UTC),
        datetime.datetime(2035, 4, 10, 16, tzinfo=UTC),
    ]
    assert [str(event["uid"]) for event in events] == [f"{m.uid}@testserver" for m in meetings]
    [message] = [m for m in mail.outbox if m.to == [world.mentee.email]]
    assert "- Tuesday, March 13, 2035, 6 p.m.–7:30 p.m.\n- Tuesday, March 27, 2035, 6 p.m.–7:30 p.m." in message.body


def test_a_check_in_is_titled_with_the_other_person(world, send):
    send(lambda: schedule(world, berlin(2035, 3, 6, 18), with_member=world.mentee))
    [mentee_calendar] = calendars_to(world.mentee)
    [mentor_calendar] = calendars_to(world.mentor)
    assert str(mentee_calendar.events[0]["summary"]) == "Group A: check-in with Mina Mentor"
    assert str(mentor_calendar.events[0]["summary"]) == "Group A: check-in with Max Mentee"
    [message] = [m for m in mail.outbox if m.to == [world.mentee.email]]
    assert message.subject == "Invitation: check-in with Mina Mentor on March 6, 2035"


# Changes and cancellations -------------------------------------------------------------------------------------


def test_a_reschedule_updates_the_same_event_with_a_higher_sequence(world, send):
    [meeting] = send(lambda: schedule(world, berlin(2035, 3, 6, 18)))
    send(lambda: reschedule(meeting=meeting, by=world.mentor, starts_at=berlin(2035, 3, 8, 19, 30)))
    invitation, update = calendars_to(world.mentee)
    first, second = invitation.events[0], update.events[0]
    assert update["method"] == "REQUEST"
    assert str(second["uid"]) == str(first["uid"]) == f"{meeting.uid}@testserver"
    assert (first["sequence"], second["sequence"]) == (0, 1)
    assert dtstart(second) == datetime.datetime(2035, 3, 8, 18, 30, tzinfo=UTC)


def test_a_cancellation_cancels_the_same_event(world, send):
    [meeting] = send(lambda: schedule(world, berlin(2035, 3, 6, 18)))
    send(lambda: reschedule(meeting=meeting, by=world.mentor, place="Café Central"))
    send(lambda: cancel_session(meeting=meeting, by=world.mentor))
    _invitation, _update, cancellation = calendars_to(world.mentee)
    assert cancellation["method"] == "CANCEL"
    [event] = cancellation.events
    assert str(event["uid"]) == f"{meeting.uid}@testserver"
    assert event["sequence"] == 2
    assert str(event["status"]) == "CANCELLED"
    [message] = [m for m in mail.outbox if m.to == [world.mentee.email] and m.subject.startswith("Cancelled")]
    assert message.attachments[0][0] == "cancellation.ics"
    assert message.attachments[0][2] == "text/calendar; method=CANCEL; charset=utf-8"


# The email's words ---------------------------------------------------------------------------------------------


def test_the_email_shows_the_time_in_the_recipients_zone_and_the_programmes(world, send):
    world.mentee.time_zone = "America/New_York"
    world.mentee.save()
    send(lambda: schedule(world, berlin(2035, 3, 6, 18), agenda="Our goals"))
    [message] = [m for m in mail.outbox if m.to == [world.mentee.email]]
    assert message.subject == 'Invitation: session of "Group A" on March 6, 2035'
    assert "When, in your time zone (America/New_York): Tuesday, March 6, 2035, noon–1:30 p.m." in message.body
    assert "When, in the programme's time zone (Europe/Berlin): Tuesday, March 6, 2035, 6 p.m.–7:30 p.m." in (
        message.body
    )
    assert "Place: Library, room 4" in message.body
    assert "Agenda:\nOur goals" in message.body
    html = message.alternatives[0][0]
    assert "noon–1:30 p.m." in html and "6 p.m.–7:30 p.m." in html
    [mentor_message] = [m for m in mail.outbox if m.to == [world.mentor.email]]
    assert "programme's time zone" not in mentor_message.body  # Berlin, like the programme


def test_the_email_is_written_in_the_recipients_language(world, send):
    world.mentee.language = "de"
    world.mentee.save()
    send(lambda: schedule(world, berlin(2035, 3, 6, 18)))
    [message] = [m for m in mail.outbox if m.to == [world.mentee.email]]
    assert "Dienstag, 6. März 2035, 18:00–19:30" in message.body
    [english] = [m for m in mail.outbox if m.to == [world.mentor.email]]
    assert "Tuesday, March 6, 2035, 6 p.m.–7:30 p.m." in english.body


# The download --------------------------------------------------------------------------------------------------


def ics_url(meeting):
    return reverse("groups:session_ics", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def test_a_member_downloads_the_session_as_a_calendar_file(as_user, world):
    [meeting] = schedule(world, berlin(2035, 3, 6, 18), agenda="Introductions")
    response = as_user(world.mentee).get(ics_url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="session-2035-03-06.ics"'
    assert response["Cache-Control"] == "private"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["method"] == "PUBLISH"
    [event] = calendar.events
    assert str(event["uid"]) == f"{meeting.uid}@testserver"
    assert dtstart(event) == datetime.datetime(2035, 3, 6, 17, tzinfo=UTC)
    assert "Introductions" in str(event["description"])


def test_the_coordinators_file_has_the_facts_but_not_the_groups_agenda(as_user, world):
    [meeting] = schedule(world, berlin(2035, 3, 6, 18), agenda="Max's job search")
    calendar = icalendar.Calendar.from_ical(as_user(world.coordinator).get(ics_url(meeting)).content)
    [event] = calendar.events
    assert "job search" not in str(event["description"])
    assert dtstart(event) == datetime.datetime(2035, 3, 6, 17, tzinfo=UTC)


def test_a_cancelled_session_downloads_as_cancelled(as_user, world):
    [meeting] = schedule(world, berlin(2035, 3, 6, 18))
    cancel_session(meeting=meeting, by=world.mentor)
    calendar = icalendar.Calendar.from_ical(as_user(world.mentee).get(ics_url(meeting)).content)
    [event] = calendar.events
    assert (str(event["status"]), event["sequence"]) == ("CANCELLED", 1)
    assert str(event["summary"]) == "Cancelled: Group A: session"


def test_a_check_in_is_downloaded_only_by_those_who_see_it(as_user, world):
    other_mentee = UserFactory()
    add_to_group(world.group, other_mentee, GroupRole.MENTEE)
    [meeting] = schedule(world, berlin(2035, 3, 6, 18), with_member=world.mentee)
    assert meeting.kind == MeetingKind.CHECK_IN
    assert as_user(world.mentee).get(ics_url(meeting)).status_code == 200
    assert as_user(world.coordinator).get(ics_url(meeting)).status_code == 200
    assert as_user(other_mentee).get(ics_url(meeting)).status_code == 404
    assert as_user(world.other_group_member).get(ics_url(meeting)).status_code == 404


def test_the_download_takes_only_get(as_user, world):
    [meeting] = schedule(world, berlin(2035, 3, 6, 18))
    assert as_user(world.mentee).post(ics_url(meeting)).status_code == 405
