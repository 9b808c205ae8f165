"""Closing a programme lets the requests to mentors that nobody answered lapse, so they hold no mentor's place."""

import pytest

from groups.models import AssignmentStatus
from groups.services.mentors import mentor_load
from mentoring.tests.factories import MentorAssignmentFactory, MentoringGroupFactory, programme_mentor
from programmes.models import ProgrammeStatus

pytestmark = pytest.mark.django_db


def test_closing_withdraws_the_requests_waiting_for_an_answer(world):
    mentor = programme_mentor(world.programme, max_groups=1)
    waiting = MentorAssignmentFactory(
        group=MentoringGroupFactory(programme=world.programme), mentor=mentor, assigned_by=world.coordinator
    )
    assert mentor_load([mentor.pk])[mentor.pk] == 1
    world.programme.status = ProgrammeStatus.CLOSING
    world.programme.save(update_fields=["status"])

    world.programme.move_to(ProgrammeStatus.CLOSED, by=world.coordinator)

    waiting.refresh_from_db()
    assert waiting.status == AssignmentStatus.WITHDRAWN and waiting.decided_at is not None
    assert mentor_load([mentor.pk])[mentor.pk] == 0


def test_moving_to_another_phase_keeps_the_requests(world):
    mentor = programme_mentor(world.programme)
    waiting = MentorAssignmentFactory(
        group=MentoringGroupFactory(programme=world.programme), mentor=mentor, assigned_by=world.coordinator
    )
    world.programme.move_to(ProgrammeStatus.CLOSING, by=world.coordinator)
    waiting.refresh_from_db()
    assert waiting.status == AssignmentStatus.PENDING
