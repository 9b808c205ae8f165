"""What the group's leaders see of the pulse on a session's page: how many members answered and, only from three
answers, the average usefulness and the notes, without names. Members who answered see their thanks, never the
others' answers."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.services.pulse import THRESHOLD, answer_pulse, group_pulses, pulse_questionnaire, session_summary
from groups.access import GroupAccess
from groups.models import GroupRole, Meeting
from mentoring.tests.factories import UserFactory, add_to_group
from reports.services.health import programme_health

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(world) -> Meeting:
    return Meeting.objects.create(
        group=world.group, starts_at=timezone.now() - datetime.timedelta(hours=3), created_by=world.mentor
    )


def session_url(meeting) -> str:
    return reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def answer(meeting, person, score: int, note: str = "") -> None:
    questionnaire = pulse_questionnaire(meeting.group.programme)
    useful, note_question = questionnaire.ordered
    access = GroupAccess(group=meeting.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    answer_pulse(
        access=access,
        meeting=meeting,
        user=person,
        questionnaire=questionnaire,
        answers={useful.pk: score, note_question.pk: note},
    )


def member(world, name: str):
    person = UserFactory(display_name=name)
    add_to_group(world.group, person, GroupRole.MENTEE)
    return person


def test_the_threshold_is_three():
    assert THRESHOLD == 3


def test_below_three_answers_the_mentor_sees_only_how_many_answered(as_user, world, meeting):
    answer(meeting, world.mentee, 2, "Too long")
    answer(meeting, member(world, "Bea Second"), 5, "Loved it")
    response = as_user(world.mentor).get(session_url(meeting))
    page = response.content.decode()
    assert "2 members answered so far." in page
    assert "Results show from 3 answers, so that nobody can be recognised." in page
    assert "out of 5" not in page
    assert "Too long" not in page and "Loved it" not in page
    summary = response.context["pulse"].summary
    assert summary.answers == 2 and summary.average is None and summary.notes == []


def test_from_three_answers_the_mentor_sees_the_average_and_the_notes_without_names(as_user, world, meeting):
    answer(meeting, world.mentee, 4, "Zoom was shaky")
    answer(meeting, member(world, "Bea Second"), 5, "")
    answer(meeting, member(world, "Ann Third"), 4, "  more examples please ")
    page = as_user(world.mentor).get(session_url(meeting)).content.decode()
    assert "3 members answered." in page
    assert "On average they found the session useful: 4.3 out of 5." in page
    section = page[page.index('id="pulse-heading"') :]
    assert section.index("more examples please") < section.index("Zoom was shaky")  # alphabetical, not by time
    assert "Bea Second" not in section and "Max Mentee" not in section


def test_a_member_who_answered_sees_thanks_not_the_results(as_user, world, meeting):
    answer(meeting, world.mentee, 4, "Zoom was shaky")
    answer(meeting, member(world, "Bea Second"), 5)
    answer(meeting, member(world, "Ann Third"), 4)
    response = as_user(world.mentee).get(session_url(meeting))
    page = response.content.decode()
    assert "Thank you! You answered on" in page
    assert "out of 5" not in page and "Zoom was shaky" not in page
    assert response.context["pulse"].summary is None


def test_the_coordinator_sees_no_pulse_on_the_session_page(as_user, world, meeting):
    for name in ("Bea Second", "Ann Third"):
        answer(meeting, member(world, name), 5, "Great")
    answer(meeting, world.mentee, 5, "Great")
    page = as_user(world.coordinator).get(session_url(meeting)).content.decode()
    assert "out of 5" not in page and "Great" not in page


def test_nothing_shows_before_the_session_has_started(as_user, world):
    later = Meeting.objects.create(
        group=world.group, starts_at=timezone.now() + datetime.timedelta(days=1), created_by=world.mentor
    )
    assert as_user(world.mentor).get(session_url(later)).context["pulse"] is None


def test_the_summary_is_one_query(world, meeting, django_assert_num_queries):
    for index in range(5):
        answer(meeting, member(world, f"Person {index}"), 3, f"Note {index}")
    with django_assert_num_queries(1):
        summary = session_summary(meeting)
    assert (summary.answers, summary.average, len(summary.notes)) == (5, 3.0, 5)


def test_the_dashboard_shows_each_groups_average_over_its_sessions_from_three_people(as_user, world, meeting):
    earlier = Meeting.objects.create(
        group=world.group, starts_at=timezone.now() - datetime.timedelta(hours=5), created_by=world.mentor
    )
    answer(meeting, world.mentee, 2)
    answer(earlier, world.mentee, 4)
    answer(meeting, member(world, "Bea Second"), 5)

    def satisfaction():
        return next(g for g in programme_health(world.programme).groups if g.group == world.group).satisfaction

    assert satisfaction() is None  # three answers, from two people
    answer(earlier, member(world, "Ann Third"), 4)
    assert satisfaction() == 3.8 == group_pulses(world.programme)[world.group.pk].average  # 15 / 4, one decimal
    page = as_user(world.coordinator).get(reverse("reports:dashboard", kwargs={"pk": world.programme.pk}))
    assert "<td>3.8 / 5</td>" in page.content.decode()
