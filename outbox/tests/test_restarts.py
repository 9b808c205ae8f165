"""The worker and beat restarted, as on every deployment: nothing is lost and nothing is sent twice.

A worker stopped with SIGTERM (a deployment, ``docker stop``) finishes the batch it is sending and leaves the
batches it has not started in the queue (tasks are acknowledged late); started again, it sends those. A restarted
beat may run again what it ran just before it stopped; every task it runs is a sweeper that finds the emails
already in the outbox. (A worker killed with SIGKILL is in ``test_real_worker.py`` and the reminders' and surveys'
own real-worker tests.)

On a laptop without PostgreSQL and Redis these tests skip with one line; under CI they must run.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from feedback.models import SurveyRound
from feedback.services.rounds import INVITATION_EMAIL, ensure_rounds
from groups.models import GroupRole, Meeting
from groups.services.goals import GOAL_REVIEW_EMAIL
from groups.services.reminders import SESSION_REMINDER
from mentoring.celery import app
from mentoring.tests.factories import (
    InvitationFactory,
    MentoringGroupFactory,
    ProgrammeFactory,
    UserFactory,
    add_to_group,
)
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import DELIVERY_BATCH, NewEmail, queue_emails
from outbox.tests.conftest import wait_for
from programmes.models import Programme

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

INVITATION = "programmes.invitation"


def everything_settled(*, seconds: float = 2) -> None:
    """Gives a late duplicate time to arrive before the test counts."""
    time.sleep(seconds)


def test_a_worker_stopped_in_the_middle_of_the_batches_sends_every_email_once_after_it_starts_again(
    celery_worker_process, smtp_server
):
    """300 invitations queued at once: six delivery tasks of 50. The worker gets SIGTERM once some have arrived:
    it finishes the batch in hand and stops. Started again, it sends the rest from the queue, without the
    sweeper; every email goes out exactly once (a killed worker may send the one in flight twice; a stopped one
    does not)."""
    programme = ProgrammeFactory(name="Pathways")
    found = InvitationFactory.create_batch(300, programme=programme, invited_by=UserFactory())
    with transaction.atomic():
        queue_emails(
            [NewEmail(kind=INVITATION, obj=each, to=each.email, key=f"{INVITATION}:{each.pk}:0") for each in found]
        )

    assert wait_for(lambda: len(smtp_server.messages) >= 20, every=0.005), "the worker sent nothing"
    celery_worker_process.stop()
    arrived_before_stop = len(smtp_server.messages)
    assert 0 < arrived_before_stop < len(found), "the stop must land in the middle of the sending"
    assert arrived_before_stop % DELIVERY_BATCH == 0, "a stopped worker finishes the batch in hand"
    assert not OutgoingEmail.objects.filter(claimed_until__isnull=False).exists()  # and holds no row

    celery_worker_process.start()

    assert wait_for(lambda: not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()), "not all sent"
    everything_settled()
    print(f"arrived before the stop: {arrived_before_stop} of {len(found)}")
    received = Counter(recipient for arrival in smtp_server.messages for recipient in arrival.to)
    assert received == Counter(dict.fromkeys((each.email for each in found), 1))
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {1}


def a_programme_with_everything_due():
    """A running programme at its mid-point, with one group of three meeting in 90 minutes: beat's tasks owe each
    of them a session reminder, a goal review and an invitation to the mid-point survey."""
    programme = ProgrammeFactory(name="Pathways", reminder_hours="24,2")
    today = programme.today()
    Programme.objects.filter(pk=programme.pk).update(
        starts_on=today - datetime.timedelta(days=100), ends_on=today + datetime.timedelta(days=100)
    )
    programme.refresh_from_db()
    group = MentoringGroupFactory(programme=programme, name="Sunflowers")
    people = [UserFactory(display_name=name) for name in ("Mia Mentor", "Ana Mentee", "Ben Mentee")]
    for person, role in zip(people, (GroupRole.MENTOR, GroupRole.MENTEE, GroupRole.MENTEE), strict=True):
        add_to_group(group, person, role)
    Meeting.objects.create(group=group, starts_at=timezone.now() + datetime.timedelta(minutes=90), created_by=people[0])
    midpoint, _end = ensure_rounds(programme)
    SurveyRound.objects.filter(pk=midpoint.pk).update(opens_on=today, closes_on=today + datetime.timedelta(days=21))
    return people


def beat_tasks_finished(worker) -> int:
    names = "|".join(re.escape(entry["task"]) for entry in app.conf.beat_schedule.values())
    return len(re.findall(rf"(?:{names})\[[^]]+\] succeeded", worker.tail(1_000_000)))


@pytest.mark.parametrize("worker_concurrency", [2])
def test_beat_restarted_running_every_task_again_sends_nothing_twice(celery_worker_process, smtp_server):
    """Every entry of beat's schedule twice over, on a worker with two processes, so the two runs overlap: what a
    beat restarted just after it sent its tasks does (it runs again what was due). Each person gets each email
    once."""
    people = a_programme_with_everything_due()
    tasks = [entry["task"] for entry in app.conf.beat_schedule.values()]

    for _run in range(2):
        for task in tasks:
            app.send_task(task)

    assert wait_for(lambda: beat_tasks_finished(celery_worker_process) == 2 * len(tasks), seconds=60), "not all ran"
    assert wait_for(lambda: len(smtp_server.messages) >= 9, seconds=30), "the emails did not arrive"
    assert wait_for(lambda: not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists(), seconds=10)
    everything_settled()
    emails = Counter(OutgoingEmail.objects.values_list("kind", "to"))
    assert emails == Counter(
        {
            (kind, person.email): 1
            for kind in (SESSION_REMINDER, GOAL_REVIEW_EMAIL, INVITATION_EMAIL)
            for person in people
        }
    )
    received = Counter((arrival.to, arrival.subject) for arrival in smtp_server.messages)
    assert len(received) == 9
    assert set(received.values()) == {1}
