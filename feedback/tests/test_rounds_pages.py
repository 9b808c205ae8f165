"""The Feedback tab: coordinators see the programme's surveys with their dates and how many answered, add a survey,
change one before it is sent, open one now, and extend a deadline."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from feedback.models import Respondent, RoundKind, RoundStatus, SurveyRound
from feedback.services.rounds import INVITATION_EMAIL, invite, open_round
from groups.models import GroupRole
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from outbox.models import OutgoingEmail
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


def url(name, programme, **kwargs):
    return reverse(f"surveys:{name}", kwargs={"pk": programme.pk, **kwargs})


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator)
    return client


def round_data(world, **fields):
    midpoint_mentees = world.programme.questionnaires.get(purpose="midpoint", audience="mentees")
    data = {
        "name": "Check-in after training",
        "mentee_questionnaire": midpoint_mentees.pk,
        "mentor_questionnaire": "",
        "opens_on": "2027-03-01",
        "closes_on": "2027-03-21",
        "remind_after_days": "5",
        "anonymous": "on",
    }
    data.update(fields)
    return data


def test_the_tab_lists_the_midpoint_and_end_surveys_with_their_dates(coordinator, world, rounds):
    page = coordinator.get(url("rounds", world.programme)).content.decode()
    assert "Mid-point survey" in page and "End-of-programme survey" in page
    assert "follows the programme" in page
    assert "Mid-point survey for mentees" in page
    assert reverse("surveys:round_open", kwargs={"pk": world.programme.pk, "round_pk": rounds[0].pk}) in page


def test_the_tab_makes_the_rounds_of_a_programme_that_had_none(coordinator, world):
    assert not world.programme.survey_rounds.exists()
    coordinator.get(url("rounds", world.programme))
    assert world.programme.survey_rounds.count() == 2


def test_the_overview_has_a_feedback_tab(coordinator, world):
    page = coordinator.get(reverse("programmes:detail", kwargs={"pk": world.programme.pk})).content.decode()
    assert url("rounds", world.programme) in page


def test_an_open_round_shows_how_many_answered_by_role(coordinator, world, open_midpoint):
    Respondent.objects.filter(round=open_midpoint, user=world.mentee).update(submitted_at=open_midpoint.opened_at)
    page = coordinator.get(url("rounds", world.programme)).content.decode()
    assert "1 of 3" in page
    assert "mentees 1 of 2" in page
    assert "mentors 0 of 1" in page


@pytest.mark.parametrize("extra_groups", [0, 6])
def test_the_tab_takes_the_same_number_of_queries_however_many_answered(
    coordinator, world, open_midpoint, extra_groups
):
    for _number in range(extra_groups):
        group = MentoringGroupFactory(programme=world.programme)
        add_to_group(group, UserFactory(), GroupRole.MENTOR)
        add_to_group(group, UserFactory(), GroupRole.MENTEE)
    invite(open_midpoint)
    SurveyRound.objects.create(
        programme=world.programme,
        name="Extra",
        mentee_questionnaire=open_midpoint.mentee_questionnaire,
        opens_on=datetime.date(2027, 4, 1),
        closes_on=datetime.date(2027, 4, 20),
    )
    # The session and the user, the door, the rounds ensured (one read), the rounds with their counts, and the
    # navigation bar: the same with 3 or 15 people asked.
    assert count_queries(coordinator, url("rounds", world.programme)) == 7


def test_a_coordinator_adds_a_survey_that_opens_on_its_date(coordinator, world, rounds):
    response = coordinator.post(url("round_create", world.programme), round_data(world))
    assert response.status_code == 302
    added = SurveyRound.objects.get(name="Check-in after training")
    assert (added.kind, added.status) == (RoundKind.OTHER, RoundStatus.SCHEDULED)
    assert added.mentor_questionnaire is None
    assert added.remind_after_days == 5
    assert not OutgoingEmail.objects.filter(kind=INVITATION_EMAIL).exists()


def test_a_survey_added_with_open_now_invites_at_once(coordinator, world, rounds):
    coordinator.post(url("round_create", world.programme), round_data(world, open_now="on"))
    added = SurveyRound.objects.get(name="Check-in after training")
    assert added.status == RoundStatus.OPEN
    # Mentees only: the questionnaire for mentors was left empty.
    assert set(OutgoingEmail.objects.filter(kind=INVITATION_EMAIL).values_list("to", flat=True)) == {
        world.mentee.email,
        world.other_group_member.email,
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"closes_on": "2027-02-01"}, "closes_on", "cannot be before the survey opens"),
        ({"mentee_questionnaire": ""}, "mentee_questionnaire", "Choose a questionnaire for mentees, mentors or both."),
        ({"remind_after_days": "90"}, "remind_after_days", "60"),
        ({"opens_on": "soon"}, "opens_on", "Enter a valid date."),
    ],
)
def test_a_survey_with_bad_input_comes_back_with_the_message_at_the_field(
    coordinator, world, rounds, fields, field, message
):
    response = coordinator.post(url("round_create", world.programme), round_data(world, **fields))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not SurveyRound.objects.filter(kind=RoundKind.OTHER).exists()


def test_another_programmes_questionnaire_cannot_be_chosen(coordinator, world, rounds):
    from feedback.services.questionnaires import default_questionnaires

    foreign = default_questionnaires(world.other_programme)[("midpoint", "mentees")]
    response = coordinator.post(
        url("round_create", world.programme), round_data(world, mentee_questionnaire=foreign.pk)
    )
    assert response.status_code == 200
    assert "mentee_questionnaire" in response.context["form"].errors


def test_changing_a_scheduled_survey_sets_its_dates_by_hand(coordinator, world, rounds):
    midpoint, _end = rounds
    data = round_data(world, name=midpoint.name, opens_on="2027-01-20", closes_on="2027-02-10")
    data["mentor_questionnaire"] = midpoint.mentor_questionnaire_id
    assert coordinator.post(url("round_edit", world.programme, round_pk=midpoint.pk), data).status_code == 302
    midpoint.refresh_from_db()
    assert (midpoint.opens_on, midpoint.closes_on) == (datetime.date(2027, 1, 20), datetime.date(2027, 2, 10))
    assert midpoint.follows_programme is False


def test_a_survey_already_sent_cannot_be_changed_only_extended(coordinator, world, open_midpoint):
    response = coordinator.get(url("round_edit", world.programme, round_pk=open_midpoint.pk), follow=True)
    assert "You can still extend its deadline" in response.content.decode()


def test_open_now_opens_the_survey_and_sends_the_invitations(coordinator, world, rounds):
    midpoint, _end = rounds
    coordinator.post(url("round_open", world.programme, round_pk=midpoint.pk))
    midpoint.refresh_from_db()
    assert midpoint.status == RoundStatus.OPEN
    assert OutgoingEmail.objects.filter(kind=INVITATION_EMAIL).count() == 3
    response = coordinator.post(url("round_open", world.programme, round_pk=midpoint.pk), follow=True)
    assert "open already" in response.content.decode()
    assert OutgoingEmail.objects.filter(kind=INVITATION_EMAIL).count() == 3


def test_extending_moves_the_last_day(coordinator, world, open_midpoint):
    later = open_midpoint.closes_on + datetime.timedelta(days=10)
    coordinator.post(url("round_extend", world.programme, round_pk=open_midpoint.pk), {"closes_on": later.isoformat()})
    open_midpoint.refresh_from_db()
    assert open_midpoint.closes_on == later


def test_extending_to_an_earlier_day_is_refused_at_the_field(coordinator, world, open_midpoint):
    earlier = open_midpoint.closes_on - datetime.timedelta(days=1)
    response = coordinator.post(
        url("round_extend", world.programme, round_pk=open_midpoint.pk), {"closes_on": earlier.isoformat()}
    )
    assert response.status_code == 200
    assert "Choose a day after the current last day" in str(response.context["form"].errors["closes_on"])


def test_a_closed_programmes_surveys_cannot_change(coordinator, world, rounds):
    midpoint, _end = rounds
    open_round(midpoint)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    page = coordinator.get(url("rounds", world.programme)).content.decode()
    assert "Add a survey" not in page and "Extend the deadline" not in page
    response = coordinator.post(url("round_create", world.programme), round_data(world), follow=True)
    assert "This programme is closed" in response.content.decode()
    response = coordinator.get(url("round_extend", world.programme, round_pk=midpoint.pk), follow=True)
    assert "This programme is closed" in response.content.decode()
