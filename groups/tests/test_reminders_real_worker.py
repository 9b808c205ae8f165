"""Session reminders with real components: beat's task runs in a real Celery worker (its own process, Redis as the
broker, PostgreSQL shared with the test), the sweeper queues the reminders into the outbox, and the same worker
delivers them to an SMTP server started by the test (fixtures in ``outbox/tests/conftest.py``).

On a laptop without PostgreSQL and Redis this test skips with one line; under CI it must run.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone

from groups.models import GroupRole, Meeting
from groups.services.reminders import SESSION_REMINDER
from groups.tasks import send_due_reminders
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from outbox.models import EmailStatus, OutgoingEmail
from outbox.tasks import sweep_outbox
from outbox.tests.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def a_group_meeting_in_90_minutes():
    programme = ProgrammeFactory(name="Pathways", reminder_hours="24,2")
    group = MentoringGroupFactory(programme=programme, name="Sunflowers")
    mentor = UserFactory(display_name="Mia Mentor")
    mentees = [UserFactory(display_name="Ana Mentee"), UserFactory(display_name="Ben Mentee")]
    add_to_group(group, mentor, GroupRole.MENTOR)
    for mentee in mentees:
        add_to_group(group, mentee, GroupRole.MENTEE)
    Meeting.objects.create(
        group=group,
        starts_at=timezone.now() + datetime.timedelta(minutes=90),
        place="Library, room 4",
        created_by=mentor,
    )
    return group, [mentor, *mentees]


def sweeps_finished(worker) -> list[str]:
    """What each run of the sweeper in the worker returned (how many reminders it queued), from the worker's log."""
    return re.findall(r"groups\.tasks\.send_due_reminders\[[^]]+\] succeeded in [^:]+: (\d+)", worker.tail(100_000))


def all_reminders_settled() -> bool:
    reminders = OutgoingEmail.objects.filter(kind=SESSION_REMINDER)
    return reminders.exists() and not reminders.exclude(status=EmailStatus.SENT).exists()


def test_beat_sends_each_participant_one_reminder_through_a_real_worker(celery_worker_process, smtp_server):
    group, people = a_group_meeting_in_90_minutes()

    send_due_reminders.delay()  # what beat does every five minutes; the worker sweeps, queues and delivers

    assert wait_for(lambda: len(smtp_server.messages) >= 3, seconds=15), "the reminders did not arrive"
    assert sweeps_finished(celery_worker_process) == ["3"]
    assert wait_for(all_reminders_settled, seconds=5), "the reminders are not all marked sent"
    received = Counter(recipient for arrival in smtp_server.messages for recipient in arrival.to)
    assert received == Counter({person.email: 1 for person in people})
    assert all(group.name in arrival.subject for arrival in smtp_server.messages)

    send_due_reminders.delay()  # the next beat: the reminders are in the outbox already
    assert wait_for(lambda: len(sweeps_finished(celery_worker_process)) == 2, seconds=10), "no second sweep"
    assert sweeps_finished(celery_worker_process) == ["3", "0"]
    time.sleep(1)  # gives a duplicate time to arrive
    assert len(smtp_server.messages) == 3
    assert OutgoingEmail.objects.filter(kind=SESSION_REMINDER).count() == 3


def test_a_worker_killed_while_sending_reminders_sends_each_one_once_after_a_restart(
    celery_worker_process, smtp_server
):
    """40 groups of three with a session in 90 minutes: 120 reminders. The worker is SIGKILLed once some have arrived
    and before all have, started again, and beat's two tasks run again (the sweeper of reminders and the outbox's).

    None is lost, none is queued twice, and every person's mailbox holds one reminder: a copy the dead worker had
    handed to the server without marking it sent goes out again with the same Message-ID."""
    people = []
    for _ in range(40):
        _group, members = a_group_meeting_in_90_minutes()
        people += members

    send_due_reminders.delay()
    assert wait_for(lambda: len(smtp_server.messages) >= 30, seconds=30, every=0.005), "nothing arrived"
    celery_worker_process.kill()
    arrived_before_kill = len(smtp_server.messages)
    assert 0 < arrived_before_kill < len(people), "the kill must land in the middle of the sending"
    # Time passes before the restart: the dead worker's claims (10 minutes) run out and the sweeper's grace passes.
    OutgoingEmail.objects.filter(status=EmailStatus.PENDING).update(
        claimed_until=None, next_attempt_at=F("next_attempt_at") - datetime.timedelta(minutes=11)
    )
    celery_worker_process.restart()
    send_due_reminders.delay()  # the next beat: finds every reminder in the outbox already
    sweep_outbox.delay()  # and the outbox's sweeper queues the ones left pending

    assert wait_for(lambda: OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == len(people), seconds=60)
    time.sleep(2)  # gives a late duplicate time to arrive
    assert OutgoingEmail.objects.filter(kind=SESSION_REMINDER).count() == len(people)
    received = Counter(recipient for arrival in smtp_server.messages for recipient in arrival.to)
    assert set(received) == {person.email for person in people}  # none lost
    assert sum(received.values()) - len(received) <= 1  # at most the one in flight went out twice on the wire
    mailboxes = Counter(arrival.to for arrival in {(a.to, a.message_id): a for a in smtp_server.messages}.values())
    assert set(mailboxes.values()) == {1}  # and each mailbox shows exactly one reminder
    print(f"arrived before the kill: {arrived_before_kill} of {len(people)}")
