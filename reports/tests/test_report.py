"""The end-of-programme report: who took part, sessions and attendance, goals by status, the surveys at mid-point
and at the end (only from three responses), the mentors' conclusions; nothing confidential in it, a page made for
printing, and the same number of queries however many groups."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import GroupEvaluation, Interview, Respondent, Stage
from feedback.services.rounds import ensure_rounds, invite, open_round
from feedback.tests.test_results_page import newcomers, submit
from groups.models import ActionItem, Concern, Goal, GoalStatus, GroupKind, GroupRole, Reflection
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from programmes.models import MembershipStatus, ProgrammeMembership, Role
from reports.services.report import programme_report
from reports.tests.test_dashboard import ABSENT, PRESENT, _busy_group, contract_in_force, formed_long_ago, held_session

pytestmark = pytest.mark.django_db


def url(world) -> str:
    return reverse("reports:report", kwargs={"pk": world.programme.pk})


def page_of(client, world) -> str:
    client.force_login(world.coordinator)
    response = client.get(url(world))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def evaluation(group, author, *, stage=Stage.END, sent=True, **texts) -> GroupEvaluation:
    return GroupEvaluation.objects.create(
        group=group, stage=stage, author=author, submitted_at=timezone.now() if sent else None, **texts
    )


@pytest.fixture
def rounds(world):
    midpoint, end = ensure_rounds(world.programme, by=world.coordinator)
    open_round(midpoint)
    open_round(end)
    midpoint.refresh_from_db()
    end.refresh_from_db()
    return midpoint, end


@pytest.fixture
def answered(world, rounds):
    """Four mentees answered at mid-point (support 2, 3, 3, 4; recommend 10, 9, 5, 8), two at the end: too few."""
    midpoint, end = rounds
    people = newcomers(midpoint, world.group, 3)
    invite(end)
    mid_people = [Respondent.objects.get(round=midpoint, user=world.mentee), *people]
    for respondent, support, recommend in zip(mid_people, [2, 3, 3, 4], [10, 9, 5, 8], strict=True):
        submit(respondent, outcome_support=support, recommend=recommend)
    for respondent in Respondent.objects.filter(round=end, role="mentee", group=world.group).order_by("pk")[:2]:
        submit(respondent, outcome_support=5, recommend=10)
    return midpoint, end


# The figures


def test_participation_counts_people_by_role_and_status_and_groups_by_kind(world):
    ProgrammeMembership.objects.create(
        programme=world.programme, user=UserFactory(), role=Role.MENTEE, status=MembershipStatus.WITHDRAWN
    )
    circle = MentoringGroupFactory(programme=world.programme, name="Circle", kind=GroupKind.MENTOR_CIRCLE)
    add_to_group(circle, world.mentor, GroupRole.MENTOR)
    figures = programme_report(world.programme).participation
    assert (figures.mentees, figures.mentees_withdrawn, figures.mentors, figures.mentors_withdrawn) == (2, 1, 1, 0)
    assert (figures.mentees_in_groups, figures.mentors_in_groups) == (2, 1)  # the mentor counted once
    assert figures.groups == [("Mentor-led group", 2), ("Peer group", 0), ("Mentor circle", 1)]
    assert figures.group_total == 3


def test_sessions_attendance_and_goals_are_summed_up(world):
    formed_long_ago(world.group)
    held_session(world.group, 40, [(world.mentor, PRESENT), (world.mentee, PRESENT)])
    held_session(world.group, 10, [(world.mentor, PRESENT), (world.mentee, ABSENT)])
    contract_in_force(world.group)
    for status in (GoalStatus.ACHIEVED, GoalStatus.IN_PROGRESS, GoalStatus.DROPPED):
        Goal.objects.create(
            group=world.group, title="A goal", status=status, created_by=world.mentor, shared_with_group=True
        )
    report = programme_report(world.programme)
    assert (report.health.held, report.health.attendance_percent) == (2, 75)
    assert report.health.planned == sum(group.planned for group in report.health.groups) >= 3
    assert sum(month.held for month in report.health.months) == 2
    assert (report.goals.achieved, report.goals.total, report.goals.achieved_percent) == (1, 3, 33)
    assert dict(report.goals.by_status)["Dropped"] == 1


def test_surveys_show_rates_scores_and_means_only_from_three_responses(world, answered):
    surveys = programme_report(world.programme).surveys
    rates = {
        row.label: (row.midpoint.answered, row.midpoint.asked, row.end.answered, row.end.asked) for row in surveys.rates
    }
    assert rates["Everyone"] == (4, 6, 2, 6)
    mentees = next(audience for audience in surveys.audiences if audience.label == "Mentees")
    assert (mentees.midpoint.shown, mentees.midpoint.recommendation) == (True, "+25")
    assert (mentees.end.responses, mentees.end.shown, mentees.end.recommendation) == (2, False, "")
    support = next(row for row in mentees.outcomes if row.text == "I feel supported by my group.")
    assert (support.midpoint, support.end) == (pytest.approx(3.0), None)
    mentors = next(audience for audience in surveys.audiences if audience.label == "Mentors")
    assert not mentors.midpoint.shown and mentors.outcomes == []


def test_the_page_shows_the_survey_figures_and_says_where_there_are_too_few(client, world, answered):
    page = page_of(client, world)
    assert "4 / 6 · 67%" in page and "2 / 6 · 33%" in page
    assert "+25" in page and "3.0" in page
    assert "not enough responses" in page
    assert "+100<" not in page  # the end's two answers


def test_the_mentors_conclusions_come_from_sent_evaluations_the_end_first(world):
    evaluation(world.group, world.mentor, stage=Stage.MIDPOINT, conclusions="Early days.")
    evaluation(world.group, world.mentor, stage=Stage.END, conclusions="They found work.")
    evaluation(world.other_group, world.mentor, stage=Stage.MIDPOINT, conclusions="Halfway there.")
    evaluation(world.other_group, world.mentor, stage=Stage.END, sent=False, conclusions="A draft.")
    conclusions = programme_report(world.programme).conclusions
    assert [(c.group, c.stage, c.text) for c in conclusions] == [
        ("Group A", Stage.END, "They found work."),
        ("Group B", Stage.MIDPOINT, "Halfway there."),
    ]


# The page


def test_the_report_is_made_for_printing_with_its_dates(client, world):
    page = page_of(client, world)
    assert "End-of-programme report" in page and "Pathways" in page
    assert "Report made on" in page and "Programme dates" in page
    assert "css/print-report.css" in page and "js/print.js" in page
    assert "Print command" in page  # works without JavaScript too
    assert "Cora Coordinator" in page  # the coordinators' names, and no one else's
    assert "<script>" not in page and "style=" not in page.split("<main", 1)[1]


def test_the_dashboard_links_to_the_report(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("reports:dashboard", kwargs={"pk": world.programme.pk})).content.decode()
    assert url(world) in page


def test_an_empty_programme_says_what_is_missing(client, world):
    page = page_of(client, world)
    assert "No group session has been logged." in page
    assert "No goals have been set in the groups." in page
    assert "No mentor has sent conclusions yet." in page


def test_only_coordinators_of_the_programme_may_read_it(client, world):
    client.force_login(world.mentor)
    assert client.get(url(world)).status_code == 403
    client.force_login(world.other_coordinator)
    assert client.get(url(world)).status_code == 404
    client.force_login(world.coordinator)
    assert client.post(url(world)).status_code == 405


# Nothing confidential


def test_the_report_contains_no_confidential_text(client, world, rounds):
    midpoint, _end = rounds
    secret = "SECRET"
    meeting = held_session(world.group, 5, [(world.mentor, PRESENT), (world.mentee, PRESENT)])
    meeting.summary, meeting.topics = f"{secret}-summary", f"{secret}-topics"
    meeting.briefing, meeting.agenda = f"{secret}-briefing", f"{secret}-agenda"
    meeting.save()
    ActionItem.objects.create(meeting=meeting, owner=world.mentee, text=f"{secret}-action")
    Reflection.objects.create(meeting=meeting, author=world.mentee, text=f"{secret}-reflection")
    Concern.objects.create(group=world.group, raised_by=world.mentee, text=f"{secret}-concern")
    Goal.objects.create(
        group=world.group,
        owner=world.mentee,
        title=f"{secret}-goal-title",
        description=f"{secret}-goal-description",
        status=GoalStatus.ACHIEVED,
        created_by=world.mentee,
    )
    Interview.objects.create(
        programme=world.programme,
        person=world.mentee,
        interviewer=world.coordinator,
        held_on=timezone.localdate() - datetime.timedelta(days=1),
        accomplishments=f"{secret}-interview-accomplishments",
        results=f"{secret}-interview-results",
        comments=f"{secret}-interview-comments",
        concerns=f"{secret}-interview-concerns",
    )
    evaluation(
        world.group,
        world.mentor,
        how_it_went=f"{secret}-how-it-went",
        achievements=f"{secret}-achievements",
        difficulties=f"{secret}-difficulties",
        conclusions="PUBLIC-conclusions for the funders",
    )
    # Enough answers for the survey's figures to be shown, each with a written answer.
    people = newcomers(midpoint, world.group, 3, display_name=f"{secret}-newcomer-name")
    for index, respondent in enumerate([Respondent.objects.get(round=midpoint, user=world.mentee), *people]):
        submit(respondent, outcome_support=4, recommend=9, changed=f"{secret}-written-answer-{index}")

    page = page_of(client, world)
    assert "PUBLIC-conclusions for the funders" in page
    assert "I feel supported by my group." in page and "4.0" in page  # the survey's figures are there
    assert secret not in page, re.findall(rf"{secret}[\w-]*", page)
    for name in (world.mentee.display_name, world.mentor.display_name, world.other_group_member.display_name):
        assert name not in page
    assert "Cora Coordinator" in page


# Queries


def test_the_report_makes_as_many_queries_for_eight_groups_as_for_two(client, world, answered):
    formed_long_ago(world.group)
    held_session(world.group, 10, [(world.mentor, PRESENT), (world.mentee, PRESENT)])
    evaluation(world.group, world.mentor, conclusions="Done.")
    client.force_login(world.coordinator)
    small = count_queries(client, url(world))
    for index in range(6):
        _busy_group(world.programme, index)
    for group in world.programme.groups.exclude(pk=world.group.pk):
        mentor = group.memberships.filter(role=GroupRole.MENTOR).first()
        if mentor is not None:
            evaluation(group, mentor.user, stage=Stage.MIDPOINT, conclusions="Halfway.")
    assert count_queries(client, url(world)) == small
