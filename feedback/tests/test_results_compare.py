"""The mid-point and the end of the programme side by side: for each audience, the questions both questionnaires ask
(the same ``key``), their answers and means next to each other, the recommendation scores and the response rates;
each side of an anonymous pair shown only from three responses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from feedback.models import Respondent
from feedback.services.results_compare import comparison
from feedback.services.rounds import invite, open_round
from feedback.tests.test_results_page import newcomers, submit, text
from groups.models import GroupRole
from mentoring.tests.querycount import count_queries

pytestmark = pytest.mark.django_db


def url(programme) -> str:
    return reverse("surveys:compare", kwargs={"pk": programme.pk})


@pytest.fixture
def both_open(world, rounds, open_midpoint):
    _midpoint, end = rounds
    open_round(end)
    end.refresh_from_db()
    return open_midpoint, end


@pytest.fixture
def answered(world, both_open):
    """Four mentees answered at mid-point (support 2, 3, 3, 4; recommend 10, 9, 5, 8), three at the end (support
    4, 5, 5; recommend 10, 10, 9). Nobody from the mentors."""
    midpoint, end = both_open
    people = newcomers(midpoint, world.group, 3)
    invite(end)
    mid_people = [Respondent.objects.get(round=midpoint, user=world.mentee), *people]
    for respondent, support, recommend in zip(mid_people, [2, 3, 3, 4], [10, 9, 5, 8], strict=True):
        submit(respondent, outcome_support=support, recommend=recommend, goal_progress="Some progress")
    end_people = Respondent.objects.filter(round=end, role="mentee", group=world.group).order_by("pk")[:3]
    for respondent, support in zip(end_people, [4, 5, 5], strict=True):
        submit(respondent, outcome_support=support, recommend=10 if support == 5 else 9, accomplishments="A job")
    return midpoint, end


def audience(result, label):
    return next(compared for compared in result.audiences if compared.audience == label)


def test_questions_with_the_same_key_are_set_side_by_side(world, answered):
    mentees = audience(comparison(world.programme), "Mentees")
    keys = [question.midpoint.question.key for question in mentees.questions]
    # Shared, not written, same kind: the outcomes, goals, helped most and recommend; not "often_enough" (only at
    # mid-point), not "accomplishments" (only at the end), not the written "changed".
    assert keys[:2] == ["helped_most", "outcome_support"]
    assert "recommend" in keys and "goal_progress" in keys
    assert "often_enough" not in keys and "changed" not in keys and "accomplishments" not in keys

    support = next(q for q in mentees.questions if q.midpoint.question.key == "outcome_support")
    assert support.midpoint.mean == pytest.approx(3.0)
    assert support.end.mean == pytest.approx(14 / 3)
    assert [(row.label, row.midpoint.count, row.end.count) for row in support.rows] == [
        ("Strongly disagree", 0, 0),
        ("Disagree", 1, 0),
        ("Neither agree nor disagree", 2, 0),
        ("Agree", 1, 1),
        ("Strongly agree", 0, 2),
    ]


def test_recommendation_scores_and_response_rates_side_by_side(world, answered):
    result = comparison(world.programme)
    mentees = audience(result, "Mentees")
    assert mentees.midpoint.recommendation.signed == "+25"  # 2 promoters, 1 passive, 1 detractor of 4
    assert mentees.end.recommendation.signed == "+100"
    rates = {
        row.label: (row.midpoint.answered, row.midpoint.asked, row.end.answered, row.end.asked) for row in result.rates
    }
    assert rates["Everyone"] == (4, 6, 3, 6)
    assert rates["Mentees"] == (4, 5, 3, 5)
    assert rates["Mentors"] == (0, 1, 0, 1)


def test_the_page_shows_both_sides_as_charts_and_tables(world, answered, as_user):
    response = as_user(world.coordinator).get(url(world.programme))
    assert response.status_code == 200
    page = text(response)
    assert "Mid-point and end compared" in page
    assert "I feel supported by my group." in page
    assert "mean 3.0 out of 5" in page and "mean 4.7 out of 5" in page
    assert (
        'aria-label="Chart of the answers at mid-point and at the end: Strongly disagree: mid-point 0 (0%), end 0 (0%);'
        in page
    )
    assert '<th scope="col" class="text-end">Mid-point: people</th>' in page
    assert "+25" in page and "+100" in page
    assert "4 / 6 · 67%" in page and "3 / 6 · 50%" in page
    assert "style=" not in page.split("<main", 1)[1]
    # The mentors answered nothing: their side says so, and nothing is shown.
    mentors = page.split("Answers of: Mentors", 1)[1]
    assert "not enough responses to show yet" in mentors


def test_each_side_is_shown_only_from_three_responses(world, both_open, as_user):
    midpoint, end = both_open
    people = newcomers(midpoint, world.group, 2)
    invite(end)
    for respondent in [Respondent.objects.get(round=midpoint, user=world.mentee), *people]:
        submit(respondent, outcome_support=1)
    for respondent in Respondent.objects.filter(round=end, role="mentee", group=world.group).order_by("pk")[:2]:
        submit(respondent, outcome_support=5)
    mentees = audience(comparison(world.programme), "Mentees")
    support = next(q for q in mentees.questions if q.midpoint and q.midpoint.question.key == "outcome_support")
    assert support.midpoint.option("Strongly disagree").count == 3
    assert support.end is None
    assert all(row.end is None for row in support.rows)
    assert (mentees.end.responses, mentees.end.shown) == (2, False)
    page = text(as_user(world.coordinator).get(url(world.programme)))
    assert "not enough responses to show yet" in page
    assert "Strongly agree: mid-point 0 (0%), end not shown" in page


def test_a_round_not_open_yet_says_when_it_opens(world, open_midpoint, as_user):
    page = text(as_user(world.coordinator).get(url(world.programme)))
    assert "not open yet (opens on" in page


def test_without_the_two_rounds_the_page_says_what_to_do(world, as_user):
    page = text(as_user(world.coordinator).get(url(world.programme)))
    assert "This programme has no mid-point and end-of-programme surveys to compare." in page


def test_only_the_programmes_coordinators_compare(world, rounds, client):
    client.force_login(world.mentee)
    assert client.get(url(world.programme)).status_code == 403
    client.force_login(world.other_coordinator)
    assert client.get(url(world.programme)).status_code == 404
    client.force_login(world.coordinator)
    assert client.post(url(world.programme)).status_code == 405


def test_the_number_of_queries_does_not_grow_with_the_responses(world, answered, as_user):
    midpoint, end = answered
    client = as_user(world.coordinator)
    few = count_queries(client, url(world.programme))
    for respondent in newcomers(midpoint, world.group, 20):
        submit(respondent, outcome_support=4, recommend=7)
    for respondent in newcomers(end, world.group, 20, role=GroupRole.MENTEE):
        submit(respondent, outcome_support=5, recommend=9)
    mentors = newcomers(end, world.group, 3, role=GroupRole.MENTOR)
    for respondent in mentors:
        submit(respondent, mentor_time=5)
    assert count_queries(client, url(world.programme)) == few
