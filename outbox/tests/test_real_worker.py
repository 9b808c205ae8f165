"""The outbox with real components: a Celery worker in its own process, Redis as the broker, PostgreSQL shared
with the worker, and an SMTP server started by the test (fixtures in ``outbox/tests/conftest.py``).

On a laptop without PostgreSQL and Redis these tests skip with one line; under CI they must run.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mentoring.tests.factories import InvitationFactory, ProgrammeFactory, UserFactory
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import queue_email
from outbox.tasks import deliver_email, sweep_outbox
from outbox.tests.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

KIND = "programmes.invitation"


def invitations(count: int):
    coordinator = UserFactory(display_name="Cora Coordinator")
    programme = ProgrammeFactory(name="Pathways")
    return InvitationFactory.create_batch(count, programme=programme, invited_by=coordinator)


def queue_invitation_emails(found) -> list[OutgoingEmail]:
    with transaction.atomic():
        return [queue_email(kind=KIND, obj=each, to=each.email, key=f"{KIND}:{each.pk}:0") for each in found]


def everything_settled(*, seconds: float = 2) -> None:
    """Gives a late duplicate time to arrive before the test counts."""
    time.sleep(seconds)


def test_an_email_queued_in_a_transaction_arrives_once_through_a_real_worker(celery_worker_process, smtp_server):
    [invitation] = invitations(1)
    [email] = queue_invitation_emails([invitation])

    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT), "not sent"
    email.refresh_from_db()
    [arrived] = smtp_server.messages
    assert arrived.to == (invitation.email,)
    assert arrived.subject == email.subject
    assert "Pathways" in arrived.subject
    assert f"http://testserver/join/invitation/{invitation.raw_token}/" in arrived.text
    assert email.attempts == 1
    assert email.sent_at is not None

    deliver_email.delay(email.pk)  # the same task again, as after a retry: it finds the row already sent
    everything_settled()
    assert len(smtp_server.messages) == 1


def test_a_worker_killed_in_the_middle_of_a_batch_loses_no_email(celery_worker_process, smtp_server):
    """200 emails; the worker is SIGKILLed after some but not all went out, then started again.

    What the outbox guarantees: no email is lost, and each is sent once, except that a worker killed between the
    SMTP server accepting a message and the row being marked sent leaves the row pending; once its claim runs out
    (10 minutes, made to have passed here) the sweeper sends it again. So each kill can cause at most one
    duplicate per task the worker was running (one, with the solo pool used here), and never a lost email; the
    duplicate has the first copy's Message-ID, so the recipient's mail program shows one email.
    """
    found = invitations(200)
    queue_invitation_emails(found)
    addresses = {each.email for each in found}

    assert wait_for(lambda: len(smtp_server.messages) >= 40, every=0.005), "the worker sent nothing"
    celery_worker_process.kill()
    arrived_before_kill = len(smtp_server.messages)
    assert 0 < arrived_before_kill < 200, "the kill must land in the middle of the batch"
    # Time passes before the restart: the dead worker's claim (10 minutes) runs out, and every row left pending is
    # older than the sweeper's grace period.
    OutgoingEmail.objects.filter(status=EmailStatus.PENDING).update(
        claimed_until=None, next_attempt_at=F("next_attempt_at") - datetime.timedelta(minutes=11)
    )
    celery_worker_process.restart()
    sweep_outbox.delay()  # what beat does every minute

    assert wait_for(lambda: not OutgoingEmail.objects.exclude(status=EmailStatus.SENT).exists()), "not all sent"
    everything_settled()
    received = Counter(recipient for arrival in smtp_server.messages for recipient in arrival.to)
    duplicates = sum(received.values()) - len(received)
    print(f"arrived before the kill: {arrived_before_kill}; duplicates: {duplicates}")
    assert set(received) == addresses  # none lost
    assert duplicates <= 1  # one kill, solo pool: at most the one email in flight
    assert all(count <= 2 for count in received.values())
    # and a copy sent twice carries the same Message-ID: each mailbox shows every email exactly once
    message_ids = {(arrival.to, arrival.message_id) for arrival in smtp_server.messages}
    assert len(message_ids) == len(addresses)


@pytest.mark.parametrize("worker_concurrency", [2])
def test_two_sweeps_running_at_once_send_nothing_twice(celery_worker_process, smtp_server):
    found = invitations(30)
    # Recorded while the broker was away: rows with no task behind them, older than the sweeper's grace period.
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=OSError("broker down")):
        emails = queue_invitation_emails(found)
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=5))
    assert smtp_server.messages == []

    sweep_outbox.delay()
    sweep_outbox.delay()  # two beats, or beat and a manual run: each queues all 30, on two pool processes

    assert wait_for(lambda: OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == len(emails))
    everything_settled()
    received = Counter(recipient for arrival in smtp_server.messages for recipient in arrival.to)
    assert received == Counter({each.email: 1 for each in found})
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {1}
