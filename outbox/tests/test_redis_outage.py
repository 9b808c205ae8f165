"""Redis, the broker, goes away for a while and comes back: nobody notices, and no email is lost.

Every email is a row in the outbox, written in the same transaction as the change it reports, before any broker is
involved. Queueing its delivery task afterwards gives up within half a second when Redis is away
(``CELERY_TASK_PUBLISH_RETRY_POLICY``), so the request still answers normally, and the row waits. Once Redis is back,
the sweeper that beat runs every minute queues every waiting row, and each email is sent once.

The test stops a redis-server of its own (never the shared one) for a few seconds; the load-test drill in bench/
keeps it away for 30 seconds under load. On a laptop without PostgreSQL, Redis or redis-server it skips with one
line; under CI it must run.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupRole, Meeting
from groups.services.reminders import SESSION_REMINDER
from groups.tasks import send_due_reminders
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import SWEEP_GRACE
from outbox.tasks import sweep_outbox
from outbox.tests.conftest import wait_for
from programmes.models import ProgrammeMembership, Role

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

INVITATION = "programmes.invitation"
QUICK = 2.0  # seconds a request may take while Redis is away; it gives up on the broker within half a second


@pytest.fixture
def worker_broker_url(private_redis):
    """The worker and this process use a Redis the test may stop."""
    return private_redis.url


def connections_to_the_broker(worker) -> int:
    return worker.tail(1_000_000).count("Connected to redis://")


def sweep_as_beat_would_a_minute_later() -> int:
    """Runs the outbox's sweeper as beat's next run, a little over a minute from now, would: rows younger than
    ``SWEEP_GRACE`` are left to the task queued when they were written, so the test moves the clock instead of
    waiting. The delivery tasks it queues go to the real worker."""
    later = timezone.now() + SWEEP_GRACE + datetime.timedelta(seconds=5)
    with mock.patch("django.utils.timezone.now", return_value=later):
        return sweep_outbox.apply().get()


def test_while_redis_is_away_requests_answer_and_every_email_is_sent_once_it_is_back(
    celery_worker_process, smtp_server, private_redis, client
):
    programme = ProgrammeFactory(name="Pathways", reminder_hours="24,2")
    coordinator = UserFactory(display_name="Cora Coordinator")
    ProgrammeMembership.objects.create(programme=programme, user=coordinator, role=Role.COORDINATOR)
    group = MentoringGroupFactory(programme=programme, name="Sunflowers")
    members = [UserFactory(display_name=name) for name in ("Mia Mentor", "Ana Mentee", "Ben Mentee")]
    for person, role in zip(members, (GroupRole.MENTOR, GroupRole.MENTEE, GroupRole.MENTEE), strict=True):
        add_to_group(group, person, role)
    Meeting.objects.create(
        group=group, starts_at=timezone.now() + datetime.timedelta(minutes=90), created_by=members[0]
    )
    client.force_login(coordinator)
    invite_url = reverse("programmes:invite", kwargs={"pk": programme.pk})

    def invite(address: str) -> float:
        started = time.monotonic()
        response = client.post(invite_url, {"one-email": address, "one-role": Role.MENTEE})
        took = time.monotonic() - started
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == reverse("programmes:invitations", kwargs={"pk": programme.pk})
        return took

    # Before: an invitation goes straight through the worker.
    invite("before@example.org")
    assert wait_for(lambda: len(smtp_server.messages) == 1, seconds=30), "the first invitation did not arrive"
    connected = connections_to_the_broker(celery_worker_process)

    private_redis.stop()
    outage_started = time.monotonic()
    try:
        # Coordinators go on inviting people.
        during = [f"during.{number}@example.org" for number in range(5)]
        took = [invite(address) for address in during]
        # A worker that was running beat's reminder task when Redis went away finishes it: the reminders are
        # recorded, and queueing their delivery gives up quickly.
        started = time.monotonic()
        assert send_due_reminders.apply().get() == 3
        took.append(time.monotonic() - started)
        print(f"while Redis was away: slowest request {max(took):.2f} s, all {', '.join(f'{t:.2f}' for t in took)}")
        assert max(took) < QUICK

        waiting = OutgoingEmail.objects.filter(status=EmailStatus.PENDING)
        assert sorted(waiting.values_list("to", flat=True)) == sorted(during + [person.email for person in members])
        assert set(waiting.values_list("attempts", flat=True)) == {0}  # recorded, and no worker has seen them
        time.sleep(max(0.0, 3 - (time.monotonic() - outage_started)))  # a few seconds away in all
        assert len(smtp_server.messages) == 1
    finally:
        private_redis.start()  # on the same port, empty: whatever the broker held is gone

    # The worker finds Redis again by itself (it retries every few seconds) and declares its queue anew.
    assert wait_for(lambda: connections_to_the_broker(celery_worker_process) > connected, seconds=60), (
        "the worker did not reconnect"
    )
    assert sweep_as_beat_would_a_minute_later() == 8

    assert wait_for(lambda: not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists(), seconds=30), (
        "not every email was sent after Redis came back"
    )
    time.sleep(1)  # gives a duplicate time to arrive
    received = Counter(recipient for arrival in smtp_server.messages for recipient in arrival.to)
    assert received == Counter(dict.fromkeys(["before@example.org", *during, *(m.email for m in members)], 1))
    assert OutgoingEmail.objects.filter(kind=SESSION_REMINDER).count() == 3
    assert OutgoingEmail.objects.filter(kind=INVITATION).count() == 6

    assert sweep_as_beat_would_a_minute_later() == 0  # the next beat: nothing is waiting
    time.sleep(1)
    assert len(smtp_server.messages) == 9
