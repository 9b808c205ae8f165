"""The cross-programme overview: each programme the person coordinates with its figures, the groups at risk by the
dashboard's own rules, closed programmes apart, totals over the programmes not closed; never another coordinator's
programme; the same number of queries for one programme or four."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Respondent, SurveyRound
from feedback.services.rounds import ensure_rounds, open_round
from groups.models import Concern, GroupKind
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory
from mentoring.tests.querycount import count_queries
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, ProgrammeStatus, Role
from reports.services.health import programme_health
from reports.services.overview import programmes_overview
from reports.tests.test_dashboard import (
    ABSENT,
    PRESENT,
    _busy_group,
    ago,
    contract_in_force,
    formed_long_ago,
    held_session,
)

pytestmark = pytest.mark.django_db

URL = "/reports/"


@pytest.fixture
def figures(world):
    """Group A: three sessions, 4 of 6 marks present, a contract in force, a concern. Group B: formed long ago and
    never met (at risk). A mentor circle, which the dashboard leaves out, with a concern of its own."""
    formed_long_ago(world.group)
    for days in (40, 20, 10):
        held_session(world.group, days, [(world.mentor, PRESENT), (world.mentee, PRESENT if days != 10 else ABSENT)])
    contract_in_force(world.group)
    Concern.objects.create(group=world.group, raised_by=world.mentee, text="A worry")
    formed_long_ago(world.other_group)
    circle = MentoringGroupFactory(programme=world.programme, name="Circle", kind=GroupKind.MENTOR_CIRCLE)
    Concern.objects.create(group=circle, raised_by=world.mentor, text="A mentor's worry")
    return world


def line_of(overview, programme):
    return next(line for line in overview.programmes if line.programme == programme)


def test_each_programme_has_the_dashboards_figures(figures):
    world = figures
    line = line_of(programmes_overview(world.coordinator), world.programme)
    health = programme_health(world.programme)
    assert len(line.health.groups) == 2  # the mentor circle is not one of the groups counted
    assert (line.health.held, line.health.planned) == (health.held, health.planned) == (3, 5)
    assert line.health.attendance_percent == health.attendance_percent == 83  # 5 present of 6 marks
    assert line.open_concerns == 2  # every concern waiting for a coordinator, the mentor circle's too


def test_groups_at_risk_are_the_ones_the_dashboard_shows(figures):
    world = figures
    line = line_of(programmes_overview(world.coordinator), world.programme)
    on_dashboard = {(group.group.pk, tuple(group.risks)) for group in programme_health(world.programme).at_risk}
    assert {(group.group.pk, tuple(group.risks)) for group in line.health.at_risk} == on_dashboard
    assert len(on_dashboard) == 2  # Group A: an open concern; Group B: no session for five weeks


def test_the_latest_survey_counts_everyone_asked(figures):
    world = figures
    midpoint, _end = ensure_rounds(world.programme)
    open_round(midpoint)
    SurveyRound.objects.filter(pk=midpoint.pk).update(opened_at=ago(8))
    asked = Respondent.objects.filter(round=midpoint).count()
    Respondent.objects.filter(round=midpoint, user=world.mentee).update(submitted_at=timezone.now())
    line = line_of(programmes_overview(world.coordinator), world.programme)
    assert line.health.survey == midpoint
    assert (line.answered, line.asked) == (1, asked)


def test_the_page_shows_the_figures_and_links_to_each_dashboard(as_user, figures):
    world = figures
    page = as_user(world.coordinator).get(URL).content.decode()
    assert "Pathways" in page
    assert reverse("reports:dashboard", kwargs={"pk": world.programme.pk}) in page
    assert "3 / 5" in page and "83%" in page
    assert "A worry" not in page  # counts only, never what a concern says


def test_another_coordinators_programme_never_appears(as_user, figures):
    world = figures
    assert [line.programme for line in programmes_overview(world.coordinator).programmes] == [world.programme]
    page = as_user(world.coordinator).get(URL).content.decode()
    assert "Elsewhere" not in page
    page = as_user(world.other_coordinator).get(URL).content.decode()
    assert "Elsewhere" in page and "Pathways" not in page


def test_a_coordinator_who_left_a_programme_no_longer_sees_it(world):
    ProgrammeMembership.objects.filter(programme=world.programme, user=world.coordinator).update(
        status=MembershipStatus.WITHDRAWN
    )
    world.coordinator.refresh_from_db()
    assert programmes_overview(world.coordinator).programmes == []


def test_a_coordinator_of_one_programme_sees_it_with_totals(as_user, world):
    page = as_user(world.coordinator).get(URL).content.decode()
    assert "Pathways" in page
    assert "All programmes that are not closed" in page


def test_closed_programmes_are_apart_and_left_out_of_the_totals(as_user, figures):
    world = figures
    closed = ProgrammeFactory(name="Finished 2025", status=ProgrammeStatus.CLOSED)
    ProgrammeMembership.objects.create(programme=closed, user=world.coordinator, role=Role.COORDINATOR)
    formed_long_ago(MentoringGroupFactory(programme=closed, name="Old group"))
    overview = programmes_overview(world.coordinator)
    assert [line.programme for line in overview.current] == [world.programme]
    assert [line.programme for line in overview.closed] == [closed]
    assert overview.groups == 2 and overview.at_risk == 2  # the closed programme's group is neither
    assert line_of(overview, closed).health.at_risk == []  # a closed programme's groups are never at risk
    page = as_user(world.coordinator).get(URL).content.decode()
    assert page.index("Pathways") < page.index("1 closed programme") < page.index("Finished 2025")


def test_only_closed_programmes_say_so(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    page = as_user(world.coordinator).get(URL).content.decode()
    assert "All your programmes are closed." in page and "Pathways" in page


def test_people_who_coordinate_nothing_are_refused(as_user, world):
    assert as_user(world.mentor).get(URL).status_code == 403


def test_the_page_wants_get(as_user, world):
    assert as_user(world.coordinator).post(URL).status_code == 405


def test_the_programme_list_and_the_navigation_link_to_the_overview(as_user, world):
    page = as_user(world.coordinator).get(reverse("programmes:list")).content.decode()
    assert page.count(f'href="{URL}"') == 2  # the menu, and the line above the programmes


def test_the_overview_makes_as_many_queries_for_four_programmes_as_for_one(as_user, figures):
    world = figures
    client = as_user(world.coordinator)
    open_round(ensure_rounds(world.programme)[0])  # a survey in each programme: its answers are counted
    _busy_group(world.programme, 0)
    one = count_queries(client, URL)
    for index in range(3):
        programme = ProgrammeFactory(name=f"More {index}")
        ProgrammeMembership.objects.create(programme=programme, user=world.coordinator, role=Role.COORDINATOR)
        open_round(ensure_rounds(programme)[0])
        for group in range(2):
            _busy_group(programme, group)
    assert len(programmes_overview(world.coordinator).programmes) == 4
    assert count_queries(client, URL) == one == 8
