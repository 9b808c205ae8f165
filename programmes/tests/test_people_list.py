"""The programme's people page: everyone who takes or took part, filtered by role and status."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupRole
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from programmes.models import MembershipStatus, ProgrammeMembership, ProgrammeStatus, Role
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db


def url(world, **query) -> str:
    base = reverse("programmes:people", kwargs={"pk": world.programme.pk})
    return base + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def names(response) -> list[str]:
    return [membership.user.display_name for membership in response.context["memberships"]]


def withdrawn_mentee(world, name: str = "Walter Withdrawn"):
    person = UserFactory(display_name=name, email="walter@example.org")
    ProgrammeMembership.objects.create(
        programme=world.programme,
        user=person,
        role=Role.MENTEE,
        status=MembershipStatus.WITHDRAWN,
        left_at=timezone.now(),
    )
    return person


def test_coordinator_sees_everyone_active_and_withdrawn_with_their_groups(as_user, world):
    withdrawn_mentee(world)
    response = as_user(world.coordinator).get(url(world))
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(
        ["Cora Coordinator", "Mina Mentor", "Max Mentee", "Olga Othergroup", "Walter Withdrawn"]
    )
    page = response.content.decode()
    assert "mentee@example.org" in page
    assert "walter@example.org" in page
    rows = {m.user.display_name: m for m in response.context["memberships"]}
    assert [group.name for group in rows["Max Mentee"].groups] == ["Group A"]
    assert [group.name for group in rows["Olga Othergroup"].groups] == ["Group B"]
    assert rows["Cora Coordinator"].groups == []
    assert rows["Walter Withdrawn"].get_status_display() == "Withdrawn"
    assert reverse("programmes:people_csv", kwargs={"pk": world.programme.pk}) in page


def test_a_person_in_two_roles_shows_each_role_with_the_groups_of_that_role(as_user, world):
    circle = MentoringGroupFactory(programme=world.programme, name="Circle")
    add_to_group(circle, world.mentee, GroupRole.MENTOR)
    response = as_user(world.coordinator).get(url(world))
    rows = [(m.role, [g.name for g in m.groups]) for m in response.context["memberships"] if m.user == world.mentee]
    assert sorted(rows) == [("mentee", ["Group A"]), ("mentor", ["Circle"])]


def test_left_groups_and_other_programmes_groups_are_not_shown(as_user, world):
    membership = world.mentee.group_memberships.get()
    membership.left_at = timezone.now()
    membership.save()
    elsewhere = MentoringGroupFactory(programme=world.other_programme, name="Elsewhere group")
    add_to_group(elsewhere, world.mentee, GroupRole.MENTEE)
    response = as_user(world.coordinator).get(url(world))
    (row,) = [m for m in response.context["memberships"] if m.user == world.mentee]
    assert row.groups == []


def test_filters_by_role_and_status(as_user, world):
    withdrawn_mentee(world)
    client = as_user(world.coordinator)
    assert sorted(names(client.get(url(world, role="mentee")))) == ["Max Mentee", "Olga Othergroup", "Walter Withdrawn"]
    assert names(client.get(url(world, status="withdrawn"))) == ["Walter Withdrawn"]
    assert sorted(names(client.get(url(world, role="mentee", status="active")))) == ["Max Mentee", "Olga Othergroup"]


def test_filtered_page_exports_with_the_same_filters(as_user, world):
    response = as_user(world.coordinator).get(url(world, role="mentor"))
    assert "people.csv?role=mentor" in response.content.decode()


@pytest.mark.parametrize("query", [{"role": "boss"}, {"status": "asleep"}, {"role": "mentee'--", "status": "x"}])
def test_bad_filter_values_fall_back_to_everyone(as_user, world, query):
    response = as_user(world.coordinator).get(url(world, **query))
    assert response.status_code == 200
    assert len(names(response)) == 4
    assert response.context["form"].errors == {}


def test_nobody_matching_the_filters_says_so_and_offers_everyone(as_user, world):
    response = as_user(world.coordinator).get(url(world, status="withdrawn"))
    assert response.context["memberships"] == []
    assert "Nobody matches these filters." in response.content.decode()
    assert "Show everyone" in response.content.decode()


def test_a_programme_with_only_coordinators_says_how_to_bring_people_in(as_user, world):
    programme = ProgrammeFactory(name="Fresh start", status=ProgrammeStatus.DRAFT)
    ProgrammeMembership.objects.create(programme=programme, user=world.coordinator, role=Role.COORDINATOR)
    response = as_user(world.coordinator).get(reverse("programmes:people", kwargs={"pk": programme.pk}))
    page = response.content.decode()
    assert names(response) == ["Cora Coordinator"]
    assert "No mentors or mentees have joined yet." in page
    assert reverse("programmes:detail", kwargs={"pk": programme.pk}) in page


def test_actions_withdraw_and_erase_are_offered_where_they_make_sense(as_user, world):
    walter = withdrawn_mentee(world)
    response = as_user(world.coordinator).get(url(world))
    page = response.content.decode()
    mentee_membership = world.programme.memberships.get(user=world.mentee)
    walter_membership = world.programme.memberships.get(user=walter)
    assert reverse("programmes:member_withdraw", args=[world.programme.pk, mentee_membership.pk]) in page
    assert reverse("programmes:member_withdraw", args=[world.programme.pk, walter_membership.pk]) not in page
    assert reverse("programmes:person_erase", args=[world.programme.pk, world.mentee.pk]) in page
    assert reverse("programmes:person_erase", args=[world.programme.pk, walter.pk]) in page
    assert reverse("programmes:person_erase", args=[world.programme.pk, world.coordinator.pk]) not in page


def test_a_closed_programme_offers_no_withdrawing(as_user, world):
    world.programme.status = ProgrammeStatus.CLOSED
    world.programme.save()
    page = as_user(world.coordinator).get(url(world)).content.decode()
    assert "/withdraw/" not in page


def test_an_erased_person_is_shown_as_a_former_participant_without_address(as_user, world):
    anonymise_person(user=world.mentee)
    response = as_user(world.coordinator).get(url(world))
    page = response.content.decode()
    assert "Former participant" in page
    assert "Max Mentee" not in page
    assert "erased.invalid" not in page
    assert reverse("programmes:person_erase", args=[world.programme.pk, world.mentee.pk]) not in page


def test_the_page_makes_the_same_number_of_queries_however_many_people(as_user, world):
    client = as_user(world.coordinator)
    page = url(world)
    before = count_queries(client, page)
    # session, user, navigation (1), the programme door, memberships, their current groups
    assert before == 5
    for _ in range(5):
        group = MentoringGroupFactory(programme=world.programme)
        add_to_group(group, UserFactory(), GroupRole.MENTOR)
        for _ in range(5):
            add_to_group(group, UserFactory(), GroupRole.MENTEE)
        ProgrammeMembership.objects.create(
            programme=world.programme, user=UserFactory(), role=Role.MENTEE, status=MembershipStatus.WITHDRAWN
        )
    assert world.programme.memberships.count() >= 5 * 4
    assert count_queries(client, page) == before


def test_the_page_is_read_only(as_user, world):
    assert as_user(world.coordinator).post(url(world)).status_code == 405


def test_mentors_and_mentees_may_not_see_it_and_outsiders_do_not_learn_it_exists(client, world):
    client.force_login(world.mentor)
    assert client.get(url(world)).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url(world)).status_code == 404
    client.force_login(world.other_coordinator)
    assert client.get(url(world)).status_code == 404
    client.logout()
    assert client.get(url(world)).status_code == 302
