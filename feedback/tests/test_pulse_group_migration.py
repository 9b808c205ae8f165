"""A pulse response always names its session's group: the database refuses one without, and the migration that
made it a rule first gave any such response its session's group."""

import importlib
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from feedback.models import Response
from groups.models import Meeting

pytestmark = pytest.mark.django_db

migration = importlib.import_module("feedback.migrations.0003_pulse_group")


def a_session(world) -> Meeting:
    return Meeting.objects.create(group=world.group, starts_at=timezone.now(), created_by=world.mentor)


def a_pulse(world, meeting, **fields) -> Response:  # the pulse questionnaire comes with the `rounds` fixture
    pulse = world.programme.questionnaires.get(purpose="pulse")
    return Response.objects.create(questionnaire=pulse, meeting=meeting, user=world.mentee, role="mentee", **fields)


@contextmanager
def without_the_rule():
    """As before the rule: PostgreSQL drops it inside the test's transaction (rolled back after the test); SQLite
    stops checking its rules for the while."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE feedback_response DROP CONSTRAINT response_pulse_has_group")
            yield
        else:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def test_a_pulse_without_its_group_is_refused(world, rounds):
    meeting = a_session(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        a_pulse(world, meeting)
    assert a_pulse(world, meeting, group=meeting.group).group_id == world.group.pk


def test_the_migration_gives_an_earlier_pulse_its_sessions_group(world, rounds):
    meeting = a_session(world)
    with without_the_rule():
        orphan = a_pulse(world, meeting)
        migration.group_the_pulses(apps, None)
    orphan.refresh_from_db()
    assert orphan.group_id == meeting.group_id
