"""Fixtures of feedback, on top of the project's ``world`` (conftest.py at the root): the programme's rounds, and
its mid-point round open with the world's mentee, mentor and other group's mentee asked.

Deliveries queued on commit go nowhere unless a test delivers them (``outbox.services.deliver``). The real-worker
tests use the outbox's fixtures (a local SMTP server, a Celery worker in its own process), imported here."""

from __future__ import annotations

from unittest import mock

import pytest

from feedback.models import Respondent, SurveyRound
from feedback.services.rounds import ensure_rounds, open_round
from outbox.tests.conftest import (  # noqa: F401
    celery_worker_process,
    smtp_server,
    worker_broker_url,
    worker_concurrency,
)


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch("outbox.tasks.deliver_email.delay"), mock.patch("outbox.tasks.deliver_emails.delay") as delay:
        yield delay


@pytest.fixture
def rounds(world) -> tuple[SurveyRound, SurveyRound]:
    """The world's programme's mid-point and end-of-programme rounds, scheduled."""
    midpoint, end = ensure_rounds(world.programme, by=world.coordinator)
    return midpoint, end


@pytest.fixture
def open_midpoint(rounds) -> SurveyRound:
    """The mid-point round, open: the world's mentee, mentor and other group's mentee are asked."""
    midpoint, _end = rounds
    open_round(midpoint)
    midpoint.refresh_from_db()
    return midpoint


@pytest.fixture
def mentee_respondent(world, open_midpoint) -> Respondent:
    return Respondent.objects.get(round=open_midpoint, user=world.mentee)


@pytest.fixture
def mentor_respondent(world, open_midpoint) -> Respondent:
    return Respondent.objects.get(round=open_midpoint, user=world.mentor)
