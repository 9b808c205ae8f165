"""A person's surveys: the list under "My surveys", and "Surveys waiting for your answer" on their home page.

Open surveys not answered yet come first, with their deadline and a button ("Continue" when answers were saved),
then the answered ones with their date, then the ones that closed without an answer. Both pages cost the same
number of queries for two surveys as for ten.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from feedback.models import RoundKind, RoundStatus, SurveyRound
from feedback.services.responding import questionnaire_of, save_answers
from feedback.services.rounds import open_round
from feedback.tests.test_respond_answering import answer_url
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

MINE = reverse("feedback:mine")


def another_round(world, midpoint: SurveyRound, name: str, *, closes_on=datetime.date(2027, 3, 1)) -> SurveyRound:
    """An extra round of the programme with the mid-point questionnaires, open: the world's people are asked."""
    survey_round = SurveyRound.objects.create(
        programme=world.programme,
        kind=RoundKind.OTHER,
        name=name,
        mentee_questionnaire=midpoint.mentee_questionnaire,
        mentor_questionnaire=midpoint.mentor_questionnaire,
        opens_on=datetime.date(2027, 1, 1),
        closes_on=closes_on,
    )
    open_round(survey_round)
    return survey_round


def respondent_of(survey_round, person):
    return survey_round.respondents.get(user=person)


def send(respondent) -> None:
    save_answers(respondent=respondent, answers={}, submit=True)


def save_draft(respondent) -> None:
    first = questionnaire_of(respondent).questions.filter(kind="long_text").first()
    save_answers(respondent=respondent, answers={first.pk: "Half done."}, submit=False)


def close(survey_round) -> None:
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=RoundStatus.CLOSED)


# The list -----------------------------------------------------------------------------------------------------------


def test_the_list_shows_waiting_then_answered_then_closed_surveys(as_user, world, open_midpoint):
    pulse = another_round(world, open_midpoint, "Pulse in March", closes_on=datetime.date(2027, 3, 10))
    early = another_round(world, open_midpoint, "Quick check", closes_on=datetime.date(2027, 1, 10))
    answered = another_round(world, open_midpoint, "Kick-off survey")
    closed = another_round(world, open_midpoint, "Training survey", closes_on=datetime.date(2027, 1, 5))
    send(respondent_of(answered, world.mentee))
    save_draft(respondent_of(pulse, world.mentee))
    close(closed)
    response = as_user(world.mentee).get(MINE)
    assert response.status_code == 200
    surveys = response.context["surveys"]
    assert [r.round for r in surveys.waiting] == [early, open_midpoint, pulse]  # the nearest deadline first
    assert [r.round for r in surveys.answered] == [answered]
    assert [r.round for r in surveys.closed] == [closed]
    text = response.content.decode()
    assert text.index("Waiting for your answer") < text.index("Answered") < text.index("Closed")
    assert "answer by Jan. 10, 2027" in text
    assert f'href="{answer_url(early)}">Answer<span class="visually-hidden">: Quick check, Pathways</span>' in text
    assert f'href="{answer_url(pulse)}">Continue<span' in text and "you saved some answers" in text
    assert "answered on" in text
    assert "closed on Jan. 5, 2027, not answered" in text


def test_a_closed_programmes_open_round_is_listed_as_closed(as_user, world, open_midpoint):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    surveys = as_user(world.mentee).get(MINE).context["surveys"]
    assert surveys.waiting == [] and [r.round for r in surveys.closed] == [open_midpoint]


def test_the_list_shows_only_the_persons_own_surveys(as_user, world, open_midpoint):
    send(respondent_of(open_midpoint, world.mentor))
    surveys = as_user(world.mentee).get(MINE).context["surveys"]
    assert [r.user for r in surveys.waiting] == [world.mentee]
    assert surveys.answered == []


@pytest.mark.parametrize("persona", ["outsider", "coordinator"])
def test_someone_never_asked_sees_an_empty_state_that_says_what_happens_next(as_user, world, open_midpoint, persona):
    text = as_user(getattr(world, persona)).get(MINE).content.decode()
    assert "You have no surveys." in text
    assert "you get an email with a link" in text


def test_nothing_waiting_says_thank_you(as_user, world, open_midpoint):
    send(respondent_of(open_midpoint, world.mentee))
    assert "Nothing is waiting for you. Thank you!" in as_user(world.mentee).get(MINE).content.decode()


def test_the_list_needs_signing_in_and_takes_only_get(client, as_user, world):
    response = client.get(MINE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert as_user(world.mentee).post(MINE).status_code == 405


def test_the_list_makes_as_many_queries_for_ten_surveys_as_for_two(as_user, world, open_midpoint):
    client = as_user(world.mentee)
    send(respondent_of(another_round(world, open_midpoint, "Round 0"), world.mentee))
    small = count_queries(client, MINE)
    for n in range(1, 9):
        survey_round = another_round(world, open_midpoint, f"Round {n}")
        if n % 3 == 0:
            send(respondent_of(survey_round, world.mentee))
        elif n % 3 == 1:
            save_draft(respondent_of(survey_round, world.mentee))
        else:
            close(survey_round)
    response = client.get(MINE)
    assert sum(len(part) for part in (response.context["surveys"].waiting, response.context["surveys"].answered)) > 2
    # session, user, navigation, the person's surveys with their rounds, programmes and drafts
    assert count_queries(client, MINE) == small == 4


# The home page ------------------------------------------------------------------------------------------------------


def test_the_home_page_lists_the_surveys_waiting_with_their_deadline_and_a_button(as_user, world, open_midpoint):
    later = another_round(world, open_midpoint, "Pulse in March")
    save_draft(respondent_of(later, world.mentee))
    text = as_user(world.mentee).get("/").content.decode()
    assert "Surveys waiting for your answer" in text
    assert f"answer by {open_midpoint.closes_on:%b}" in text
    assert f'href="{answer_url(open_midpoint)}">Answer<span' in text
    assert f'href="{answer_url(later)}">Continue<span' in text
    assert f'href="{MINE}">See all your surveys</a>' in text
    assert text.index("Surveys waiting for your answer") < text.index("Your groups")


def test_the_home_page_leaves_out_answered_closed_and_other_peoples_surveys(as_user, world, open_midpoint):
    closed = another_round(world, open_midpoint, "Training survey")
    close(closed)
    send(respondent_of(open_midpoint, world.mentee))
    text = as_user(world.mentee).get("/").content.decode()
    assert "Surveys waiting for your answer" not in text
    assert "Surveys waiting for your answer" not in as_user(world.outsider).get("/").content.decode()


def test_the_home_page_leaves_out_the_surveys_of_a_closed_programme(as_user, world, open_midpoint):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    assert "Surveys waiting for your answer" not in as_user(world.mentee).get("/").content.decode()


def test_the_home_page_makes_as_many_queries_for_ten_surveys_as_for_two(as_user, world, open_midpoint):
    client = as_user(world.mentee)
    another_round(world, open_midpoint, "Round 0")
    small = count_queries(client, "/")
    for n in range(1, 9):
        survey_round = another_round(world, open_midpoint, f"Round {n}")
        if n % 2:
            save_draft(respondent_of(survey_round, world.mentee))
    assert len(client.get("/").context["surveys"]) == 10
    assert count_queries(client, "/") == small
