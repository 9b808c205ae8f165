"""The coordinators read the groups' evaluations once they are sent, in a table of groups and stages, and each
group's pulse after sessions, only from three people. Drafts stay with the group: the coordinators never see
them, not even that one exists."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import GroupEvaluation, Stage
from feedback.services.pulse import answer_pulse, pulse_questionnaire
from groups.access import GroupAccess
from groups.models import GroupRole, Meeting
from groups.services.kinds import create_circle
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group, programme_mentor
from mentoring.tests.querycount import count_queries

pytestmark = pytest.mark.django_db


def table_url(programme) -> str:
    return reverse("surveys:evaluations", kwargs={"pk": programme.pk})


def one_url(programme, group, stage=Stage.MIDPOINT) -> str:
    return reverse("surveys:evaluation", kwargs={"pk": programme.pk, "group_pk": group.pk, "stage": stage})


def evaluation(group, author, *, stage=Stage.MIDPOINT, sent=True, **texts) -> GroupEvaluation:
    return GroupEvaluation.objects.create(
        group=group,
        stage=stage,
        author=author,
        submitted_at=timezone.now() if sent else None,
        **({"how_it_went": "Going well."} | texts),
    )


def test_the_table_lists_each_group_with_its_sent_evaluations(as_user, world):
    evaluation(world.group, world.mentor)
    page = as_user(world.coordinator).get(table_url(world.programme)).content.decode()
    assert "Group A" in page and "Group B" in page
    assert one_url(world.programme, world.group) in page
    assert "Sent on" in page and "Mina Mentor" in page
    assert "Not sent yet" in page  # the end stage, and Group B
    assert "1 evaluation sent so far" in page


def test_a_coordinator_reads_a_sent_evaluation(as_user, world):
    evaluation(world.group, world.mentor, conclusions="Give groups a room.")
    response = as_user(world.coordinator).get(one_url(world.programme, world.group))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mid-point evaluation of Group A" in page
    assert "Going well." in page and "Give groups a room." in page
    assert "Mina Mentor" in page


def test_drafts_are_not_shown_to_coordinators(as_user, world):
    evaluation(world.group, world.mentor, sent=False, how_it_went="A secret draft")
    client = as_user(world.coordinator)
    page = client.get(table_url(world.programme)).content.decode()
    assert one_url(world.programme, world.group) not in page
    assert "A secret draft" not in page
    assert "0 evaluations sent so far" in page
    assert client.get(one_url(world.programme, world.group)).status_code == 404


def test_mentor_circles_are_not_in_the_evaluations_table(as_user, world):
    mentors = [programme_mentor(world.programme) for _ in range(3)]
    create_circle(programme=world.programme, name="Circle of mentors", mentors=mentors, supervisor=world.coordinator)
    response = as_user(world.coordinator).get(table_url(world.programme))
    assert [row.group.name for row in response.context["page"].rows] == ["Group A", "Group B"]
    assert "Circle of mentors" in response.content.decode()  # its pulse, further down


def test_a_group_of_another_programme_or_an_unknown_stage_is_404(as_user, world):
    other = MentoringGroupFactory(programme=world.other_programme)
    evaluation(other, world.other_coordinator)
    client = as_user(world.coordinator)
    assert client.get(one_url(world.programme, other)).status_code == 404
    evaluation(world.group, world.mentor)
    assert client.get(one_url(world.programme, world.group, "halfway")).status_code == 404


def test_the_empty_table_says_what_to_do_next(as_user, world):
    programme = world.other_programme
    page = as_user(world.other_coordinator).get(table_url(programme)).content.decode()
    assert "No groups to evaluate yet." in page
    assert reverse("grouping:groups", kwargs={"pk": programme.pk}) in page


def test_mentors_and_mentees_are_refused(as_user, world):
    assert as_user(world.mentor).get(table_url(world.programme)).status_code == 403
    assert as_user(world.mentee).get(table_url(world.programme)).status_code == 403
    evaluation(world.group, world.mentor)
    assert as_user(world.mentor).get(one_url(world.programme, world.group)).status_code == 403


# The pulse


def pulses(group, people, score: int) -> None:
    """Each person answers the pulse of a new past session of the group."""
    meeting = Meeting.objects.create(
        group=group, starts_at=timezone.now() - datetime.timedelta(days=1), created_by=people[0]
    )
    questionnaire = pulse_questionnaire(group.programme)
    useful = next(question for question in questionnaire.ordered if question.key == "pulse_useful")
    for person in people:
        access = GroupAccess(group=group, group_role=GroupRole.MENTEE, is_coordinator=False)
        answer_pulse(
            access=access, meeting=meeting, user=person, questionnaire=questionnaire, answers={useful.pk: score}
        )


def mentees(group, count: int) -> list:
    people = []
    for _ in range(count):
        person = UserFactory()
        add_to_group(group, person, GroupRole.MENTEE)
        people.append(person)
    return people


def pulse_of(response, group):
    return dict(response.context["page"].pulses)[group]


def test_each_groups_pulse_shows_its_average_from_three_people(as_user, world):
    three = [world.mentee, *mentees(world.group, 2)]
    pulses(world.group, three, 4)
    pulses(world.group, three[:1], 1)
    response = as_user(world.coordinator).get(table_url(world.programme))
    summary = pulse_of(response, world.group)
    assert summary.answers == 4 and summary.average == 3.2  # (4 + 4 + 4 + 1) / 4
    assert "3.2 out of 5" in response.content.decode()


def test_below_three_people_the_pulse_shows_only_the_number_of_answers(as_user, world):
    two = [world.mentee, *mentees(world.group, 1)]
    for _ in range(3):  # six answers, but from two people
        pulses(world.group, two, 5)
    response = as_user(world.coordinator).get(table_url(world.programme))
    summary = pulse_of(response, world.group)
    assert summary.answers == 6 and summary.average is None
    page = response.content.decode()
    assert "Shows from 3 people" in page and "out of 5" not in page


def test_a_group_without_answers_says_so(as_user, world):
    response = as_user(world.coordinator).get(table_url(world.programme))
    assert pulse_of(response, world.group) is None
    assert "No answers yet" in response.content.decode()


def test_the_evaluations_page_query_count_stays_flat(as_user, world):
    client = as_user(world.coordinator)
    url = table_url(world.programme)
    evaluation(world.group, world.mentor)
    pulses(world.group, [world.mentee], 4)
    small = count_queries(client, url)
    for index in range(8):
        group = MentoringGroupFactory(programme=world.programme, name=f"More {index}")
        people = mentees(group, 3)
        evaluation(group, people[0])
        evaluation(group, people[1], stage=Stage.END)
        pulses(group, people, 3)
    assert len(client.get(url).context["page"].rows) == 10
    # session and user, the programme's door, the navigation's one; the groups, the sent evaluations, the pulses
    assert count_queries(client, url) == small == 6
