"""The programme dashboard: every group's health, and each at-risk rule on data built to meet it and to miss it;
the figures by month; sorting, filtering and the CSV; nothing confidential; the same number of queries however many
groups and sessions."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Respondent, SurveyRound
from feedback.services.rounds import ensure_rounds, open_round
from groups.models import (
    AttendanceMark,
    Concern,
    Contract,
    ContractVersion,
    Goal,
    GoalStatus,
    GroupKind,
    GroupRole,
    Meeting,
    MentoringGroup,
    VersionStatus,
)
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group, mark_attendance
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeStatus
from reports.services.health import (
    LOW_ATTENDANCE,
    NO_CONTRACT,
    NO_SESSION,
    OPEN_CONCERNS,
    UNANSWERED_SURVEY,
    add_mentors,
    latest_surveys,
    programme_health,
)

pytestmark = pytest.mark.django_db

PRESENT, ABSENT = AttendanceMark.PRESENT, AttendanceMark.ABSENT


def ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def held_session(group, days_ago: float, marks=(), *, summary="") -> Meeting:
    mentor = group.memberships.filter(role=GroupRole.MENTOR).first()
    meeting = Meeting.objects.create(
        group=group,
        starts_at=ago(days_ago),
        created_by=mentor.user if mentor else UserFactory(),
        held=True,
        logged_at=ago(days_ago - 0.1),
        summary=summary,
    )
    mark_attendance(meeting, marks)
    return meeting


def contract_in_force(group, *, status=VersionStatus.IN_FORCE, per_month=2, starts_days_ago=60) -> ContractVersion:
    contract, _ = Contract.objects.get_or_create(group=group)
    starts = group.programme.today() - datetime.timedelta(days=starts_days_ago)  # in the programme's zone
    return ContractVersion.objects.create(
        contract=contract,
        number=contract.versions.count() + 1,
        status=status,
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=240),
        sessions_per_month=per_month,
        session_minutes=90,
        created_by=group.memberships.first().user,
        in_force_at=timezone.now() if status == VersionStatus.IN_FORCE else None,
        proposed_at=timezone.now() if status in (VersionStatus.IN_FORCE, VersionStatus.PROPOSED) else None,
    )


def formed_long_ago(group) -> MentoringGroup:
    MentoringGroup.objects.filter(pk=group.pk).update(created=ago(90))
    group.refresh_from_db()
    return group


def risks(world, group=None) -> list[str]:
    health = programme_health(world.programme)
    return next(g for g in health.groups if g.group == (group or world.group)).risks


@pytest.fixture
def healthy(world):
    """Group A: a session ten days ago with everyone there, a contract in force, no concerns."""
    formed_long_ago(world.group)
    held_session(world.group, 40, [(world.mentor, PRESENT), (world.mentee, PRESENT)])
    held_session(world.group, 10, [(world.mentor, PRESENT), (world.mentee, PRESENT)])
    contract_in_force(world.group)
    return world.group


def test_a_healthy_group_is_not_at_risk(world, healthy):
    assert risks(world) == []


# No session for five weeks


def test_a_group_without_a_session_for_five_weeks_is_at_risk(world, healthy):
    Meeting.objects.filter(group=healthy).update(starts_at=ago(36))
    assert NO_SESSION in risks(world)


def test_a_session_within_five_weeks_keeps_the_group_off_the_list(world, healthy):
    Meeting.objects.filter(group=healthy).update(starts_at=ago(34))
    assert NO_SESSION not in risks(world)


def test_a_group_formed_over_five_weeks_ago_that_never_met_is_at_risk_but_a_new_one_is_not(world):
    formed_long_ago(world.group)
    assert NO_SESSION in risks(world)
    assert NO_SESSION not in risks(world, world.other_group)  # formed just now


# Attendance below 60%


def test_attendance_below_60_percent_puts_the_group_at_risk(world, healthy):
    held_session(healthy, 5, [(world.mentor, PRESENT), (world.mentee, ABSENT)])
    held_session(healthy, 3, [(world.mentor, ABSENT), (world.mentee, ABSENT)])
    held_session(healthy, 2, [(world.mentor, ABSENT), (world.mentee, ABSENT)])
    # 5 present of 10 marks: 50%
    assert LOW_ATTENDANCE in risks(world)


def test_attendance_of_60_percent_is_fine(world, healthy):
    held_session(healthy, 5, [(world.mentor, PRESENT), (world.mentee, ABSENT)])
    held_session(healthy, 3, [(world.mentor, PRESENT), (world.mentee, ABSENT)])
    held_session(healthy, 2, [(world.mentor, ABSENT), (world.mentee, ABSENT)])
    # 6 present of 10 marks: 60%
    assert LOW_ATTENDANCE not in risks(world)


def test_too_few_marks_say_nothing_about_attendance(world):
    held_session(world.group, 2, [(world.mentee, ABSENT), (world.mentor, ABSENT)])
    assert LOW_ATTENDANCE not in risks(world)


# No contract two weeks after the first session


def test_no_contract_two_weeks_after_the_first_session_is_a_risk(world):
    held_session(world.group, 15)
    contract_in_force(world.group, status=VersionStatus.PROPOSED)
    assert NO_CONTRACT in risks(world)


def test_a_contract_in_force_or_a_first_session_under_two_weeks_ago_is_fine(world):
    held_session(world.group, 13)
    assert NO_CONTRACT not in risks(world)
    held_session(world.group, 20)
    contract_in_force(world.group)
    assert NO_CONTRACT not in risks(world)


# Open concerns


def test_an_open_concern_puts_the_group_at_risk_until_resolved(world, healthy):
    concern = Concern.objects.create(group=healthy, raised_by=world.mentee, text="Our mentor never comes.")
    assert OPEN_CONCERNS in risks(world)
    Concern.objects.filter(pk=concern.pk).update(status="resolved", resolved_at=timezone.now())
    assert OPEN_CONCERNS not in risks(world)


# Unanswered surveys


@pytest.fixture
def survey_a_week_old(world, healthy):
    midpoint, _end = ensure_rounds(world.programme)
    open_round(midpoint)
    SurveyRound.objects.filter(pk=midpoint.pk).update(opened_at=ago(8))
    return midpoint


def test_fewer_than_half_answering_a_week_old_survey_is_a_risk(world, survey_a_week_old):
    assert UNANSWERED_SURVEY in risks(world)  # none of two answered


def test_half_answering_is_fine(world, survey_a_week_old):
    Respondent.objects.filter(round=survey_a_week_old, user=world.mentee).update(submitted_at=timezone.now())
    assert UNANSWERED_SURVEY not in risks(world)


def test_a_survey_opened_under_a_week_ago_is_not_held_against_anyone(world, survey_a_week_old):
    SurveyRound.objects.filter(pk=survey_a_week_old.pk).update(opened_at=ago(6))
    assert UNANSWERED_SURVEY not in risks(world)


def test_the_survey_held_against_groups_is_the_latest_that_opened(world, survey_a_week_old):
    _midpoint, end = ensure_rounds(world.programme)
    assert programme_health(world.programme).survey == survey_a_week_old  # the end survey has not opened
    open_round(end)
    assert programme_health(world.programme).survey == end
    assert latest_surveys(SurveyRound.objects.all()) == {world.programme.pk: end}


def test_groups_of_a_programme_not_running_are_never_at_risk(world):
    formed_long_ago(world.group)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.MATCHING)
    world.programme.refresh_from_db()
    assert risks(world) == []


# The figures


def test_each_group_has_its_figures(world, healthy):
    Goal.objects.create(
        group=healthy, title="Find work", status=GoalStatus.ACHIEVED, created_by=world.mentor, shared_with_group=True
    )
    Goal.objects.create(
        group=healthy, owner=world.mentee, title="Own goal", status=GoalStatus.IN_PROGRESS, created_by=world.mentee
    )
    figures = next(g for g in programme_health(world.programme).groups if g.group == healthy)
    assert (figures.held, figures.attendance_percent, figures.contract) == (2, 100, VersionStatus.IN_FORCE)
    assert figures.planned == 3  # two a month over the 60 days the contract has run
    assert (figures.goals_achieved, figures.goals_total) == (1, 2)
    assert figures.mentors == []  # named only for the groups a page shows
    add_mentors([figures])
    assert figures.mentors == [world.mentor.display_name]
    assert figures.mentees == 1


def test_each_figure_counts_only_the_rows_it_names(world, healthy):
    """The figures are read by one hand-written query: each is pinned here, on SQLite and on PostgreSQL alike."""
    first = Meeting.objects.filter(group=healthy).order_by("starts_at").first()
    last = Meeting.objects.filter(group=healthy).order_by("starts_at").last()
    Meeting.objects.create(group=healthy, starts_at=ago(-7), created_by=world.mentor)  # to come
    Meeting.objects.create(
        group=healthy, starts_at=ago(-14), created_by=world.mentor, status="cancelled", cancelled_at=ago(1)
    )
    Meeting.objects.create(group=healthy, starts_at=ago(3), created_by=world.mentor)  # past, not logged
    Meeting.objects.create(
        group=healthy, starts_at=ago(2), created_by=world.mentor, kind="check_in", with_member=world.mentee
    )
    gone = UserFactory()
    add_to_group(healthy, gone, GroupRole.MENTEE)
    healthy.memberships.filter(user=gone).update(left_at=timezone.now())
    add_to_group(healthy, UserFactory(), GroupRole.MENTEE)
    Concern.objects.create(group=healthy, raised_by=world.mentee, text="One")
    Concern.objects.create(group=healthy, raised_by=world.mentee, text="Two")
    Concern.objects.create(
        group=healthy,
        raised_by=world.mentee,
        text="Old",
        status="resolved",
        resolved_at=ago(1),
        resolved_by=world.coordinator,
        resolution="Talked",
    )
    contract_in_force(world.other_group, status=VersionStatus.DRAFT)
    midpoint, _end = ensure_rounds(world.programme)
    open_round(midpoint)
    Respondent.objects.filter(round=midpoint, user=world.mentee).update(submitted_at=timezone.now())
    MentoringGroupFactory(programme=world.programme, kind=GroupKind.MENTOR_CIRCLE, name="Circle")
    MentoringGroupFactory(programme=world.other_programme, name="Elsewhere")

    health = {figures.group.name: figures for figures in programme_health(world.programme).groups}
    assert set(health) == {"Group A", "Group B"}  # no mentor circle, nor another programme's group
    a, b = health["Group A"], health["Group B"]
    assert (a.mentees, a.held, a.scheduled) == (2, 2, 1)
    assert (a.first_held, a.last_held) == (first.starts_at, last.starts_at)
    assert (a.marks, a.present, a.open_concerns) == (4, 4, 2)
    assert (a.contract, b.contract) == (VersionStatus.IN_FORCE, VersionStatus.DRAFT)
    assert (a.asked, a.answered, b.asked, b.answered) == (3, 1, 1, 0)  # every current member was asked
    assert (b.mentees, b.held, b.scheduled, b.first_held, b.marks, b.goals) == (1, 0, 0, None, 0, {})
    ContractVersion.objects.filter(contract__group=world.other_group).update(status=VersionStatus.WITHDRAWN)
    contract_in_force(world.other_group, status=VersionStatus.PROPOSED, starts_days_ago=30)
    b = next(g for g in programme_health(world.programme).groups if g.group.name == "Group B")
    assert b.contract == VersionStatus.PROPOSED


def test_months_count_sessions_and_attendance_where_the_programme_runs(world, healthy):
    months = programme_health(world.programme).months
    assert sum(month.held for month in months) == 2
    assert sum(month.marks for month in months) == 4


# The page


def url(world, **query) -> str:
    base = reverse("reports:dashboard", kwargs={"pk": world.programme.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_dashboard_lists_groups_with_their_risks_and_milestones(client, world, healthy):
    Concern.objects.create(group=healthy, raised_by=world.mentee, text="Confidential worry about Anna")
    held_session(healthy, 1, summary="We talked about Anna's divorce.")
    ensure_rounds(world.programme)
    client.force_login(world.coordinator)
    page = client.get(url(world)).content.decode()
    assert "Group A" in page and "Group B" in page
    assert "Open concerns" in page
    assert "Mid-point survey" in page and "Final common meeting" in page
    # Nothing said in a group, and no concern's text, reaches the dashboard.
    assert "Anna" not in page


def test_sessions_and_attendance_by_month_are_charted_with_text_alternatives(client, world, healthy):
    held_session(healthy, 5, [(world.mentor, PRESENT), (world.mentee, ABSENT)])
    client.force_login(world.coordinator)
    page = client.get(url(world)).content.decode()
    assert page.count('role="img"') == 2
    assert "Group sessions held each month" in page
    assert "Share of attendance marks that were present, each month" in page
    months = programme_health(world.programme).months
    for month in months:  # one attendance bar a month, as high as its percentage; the at-risk line at 60%
        assert (
            f'class="bar bar-attendance" x="{months.index(month) * 100 + 10}" y="{110 - month.attendance_percent}"'
            in page
        )
    assert 'y1="50" y2="50"' in page


def test_only_groups_at_risk_can_be_shown(client, world, healthy):
    client.force_login(world.coordinator)
    page = client.get(url(world, show="at_risk")).content.decode()
    assert "No group is at risk." in page  # Group B was formed just now
    formed_long_ago(world.other_group)
    page = client.get(url(world, show="at_risk")).content.decode()
    assert ">Group B<" in page and ">Group A<" not in page


def test_the_table_sorts_by_a_column(client, world, healthy):
    client.force_login(world.coordinator)
    page = client.get(url(world, sort="-held")).content.decode()
    assert page.index(">Group A<") < page.index(">Group B<")
    page = client.get(url(world, sort="held")).content.decode()
    assert page.index(">Group B<") < page.index(">Group A<")
    assert client.get(url(world, sort="nonsense")).status_code == 200


def test_the_csv_has_a_row_per_group_with_its_figures(client, world, healthy):
    client.force_login(world.coordinator)
    response = client.get(reverse("reports:dashboard_csv", kwargs={"pk": world.programme.pk}))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Group,Mentors,Mentees,Sessions held")
    assert len(lines) == 3
    assert any(line.startswith("Group A,Mina Mentor,1,2,3,") for line in lines)


def test_names_on_the_dashboard_are_escaped(client, world):
    MentoringGroup.objects.filter(pk=world.group.pk).update(name="<b>Bold & Co</b>")
    world.mentor.display_name = "<i>Mina</i>"
    world.mentor.save(update_fields=["display_name"])
    client.force_login(world.coordinator)
    page = client.get(url(world)).content.decode()
    assert "&lt;b&gt;Bold &amp; Co&lt;/b&gt;" in page and "<b>Bold" not in page
    assert "&lt;i&gt;Mina&lt;/i&gt;" in page and "<i>Mina" not in page


def test_a_group_name_cannot_inject_a_formula_into_the_csv(client, world):
    MentoringGroup.objects.filter(pk=world.group.pk).update(name="=HYPERLINK(1)")
    client.force_login(world.coordinator)
    content = client.get(reverse("reports:dashboard_csv", kwargs={"pk": world.programme.pk})).content.decode()
    assert "'=HYPERLINK(1)" in content


def test_a_programme_without_groups_says_to_form_them(client, world):
    MentoringGroup.objects.filter(programme=world.programme).update(programme=world.other_programme)
    client.force_login(world.coordinator)
    page = client.get(url(world)).content.decode()
    assert "No groups yet." in page


def _busy_group(programme, index: int) -> None:
    group = formed_long_ago(MentoringGroupFactory(programme=programme, name=f"Busy {index}"))
    mentor, mentee = UserFactory(), UserFactory()
    add_to_group(group, mentor, GroupRole.MENTOR)
    add_to_group(group, mentee, GroupRole.MENTEE)
    for days in (70, 50, 30, 10):
        held_session(group, days, [(mentor, PRESENT), (mentee, ABSENT)])
    contract_in_force(group)
    Goal.objects.create(
        group=group, title="Goal", status=GoalStatus.IN_PROGRESS, created_by=mentor, shared_with_group=True
    )
    Concern.objects.create(group=group, raised_by=mentee, text="Worry")


def test_the_dashboard_makes_as_many_queries_for_eight_groups_as_for_two(client, world, healthy):
    ensure_rounds(world.programme)
    client.force_login(world.coordinator)
    small = count_queries(client, url(world))
    for index in range(6):
        _busy_group(world.programme, index)
    assert count_queries(client, url(world)) == small
    assert count_queries(client, reverse("reports:dashboard_csv", kwargs={"pk": world.programme.pk})) <= small
