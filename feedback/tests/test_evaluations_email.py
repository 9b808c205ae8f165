"""When a group's evaluation is sent, each coordinator of the programme gets one email naming the group and the stage,
with the link to read it, and nothing of what it says; a draft sends nothing."""

from __future__ import annotations

import pytest
from django.core import mail

from feedback.models import GroupEvaluation, Stage
from feedback.services.evaluations import EVALUATION_SENT_EMAIL
from feedback.tests.test_evaluations_writing import TEXTS, url
from feedback.tests.test_evaluations_writing import past_midpoint as past_midpoint
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import ProgrammeMembership, Role

pytestmark = pytest.mark.django_db


def test_sending_the_evaluation_tells_each_coordinator_once_without_its_words(as_user, world, past_midpoint):
    second = ProgrammeMembership.objects.create(
        programme=world.programme, user=world.other_coordinator, role=Role.COORDINATOR
    ).user
    client = as_user(world.mentor)
    client.post(url(world.group), {**TEXTS, "action": "draft"})
    assert not OutgoingEmail.objects.filter(kind=EVALUATION_SENT_EMAIL).exists()  # a draft tells nobody

    client.post(url(world.group), {**TEXTS, "action": "send"})
    emails = OutgoingEmail.objects.filter(kind=EVALUATION_SENT_EMAIL)
    assert sorted(emails.values_list("to", flat=True)) == sorted([world.coordinator.email, second.email])
    assert set(emails.values_list("programme_id", flat=True)) == {world.programme.pk}
    assert {deliver(email.pk) for email in emails} == {EmailStatus.SENT}

    evaluation = GroupEvaluation.objects.get(group=world.group, stage=Stage.MIDPOINT)
    [message, *_rest] = mail.outbox
    assert "Group A" in message.subject
    assert f"/programmes/{world.programme.pk}/feedback/evaluations/{world.group.pk}/{evaluation.stage}/" in message.body
    for text in TEXTS.values():
        assert text not in message.body
        assert text not in message.alternatives[0][0]


def test_a_coordinator_who_left_meanwhile_gets_nothing(as_user, world, past_midpoint):
    as_user(world.mentor).post(url(world.group), {**TEXTS, "action": "send"})
    ProgrammeMembership.objects.filter(user=world.coordinator).update(status="withdrawn")
    email = OutgoingEmail.objects.get(kind=EVALUATION_SENT_EMAIL, to=world.coordinator.email)
    assert deliver(email.pk) == EmailStatus.CANCELLED
