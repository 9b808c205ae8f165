import datetime
import re

import pytest
from django.urls import reverse

from mentoring.tests.factories import (
    ApplicationFactory,
    InvitationFactory,
    MentorAssignmentFactory,
    MentoringGroupFactory,
    ProgrammeEventFactory,
    ProgrammeFactory,
    UserFactory,
    accepted_mentee,
    add_to_group,
)
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Pathways to Work 2027",
    "description": "Group mentoring for people returning to work.",
    "starts_on": "2027-01-15",
    "ends_on": "2027-10-15",
    "time_zone": "Europe/Helsinki",
    "sessions_per_month": "2",
    "session_minutes": "90",
    "group_size_min": "3",
    "group_size_target": "5",
    "group_size_max": "6",
}


def test_coordinator_creates_a_programme_and_becomes_its_coordinator(as_user, world):
    client = as_user(world.coordinator)
    response = client.post(reverse("programmes:create"), VALID)
    programme = Programme.objects.get(name="Pathways to Work 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:detail", kwargs={"pk": programme.pk})
    assert programme.status == ProgrammeStatus.DRAFT
    assert programme.starts_on == datetime.date(2027, 1, 15)
    assert programme.time_zone == "Europe/Helsinki"
    assert ProgrammeMembership.objects.filter(programme=programme, user=world.coordinator, role=Role.COORDINATOR)


def test_a_person_granted_the_right_in_the_admin_can_create_programmes(as_user, world):
    from django.contrib.auth.models import Permission

    world.outsider.user_permissions.add(Permission.objects.get(codename="add_programme"))
    response = as_user(world.outsider).post(reverse("programmes:create"), VALID)
    assert response.status_code == 302
    assert Programme.objects.filter(name=VALID["name"]).exists()


