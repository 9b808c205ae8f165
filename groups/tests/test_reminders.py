"""Reminders: before a session (the programme's hours, only the nearest one that is due), a nudge to the leaders
when a session is not logged a day later, and action items coming due. Each is one outbox row with a unique key,
so the sweeper can run twice and nothing is queued twice; each is checked again when it is sent, and every
email has a link to stop that kind of reminder."""

import datetime
import zoneinfo
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from groups.models import ActionItem, GroupKind, GroupRole, Meeting, MeetingKind, MeetingStatus
from groups.services.reminders import (
    ACTION_ITEM_DUE,
    LOG_NUDGE,
    SESSION_REMINDER,
    action_item_key,
    log_nudge_key,
    queue_due_reminders,
    session_reminder_key,
)
from groups.tasks import send_due_reminders
from mentoring.celery import app
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.forms.programmes import ProgrammeForm
from programmes.models import ProgrammeStatus

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def no_broker():
    """Deliveries queued on commit go nowhere; the tests deliver by hand with ``deliver``."""
    with mock.patch("outbox.tasks.deliver_email.delay"), mock.patch("outbox.tasks.deliver_emails.delay") as delay:
        yield delay


def session(world, *, starts_in: datetime.timedelta, group=None, **fields) -> Meeting:
    return Meeting.objects.create(
        group=group or world.group,
        starts_at=timezone.now() + starts_in,
        place="Library, room 4",
        created_by=world.mentor,
        **fields,
    )


def keys(kind: str) -> set[str]:
    return set(OutgoingEmail.objects.filter(kind=kind).values_list("key", flat=True))


def recipients(kind: str) -> set[str]:
    return set(OutgoingEmail.objects.filter(kind=kind).values_list("to", flat=True))


def send(kind: str) -> list[str]:
    return [deliver(pk) for pk in OutgoingEmail.objects.filter(kind=kind).order_by("pk").values_list("pk", flat=True)]


# Session reminders -----------------------------------------------------------------------------------------------


def test_a_session_tomorrow_gets_the_24_hour_reminder_for_everyone_taking_part(world):
    meeting = session(world, starts_in=20 * HOUR)
    assert queue_due_reminders() == 2
    assert keys(SESSION_REMINDER) == {
        session_reminder_key(24, meeting, world.mentor.pk),
        session_reminder_key(24, meeting, world.mentee.pk),
    }
    assert recipients(SESSION_REMINDER) == {world.mentor.email, world.mentee.email}


def test_no_reminder_before_the_largest_offset(world):
    session(world, starts_in=30 * HOUR)
    assert queue_due_reminders() == 0
    assert not OutgoingEmail.objects.exists()


def test_only_the_smallest_offset_reached_is_queued(world):
    soon = session(world, starts_in=3 * HOUR)
    sooner = session(world, starts_in=HOUR)
    queue_due_reminders()
    assert keys(SESSION_REMINDER) == {
        session_reminder_key(24, soon, world.mentor.pk),
        session_reminder_key(24, soon, world.mentee.pk),
        session_reminder_key(2, sooner, world.mentor.pk),
        session_reminder_key(2, sooner, world.mentee.pk),
    }


def test_the_24_and_the_2_hour_reminder_both_come_as_time_passes(world):
    meeting = session(world, starts_in=20 * HOUR)
    queue_due_reminders()
    queue_due_reminders(now=meeting.starts_at - 90 * datetime.timedelta(minutes=1))
    assert keys(SESSION_REMINDER) == {
        session_reminder_key(hours, meeting, person.pk) for hours in (24, 2) for person in (world.mentor, world.mentee)
    }


def test_the_programme_chooses_the_hours(world):
    world.programme.reminder_hours = "48"
    world.programme.save()
    meeting = session(world, starts_in=40 * HOUR)
    queue_due_reminders()
    assert keys(SESSION_REMINDER) == {session_reminder_key(48, meeting, p.pk) for p in (world.mentor, world.mentee)}


def test_no_reminders_for_cancelled_started_or_closed_programme_sessions(world):
    session(world, starts_in=HOUR, status=MeetingStatus.CANCELLED, cancelled_at=timezone.now())
    session(world, starts_in=-HOUR / 2)
    other = MentoringGroupFactory(programme=ProgrammeFactory(status=ProgrammeStatus.CLOSED))
    add_to_group(other, UserFactory(), GroupRole.MENTEE)
    session(world, starts_in=HOUR, group=other)
    assert queue_due_reminders() == 0


