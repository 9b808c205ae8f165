"""The migration that brought in the sessions' attendance counts counts the marks of sessions logged before."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from groups.models import Attendance, Meeting

pytestmark = pytest.mark.django_db

migration = importlib.import_module("groups.migrations.0005_meeting_attendance_counts")


def test_the_counts_of_earlier_sessions_are_filled_in(world):
    logged = Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        created_by=world.mentor,
        held=True,
        logged_at=timezone.now(),
        logged_by=world.mentor,
    )
    unlogged = Meeting.objects.create(group=world.group, starts_at=timezone.now(), created_by=world.mentor)
    Attendance.objects.bulk_create(  # as before the counts were kept: nothing counted
        [
            Attendance(meeting=logged, user=world.mentor, status="present"),
            Attendance(meeting=logged, user=world.mentee, status="excused"),
        ]
    )
    migration.count_marks(apps, None)
    assert Meeting.objects.filter(pk=logged.pk).values_list("marks_count", "present_count").get() == (2, 1)
    assert Meeting.objects.filter(pk=unlogged.pk).values_list("marks_count", "present_count").get() == (0, 0)