def test_end_before_start_is_refused_with_a_message_at_the_end_date(as_user, world):
    client = as_user(world.coordinator)
    response = client.post(reverse("programmes:create"), {**VALID, "ends_on": "2027-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"ends_on": ["The end date must be after the start date."]}
    assert b"The end date must be after the start date." in response.content
    assert not Programme.objects.filter(name=VALID["name"]).exists()


def test_end_on_the_start_day_is_refused(as_user, world):
    response = as_user(world.coordinator).post(reverse("programmes:create"), {**VALID, "ends_on": VALID["starts_on"]})
    assert "ends_on" in response.context["form"].errors


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"starts_on": "15/01/2027"}, "starts_on"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"sessions_per_month": "9"}, "sessions_per_month"),
        ({"session_minutes": "10"}, "session_minutes"),
        ({"group_size_min": "6", "group_size_target": "5"}, "group_size_min"),
        ({"group_size_max": "4", "group_size_target": "5"}, "group_size_max"),
    ],
)
def test_bad_input_is_reported_at_its_field_and_nothing_is_saved(as_user, world, changes, field):
    response = as_user(world.coordinator).post(reverse("programmes:create"), {**VALID, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Programme.objects.filter(name=VALID["name"]).exists()


def test_coordinator_edits_the_programme(as_user, world):
    client = as_user(world.coordinator)
    url = reverse("programmes:edit", kwargs={"pk": world.programme.pk})
    assert client.get(url).context["form"].initial["name"] == "Pathways"
    response = client.post(url, {**VALID, "name": "Pathways, renamed"})
    assert response.status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.name == "Pathways, renamed"


def test_a_closed_programme_cannot_be_edited(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.coordinator)
    url = reverse("programmes:edit", kwargs={"pk": world.programme.pk})
    response = client.post(url, {**VALID, "name": "Changed after closing"})
    assert response.status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.name == "Pathways"
    page = client.get(response["Location"])
    assert "This programme is closed" in page.content.decode()


def test_coordinator_moves_the_programme_on_and_sees_it(as_user, world):
    client = as_user(world.coordinator)
    response = client.post(
        reverse("programmes:move", kwargs={"pk": world.programme.pk}), {"status": "closing"}, follow=True
    )
    world.programme.refresh_from_db()
    assert world.programme.status == ProgrammeStatus.CLOSING
    assert "The programme is now: Closing." in response.content.decode()
    assert world.programme.status_changes.get().changed_by == world.coordinator


def test_a_forbidden_move_is_explained_not_an_error(as_user, world):
    client = as_user(world.coordinator)
    response = client.post(
        reverse("programmes:move", kwargs={"pk": world.programme.pk}), {"status": "draft"}, follow=True
    )
    world.programme.refresh_from_db()
    assert world.programme.status == ProgrammeStatus.RUNNING
    assert "cannot move to that status" in response.content.decode()


def test_detail_shows_groups_with_their_mentors_and_the_people(as_user, world):
    page = as_user(world.coordinator).get(reverse("programmes:detail", kwargs={"pk": world.programme.pk}))
    text = page.content.decode()
    assert "Group A" in text and "Group B" in text
    assert "Mina Mentor" in text
    assert "Max Mentee" in text and "Olga Othergroup" in text
    assert "Move to “Closing”" in text


def test_the_overview_counts_what_waits_for_the_coordinator_and_links_to_it(as_user, world):
    InvitationFactory(programme=world.programme)
    ApplicationFactory.create_batch(2, programme=world.programme)
    ApplicationFactory(programme=world.programme, status="declined")
    text = as_user(world.coordinator).get(reverse("programmes:detail", kwargs={"pk": world.programme.pk})).content
    text = text.decode()
    assert "1 invitation waiting for an answer" in text
    assert "2 new applications to decide on" in text
    assert "0 upcoming events" in text
    assert reverse("programmes:applications", kwargs={"pk": world.programme.pk}) in text


def test_a_new_programme_says_how_to_bring_people_in(as_user, world):
    client = as_user(world.coordinator)
    client.post(reverse("programmes:create"), VALID)
    programme = Programme.objects.get(name=VALID["name"])
    text = client.get(reverse("programmes:detail", kwargs={"pk": programme.pk})).content.decode()
    assert "Nobody has joined yet." in text
    assert reverse("programmes:invite", kwargs={"pk": programme.pk}) in text
    assert reverse("programmes:recruitment", kwargs={"pk": programme.pk}) in text


def test_programme_list_shows_only_programmes_the_person_coordinates(as_user, world):
    text = as_user(world.coordinator).get(reverse("programmes:list")).content.decode()
    assert "Pathways" in text
    assert "Elsewhere" not in text


def test_programme_list_empty_state_tells_a_mentee_who_creates_programmes(as_user, world):
    text = as_user(world.mentee).get(reverse("programmes:list")).content.decode()
    assert "You do not coordinate any programme yet." in text
    assert "Programmes are created by coordinators." in text


def _grow(coordinator, programmes: int, groups_each: int) -> None:
    for _ in range(programmes):
        programme = ProgrammeFactory()
        ProgrammeMembership.objects.create(programme=programme, user=coordinator, role=Role.COORDINATOR)
        for _ in range(groups_each):
            group = MentoringGroupFactory(programme=programme)
            add_to_group(group, UserFactory(), "mentor")
            add_to_group(group, UserFactory(), "mentee")


def test_programme_list_query_count_stays_flat(as_user, world):
    client = as_user(world.coordinator)
    url = reverse("programmes:list")
    small = count_queries(client, url)
    _grow(world.coordinator, programmes=5, groups_each=2)
    assert count_queries(client, url) == small == 5  # 4, and the requests waiting for the person's answer


def test_programme_detail_query_count_stays_flat(as_user, world):
    client = as_user(world.coordinator)
    url = reverse("programmes:detail", kwargs={"pk": world.programme.pk})
    small = count_queries(client, url)
    for _ in range(6):
        group = MentoringGroupFactory(programme=world.programme)
        add_to_group(group, UserFactory(), "mentor")
        for _ in range(4):
            add_to_group(group, UserFactory(), "mentee")
    for _ in range(3):
        InvitationFactory(programme=world.programme)
        ApplicationFactory(programme=world.programme)
        ProgrammeEventFactory(programme=world.programme)
    assert count_queries(client, url) == small == 13  # 9, and 4 counts: unplaced, unmatched, concerns, undelivered


def test_the_overview_points_to_mentees_without_a_group_and_groups_without_a_mentor(as_user, world):
    accepted_mentee(world.programme)
    accepted_mentee(world.programme)
    MentoringGroupFactory(programme=world.programme, name="Group C")  # no mentor yet
    response = as_user(world.coordinator).get(reverse("programmes:detail", kwargs={"pk": world.programme.pk}))
    page = response.content.decode()
    assert "2 accepted mentees without a group" in page
    assert reverse("grouping:groups", kwargs={"pk": world.programme.pk}) in page
    # Group B (only a mentee) and Group C have no mentor; Group A has Mina.
    assert "2 groups without a mentor" in page
    assert reverse("grouping:matching", kwargs={"pk": world.programme.pk}) in page


def test_a_coordinator_who_also_mentors_sees_requests_on_the_programme_list(as_user, world):
    group = MentoringGroupFactory(programme=world.programme, name="Group C")
    asked = MentorAssignmentFactory(group=group, mentor=world.coordinator, assigned_by=world.coordinator)
    page = as_user(world.coordinator).get(reverse("programmes:list")).content.decode()
    assert "Would you mentor Group C?" in page
    assert reverse("groups:request", kwargs={"pk": asked.pk}) in page


def tabs_of(page: str) -> tuple[list[str], list[str]]:
    """The programme tabs marked active, and the one marked as the current page."""
    nav = page[page.index('class="nav nav-pills flex-wrap gap-1 programme-tabs"') :]
    nav = nav[: nav.index("</ul>")]
    active = re.findall(r'class="nav-link active"(?: aria-current="page")? href="[^"]+">([^<]+)<', nav)
    current = re.findall(r'aria-current="page" href="[^"]+">([^<]+)<', nav)
    return active, current


@pytest.mark.parametrize(
    ("name", "active", "current"),
    [
        ("programmes:detail", ["Overview"], ["Overview"]),
        ("reports:dashboard", ["Dashboard"], ["Dashboard"]),
        ("reports:report", ["Dashboard"], []),  # a page of the dashboard's
        ("grouping:groups", ["Groups"], ["Groups"]),
        ("grouping:concerns", ["Sessions"], []),
        ("surveys:rounds", ["Feedback"], ["Feedback"]),
        ("programmes:event_create", ["Events"], []),
    ],
)
def test_the_tabs_mark_the_section_and_its_own_page(as_user, world, name, active, current):
    page = as_user(world.coordinator).get(reverse(name, args=[world.programme.pk])).content.decode()
    assert tabs_of(page) == (active, current)
    assert page.count('class="nav-link') >= 13 + 1  # every tab, and the site's navigation
