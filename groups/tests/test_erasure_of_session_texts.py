"""Erasing a person blanks what they raised with the coordinators and what they reflected after sessions; the rows
and their dates stay for the programme's figures."""

import datetime

import pytest
from django.utils import timezone

from groups.models import Concern, ConcernStatus, Meeting, Reflection
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db


def test_erasing_blanks_concerns_and_reflections_and_keeps_the_rows(world):
    meeting = Meeting.objects.create(
        group=world.group, starts_at=timezone.now() - datetime.timedelta(days=1), created_by=world.mentor
    )
    reflection = Reflection.objects.create(meeting=meeting, author=world.mentee, text="I felt heard today.")
    concern = Concern.objects.create(group=world.group, raised_by=world.mentee, text="The sessions start late.")
    others = Reflection.objects.create(meeting=meeting, author=world.mentor, text="A good first session.")

    anonymise_person(user=world.mentee, by=world.coordinator)

    reflection.refresh_from_db()
    concern.refresh_from_db()
    others.refresh_from_db()
    assert reflection.text == "—" and concern.text == "—"
    assert concern.status == ConcernStatus.OPEN and concern.created_at is not None
    assert others.text == "A good first session."
