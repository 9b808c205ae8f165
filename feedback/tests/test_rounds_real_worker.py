"""Survey invitations with real components: beat's task runs in a real Celery worker (its own process, Redis as the
broker, PostgreSQL shared with the test), opens the round, writes the invitations to the outbox, and the same worker
delivers them to an SMTP server started by the test (fixtures in ``outbox/tests/conftest.py``).

On a laptop without PostgreSQL and Redis these tests skip with one line; under CI they must run.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter

import pytest
from django.db.models import F

from feedback.models import Respondent, RoundStatus, SurveyRound
from feedback.services.rounds import INVITATION_EMAIL, ensure_rounds
from feedback.tasks import run_survey_rounds
from groups.models import GroupRole
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from outbox.models import EmailStatus, OutgoingEmail
from outbox.tasks import sweep_outbox
from outbox.tests.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def a_programme_at_its_midpoint(groups: int):
    """A running programme of ``groups`` groups of a mentor and two mentees, whose mid-point survey opens today."""
    programme = ProgrammeFactory(name="Pathways")
    people = []
    for number in range(groups):
        group = MentoringGroupFactory(programme=programme, name=f"Group {number}")
        for role in (GroupRole.MENTOR, GroupRole.MENTEE, GroupRole.MENTEE):
            person = UserFactory()
            add_to_group(group, person, role)
            people.append(person)
    midpoint, _end = ensure_rounds(programme)
    SurveyRound.objects.filter(pk=midpoint.pk).update(
        opens_on=programme.today(), closes_on=programme.today() + datetime.timedelta(days=21)
    )
    return midpoint, people


def runs_finished(worker) -> list[str]:
    return re.findall(r"feedback\.tasks\.run_survey_rounds\[[^]]+\] succeeded", worker.tail(100_000))


def test_beat_opens_the_round_and_each_person_gets_one_invitation_through_a_real_worker(
    celery_worker_process, smtp_server
):
    midpoint, people = a_programme_at_its_midpoint(groups=4)

    run_survey_rounds.delay()  # what beat does every five minutes

    assert wait_for(lambda: len(smtp_server.messages) >= len(people), seconds=30), "the invitations did not arrive"
    midpoint.refresh_from_db()
    assert midpoint.status == RoundStatus.OPEN
    received = Counter(recipient for arrival in smtp_server.messages for recipient in arrival.to)
    assert received == Counter({person.email: 1 for person in people})
    assert all("Pathways" in arrival.subject for arrival in smtp_server.messages)
    assert all("http://testserver/feedback/answer/" in arrival.text for arrival in smtp_server.messages)

    run_survey_rounds.delay()  # the next beat: everyone is asked already
    assert wait_for(lambda: len(runs_finished(celery_worker_process)) == 2, seconds=15), "no second run"
    time.sleep(1)  # gives a duplicate time to arrive
    assert len(smtp_server.messages) == len(people)
    assert Respondent.objects.filter(round=midpoint).count() == len(people)


def test_a_worker_killed_while_inviting_sends_each_invitation_once_after_a_restart(celery_worker_process, smtp_server):
    """40 groups of three: 120 invitations. The worker is SIGKILLed once some have arrived and before all have,
    started again, and beat's tasks run again. None is lost, none is queued twice, and each mailbox holds one
    invitation (a copy sent again after the kill carries the same Message-ID)."""
    _midpoint, people = a_programme_at_its_midpoint(groups=40)

    run_survey_rounds.delay()
    assert wait_for(lambda: len(smtp_server.messages) >= 30, seconds=60, every=0.005), "nothing arrived"
    celery_worker_process.kill()
    arrived_before_kill = len(smtp_server.messages)
    assert 0 < arrived_before_kill < len(people), "the kill must land in the middle of the sending"
    # Time passes: the dead worker's claims (10 minutes) run out and the sweeper's grace period passes.
    OutgoingEmail.objects.filter(status=EmailStatus.PENDING).update(
        claimed_until=None, next_attempt_at=F("next_attempt_at") - datetime.timedelta(minutes=11)
    )
    celery_worker_process.restart()
    run_survey_rounds.delay()
    sweep_outbox.delay()

    assert wait_for(
        lambda: OutgoingEmail.objects.filter(kind=INVITATION_EMAIL, status=EmailStatus.SENT).count() == len(people),
        seconds=60,
    ), "not all invitations were sent"
    time.sleep(2)
    assert OutgoingEmail.objects.filter(kind=INVITATION_EMAIL).count() == len(people)
    received = Counter(recipient for arrival in smtp_server.messages for recipient in arrival.to)
    assert set(received) == {person.email for person in people}  # none lost
    assert sum(received.values()) - len(received) <= 1  # at most the one in flight went out twice on the wire
    mailboxes = Counter(arrival.to for arrival in {(a.to, a.message_id): a for a in smtp_server.messages}.values())
    assert set(mailboxes.values()) == {1}
    print(f"arrived before the kill: {arrived_before_kill} of {len(people)}")