def test_a_check_in_reminds_only_its_two_people(world):
    nora = UserFactory()
    add_to_group(world.group, nora, GroupRole.MENTEE)
    session(world, starts_in=HOUR, kind=MeetingKind.CHECK_IN, with_member=world.mentee)
    queue_due_reminders()
    assert recipients(SESSION_REMINDER) == {world.mentor.email, world.mentee.email}


def test_a_person_who_turned_session_reminders_off_gets_none(world):
    world.mentee.remind_sessions = False
    world.mentee.save()
    session(world, starts_in=HOUR)
    queue_due_reminders()
    assert recipients(SESSION_REMINDER) == {world.mentor.email}


def test_running_twice_queues_nothing_new(world, no_broker, django_capture_on_commit_callbacks):
    session(world, starts_in=HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_due_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_due_reminders() == 0
    assert OutgoingEmail.objects.count() == 2
    no_broker.assert_called_once()  # one delivery task for both
    assert sorted(no_broker.call_args.args[0]) == sorted(OutgoingEmail.objects.values_list("pk", flat=True))


def test_the_task_body_queues_the_due_reminders(world):
    session(world, starts_in=HOUR)
    assert send_due_reminders.run() == 2
    assert send_due_reminders.run() == 0


def test_beat_runs_the_sweeper_every_five_minutes():
    entry = app.conf.beat_schedule["due-reminders"]
    assert entry == {"task": "groups.tasks.send_due_reminders", "schedule": 300.0}


def test_the_reminder_email_gives_times_in_both_zones_and_a_stop_link(world):
    world.mentee.time_zone = "America/New_York"
    world.mentee.save()
    meeting = session(world, starts_in=HOUR)
    queue_due_reminders()
    email = OutgoingEmail.objects.get(recipient=world.mentee)
    assert deliver(email.pk) == EmailStatus.SENT
    sent = mail.outbox[0]
    assert "Group A" in sent.subject
    assert "America/New_York" in sent.body and "Europe/Berlin" in sent.body
    for zone in ("America/New_York", "Europe/Berlin"):
        local = timezone.localtime(meeting.starts_at, zoneinfo.ZoneInfo(zone))
        assert f"{formats.date_format(local, 'DATE_FORMAT')}, {formats.time_format(local, 'TIME_FORMAT')}" in sent.body
    assert "/accounts/reminders/off/" in sent.body
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http")
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_reminder_is_in_the_recipients_language(world):
    world.mentee.language = "de"
    world.mentee.save()
    session(world, starts_in=HOUR)
    queue_due_reminders()
    deliver(OutgoingEmail.objects.get(recipient=world.mentee).pk)
    assert mail.outbox[0].body.startswith("Hallo Max,")


@pytest.mark.parametrize(
    "change",
    [
        lambda m: Meeting.objects.filter(pk=m.pk).update(status=MeetingStatus.CANCELLED, cancelled_at=timezone.now()),
        lambda m: Meeting.objects.filter(pk=m.pk).update(starts_at=m.starts_at + datetime.timedelta(days=1)),
        lambda m: Meeting.objects.filter(pk=m.pk).update(starts_at=timezone.now() - HOUR),
    ],
    ids=["cancelled", "moved", "started"],
)
def test_a_stale_session_reminder_is_not_sent(world, change):
    meeting = session(world, starts_in=HOUR)
    queue_due_reminders()
    change(meeting)
    assert send(SESSION_REMINDER) == [EmailStatus.CANCELLED] * 2
    assert mail.outbox == []


def test_a_moved_session_gets_new_reminders(world):
    meeting = session(world, starts_in=HOUR)
    queue_due_reminders()
    meeting.starts_at += HOUR / 2
    meeting.save()
    assert queue_due_reminders() == 2


def test_no_session_reminder_for_someone_who_left_or_turned_it_off_since(world):
    session(world, starts_in=HOUR)
    queue_due_reminders()
    world.group.memberships.filter(user=world.mentee).update(left_at=timezone.now())
    type(world.mentor).objects.filter(pk=world.mentor.pk).update(remind_sessions=False)
    assert send(SESSION_REMINDER) == [EmailStatus.CANCELLED] * 2


# Log nudges ------------------------------------------------------------------------------------------------------


def test_a_leader_is_nudged_a_day_after_an_unlogged_session(world):
    meeting = session(world, starts_in=-26 * HOUR)
    queue_due_reminders()
    assert keys(LOG_NUDGE) == {log_nudge_key(meeting, world.mentor.pk)}
    assert send(LOG_NUDGE) == [EmailStatus.SENT]
    assert "log" in mail.outbox[0].subject.lower()
    assert "/log/" in mail.outbox[0].body


def test_no_nudge_before_a_day_after_it_ended_or_two_weeks_later(world):
    session(world, starts_in=-24 * HOUR)  # ended 22.5 hours ago
    session(world, starts_in=-15 * 24 * HOUR)
    assert queue_due_reminders() == 0


def test_no_nudge_for_a_logged_or_cancelled_session(world):
    session(world, starts_in=-30 * HOUR, held=True, logged_at=timezone.now(), logged_by=world.mentor)
    session(world, starts_in=-30 * HOUR, status=MeetingStatus.CANCELLED, cancelled_at=timezone.now())
    assert queue_due_reminders() == 0


def test_every_member_of_a_peer_group_and_the_supervisor_of_a_circle_are_nudged(world):
    peer = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    peers = [UserFactory(), UserFactory()]
    for person in peers:
        add_to_group(peer, person, GroupRole.MENTEE)
    circle = MentoringGroupFactory(programme=world.programme, kind=GroupKind.MENTOR_CIRCLE)
    supervisor, circle_mentor = UserFactory(), UserFactory()
    add_to_group(circle, supervisor, GroupRole.SUPERVISOR)
    add_to_group(circle, circle_mentor, GroupRole.MENTOR)
    session(world, starts_in=-30 * HOUR, group=peer)
    session(world, starts_in=-30 * HOUR, group=circle)
    queue_due_reminders()
    assert recipients(LOG_NUDGE) == {peers[0].email, peers[1].email, supervisor.email}


def test_a_nudge_is_not_sent_once_the_session_is_logged(world):
    meeting = session(world, starts_in=-30 * HOUR)
    queue_due_reminders()
    Meeting.objects.filter(pk=meeting.pk).update(held=True, logged_at=timezone.now(), logged_by=world.mentor)
    assert send(LOG_NUDGE) == [EmailStatus.CANCELLED]


def test_a_leader_who_turned_nudges_off_is_not_nudged(world):
    world.mentor.remind_logging = False
    world.mentor.save()
    session(world, starts_in=-30 * HOUR)
    assert queue_due_reminders() == 0


# Action items ----------------------------------------------------------------------------------------------------


def item(world, *, due_in_days: int | None, owner=None, **fields) -> ActionItem:
    meeting = session(world, starts_in=-5 * 24 * HOUR, held=True, logged_at=timezone.now(), logged_by=world.mentor)
    today = world.programme.today()  # items are due by the day where the programme runs
    due_on = None if due_in_days is None else today + datetime.timedelta(days=due_in_days)
    owner = owner or world.mentee
    return ActionItem.objects.create(meeting=meeting, owner=owner, text="Ask HR", due_on=due_on, **fields)


def test_an_action_item_due_soon_reminds_its_owner(world):
    due = item(world, due_in_days=1)
    queue_due_reminders()
    assert keys(ACTION_ITEM_DUE) == {action_item_key(due)}
    assert recipients(ACTION_ITEM_DUE) == {world.mentee.email}
    assert send(ACTION_ITEM_DUE) == [EmailStatus.SENT]
    assert "Ask HR" in mail.outbox[0].body


def test_items_later_done_or_without_owner_or_date_are_not_reminded(world):
    item(world, due_in_days=5)
    item(world, due_in_days=1, done_at=timezone.now())
    item(world, due_in_days=None)
    meeting = session(world, starts_in=-5 * 24 * HOUR, held=True, logged_at=timezone.now(), logged_by=world.mentor)
    ActionItem.objects.create(meeting=meeting, text="Nobody's", due_on=world.programme.today())
    queue_due_reminders()
    assert not OutgoingEmail.objects.filter(kind=ACTION_ITEM_DUE).exists()


def test_an_item_done_before_the_email_goes_is_not_sent(world):
    due = item(world, due_in_days=0)
    queue_due_reminders()
    ActionItem.objects.filter(pk=due.pk).update(done_at=timezone.now())
    assert send(ACTION_ITEM_DUE) == [EmailStatus.CANCELLED]


def test_an_item_moved_to_a_new_date_is_reminded_again(world):
    due = item(world, due_in_days=0)
    queue_due_reminders()
    due.due_on += datetime.timedelta(days=1)
    due.save()
    assert queue_due_reminders() == 1
    assert send(ACTION_ITEM_DUE) == [EmailStatus.CANCELLED, EmailStatus.SENT]


def test_an_owner_who_turned_item_reminders_off_gets_none(world):
    world.mentee.remind_action_items = False
    world.mentee.save()
    item(world, due_in_days=0)
    assert queue_due_reminders() == 0


# The programme's setting -----------------------------------------------------------------------------------------


def _programme_data(programme, **changes) -> dict:
    data = {
        "name": programme.name,
        "description": "",
        "starts_on": "2026-09-01",
        "ends_on": "2027-05-31",
        "time_zone": "Europe/Berlin",
        "sessions_per_month": "1",
        "session_minutes": "90",
        "group_size_min": "3",
        "group_size_target": "5",
        "group_size_max": "6",
    }
    return {**data, **changes}


@pytest.mark.parametrize("value", ["0", "169", "24,2,1,3", "two", "2.5", "24;2"])
def test_the_programme_form_refuses_bad_reminder_hours(world, value):
    form = ProgrammeForm(_programme_data(world.programme, reminder_hours=value), instance=world.programme)
    assert not form.is_valid()
    assert "reminder_hours" in form.errors


def test_the_programme_form_takes_good_reminder_hours_and_defaults_when_empty(world):
    form = ProgrammeForm(_programme_data(world.programme, reminder_hours="72, 24,2"), instance=world.programme)
    assert form.is_valid(), form.errors
    assert form.save().reminder_offsets == [2, 24, 72]
    form = ProgrammeForm(_programme_data(world.programme, reminder_hours=""), instance=world.programme)
    assert form.is_valid(), form.errors
    assert form.save().reminder_hours == "24,2"
    assert "hours before each session" in str(form["reminder_hours"].help_text)


# Queries ---------------------------------------------------------------------------------------------------------


def _populate(world, count: int) -> None:
    for number in range(count):
        group = MentoringGroupFactory(programme=world.programme)
        add_to_group(group, UserFactory(), GroupRole.MENTOR)
        add_to_group(group, UserFactory(), GroupRole.MENTEE)
        session(world, starts_in=HOUR + number * datetime.timedelta(minutes=1), group=group)
        session(world, starts_in=-30 * HOUR, group=group)
        logged = session(world, starts_in=-3 * 24 * HOUR, group=group, held=True, logged_at=timezone.now())
        owner = group.memberships.first().user
        ActionItem.objects.create(meeting=logged, owner=owner, text="Do it", due_on=world.programme.today())


def _queries(now=None) -> tuple[int, int]:
    """The queries of one sweep: all of them, and those that only read (not writing the outbox)."""
    with CaptureQueriesContext(connection) as context:
        queue_due_reminders(now=now)
    reads = [q for q in context.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    reads = [q for q in reads if "outbox_outgoingemail" not in q["sql"] or " IN (" in q["sql"]]
    return len(context.captured_queries), len(reads)


@pytest.mark.parametrize("count", [3, 12])
def test_the_sweeper_takes_the_same_number_of_queries_for_3_or_12_sessions(world, count):
    _populate(world, count)
    now = timezone.now()
    total, reads = _queries(now)
    assert OutgoingEmail.objects.count() == count * (2 + 1 + 1)
    assert reads == 8  # 2 per kind of reminder, the check of known keys, the new rows' ids
    assert total == 11  # and one insert for all the rows, in a transaction
    total, reads = _queries(now)  # nothing new to queue: reads only
    assert total == reads == 7
