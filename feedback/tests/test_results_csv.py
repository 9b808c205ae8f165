"""The answers of a round as a spreadsheet: one row per response, a column per question. Named rounds say who
answered; anonymous rounds say nothing that identifies anyone and export only from three responses. Cells that a
spreadsheet would run as a formula are made harmless."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from feedback.models import Respondent
from feedback.services.results_export import NotEnoughResponses, export_csv
from feedback.tests.test_results_page import NOT_ENOUGH, named, newcomers, submit, text
from groups.models import GroupRole
from mentoring.csv_export import safe_cell
from mentoring.tests.factories import MentoringGroupFactory

pytestmark = pytest.mark.django_db


def url(survey_round) -> str:
    return reverse("surveys:results_csv", kwargs={"pk": survey_round.programme_id, "round_pk": survey_round.pk})


def rows(content: bytes | str) -> list[list[str]]:
    if isinstance(content, bytes):
        content = content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


@pytest.fixture
def three_mentees(world, open_midpoint):
    people = [Respondent.objects.get(round=open_midpoint, user=world.mentee), *newcomers(open_midpoint, world.group, 2)]
    submit(people[0], outcome_support=5, helped_most=["The mentor", "The group sessions"], changed="=1+2", recommend=9)
    submit(people[1], outcome_support=3, often_enough=1, changed="@SUM(A1)", goal_progress="Some progress")
    submit(people[2], outcome_support=1, often_enough=0, changed="Plain words, with a comma")
    return people


def test_an_anonymous_round_exports_answers_and_roles_only(world, open_midpoint, three_mentees, as_user):
    response = as_user(world.coordinator).get(url(open_midpoint))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="pathways-mid-point-survey-')
    header, *body = rows(response.content)
    assert header[0] == "Role"
    assert "Mentees: What has changed for you since the programme began?" in header
    assert "Name" not in header and "Email" not in header and "Group" not in header
    assert len(body) == 3
    assert {row[0] for row in body} == {"Mentee"}
    content = response.content.decode()
    for person in three_mentees:
        assert person.user.display_name not in content
        assert person.user.email not in content
    assert "Group A" not in content
    column = {name.removeprefix("Mentees: "): index for index, name in enumerate(header)}
    support = sorted(row[column["I feel supported by my group."]] for row in body)
    assert support == ["1", "3", "5"]
    helped = [row[column["What has helped you most?"]] for row in body]
    assert "The mentor; The group sessions" in helped
    often = sorted(row[column["Does the group meet often enough for you?"]] for row in body)
    assert often == ["", "No", "Yes"]


def test_the_order_of_anonymous_rows_follows_the_answers_not_the_time(open_midpoint, three_mentees):
    _header, *body = rows(export_csv(open_midpoint).text)
    assert body == sorted(body)


def test_cells_that_would_run_as_formulas_get_a_quote(world, open_midpoint, three_mentees, as_user):
    content = as_user(world.coordinator).get(url(open_midpoint)).content.decode()
    assert "'=1+2" in content
    assert "'@SUM(A1)" in content
    assert '"Plain words, with a comma"' in content
    assert [safe_cell(value) for value in ("-3", "+x", "\tx", "ok", None, 7)] == ["'-3", "'+x", "'\tx", "ok", "", "7"]


def test_with_two_responses_an_anonymous_round_does_not_export(world, open_midpoint, as_user):
    for respondent in newcomers(open_midpoint, world.group, 2):
        submit(respondent, outcome_support=4, changed="Secret")
    with pytest.raises(NotEnoughResponses):
        export_csv(open_midpoint)
    response = as_user(world.coordinator).get(url(open_midpoint), follow=True)
    assert response.redirect_chain == [
        (reverse("surveys:results", kwargs={"pk": world.programme.pk, "round_pk": open_midpoint.pk}), 302)
    ]
    assert NOT_ENOUGH in text(response)
    assert "Secret" not in text(response)


def test_a_questionnaire_under_the_threshold_is_left_out_of_the_export(world, open_midpoint, three_mentees):
    mentor_group = MentoringGroupFactory(programme=world.programme, name="Group M")
    for respondent in newcomers(open_midpoint, mentor_group, 2, role=GroupRole.MENTOR):
        submit(respondent, mentor_time=5, changed="Mentor secret")
    header, *body = rows(export_csv(open_midpoint).text)
    assert len(body) == 3
    assert not any("Mentoring is a good use of my time." in name for name in header)
    assert "Mentor secret" not in str(body)
    assert header[1].startswith("Mentees: ")  # two questionnaires: each column says whose


def test_a_named_round_exports_who_answered(world, open_midpoint, as_user):
    named(open_midpoint)
    submit(Respondent.objects.get(round=open_midpoint, user=world.mentee), outcome_support=4, changed="Good")
    submit(Respondent.objects.get(round=open_midpoint, user=world.mentor), mentor_time=5, changed="Busy")
    header, *body = rows(as_user(world.coordinator).get(url(open_midpoint)).content)
    assert header[:4] == ["Name", "Email", "Group", "Role"]
    assert header[-1] == "Submitted"
    assert [row[:4] for row in body] == [
        ["Max Mentee", "mentee@example.org", "Group A", "Mentee"],
        ["Mina Mentor", "mentor@example.org", "Group A", "Mentor"],
    ]
    mentee_row = body[0]
    assert "Good" in mentee_row and "4" in mentee_row
    assert "Busy" not in mentee_row
    assert body[1][-1]  # when they answered


def test_a_named_round_without_responses_exports_the_header(world, open_midpoint, as_user):
    named(open_midpoint)
    header, *body = rows(as_user(world.coordinator).get(url(open_midpoint)).content)
    assert header[0] == "Name" and body == []


def test_only_the_programmes_coordinators_export(world, open_midpoint, three_mentees, client):
    client.force_login(world.mentee)
    assert client.get(url(open_midpoint)).status_code == 403
    client.force_login(world.other_coordinator)
    assert client.get(url(open_midpoint)).status_code == 404
    client.force_login(world.coordinator)
    assert client.post(url(open_midpoint)).status_code == 405


def test_the_export_makes_the_same_queries_for_more_responses(world, open_midpoint, three_mentees, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(world.coordinator)
    with CaptureQueriesContext(connection) as few:
        client.get(url(open_midpoint))
    for respondent in newcomers(open_midpoint, world.group, 10):
        submit(respondent, outcome_support=2, changed="More")
    with CaptureQueriesContext(connection) as more:
        assert client.get(url(open_midpoint)).status_code == 200
    assert len(more.captured_queries) == len(few.captured_queries)


def test_one_questionnaire_for_everyone_names_no_role_that_would_single_someone_out(world, rounds, as_user):
    import datetime

    from feedback.models import Audience, RoundKind, SurveyRound
    from feedback.services.questionnaires import copy_questionnaire
    from feedback.services.rounds import open_round

    midpoint, _end = rounds
    everyone = copy_questionnaire(midpoint.mentee_questionnaire, name="For everyone")
    everyone.audience = Audience.BOTH
    everyone.save(update_fields=["audience"])
    today = world.programme.today()
    survey = SurveyRound.objects.create(
        programme=world.programme,
        kind=RoundKind.OTHER,
        name="Quick check",
        mentee_questionnaire=everyone,
        mentor_questionnaire=everyone,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
    )
    open_round(survey)
    survey.refresh_from_db()
    mentees = [Respondent.objects.get(round=survey, user=world.mentee), *newcomers(survey, world.group, 2)]
    for respondent in mentees:
        submit(respondent, outcome_support=4)
    submit(Respondent.objects.get(round=survey, user=world.mentor), outcome_support=1)

    header, *body = rows(export_csv(survey).text)
    assert len(body) == 4
    assert {row[0] for row in body} == {""}  # one mentor among mentees: no row says which is the mentor's
    assert header[1] == "What has changed for you since the programme began?"  # one questionnaire: no prefix
    page = text(
        as_user(world.coordinator).get(
            reverse("surveys:results", kwargs={"pk": world.programme.pk, "round_pk": survey.pk})
        )
    )
    assert "Answers of: Mentees and mentors" in page
    assert "4 responses" in page

    for respondent in newcomers(survey, world.group, 2, role=GroupRole.MENTOR):
        submit(respondent, outcome_support=2)
    _header, *body = rows(export_csv(survey).text)
    assert sorted(row[0] for row in body) == ["Mentee"] * 3 + ["Mentor"] * 3
