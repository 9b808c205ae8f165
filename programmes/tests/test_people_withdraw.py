"""Withdrawing a member: their role and their places in the programme's groups end; nothing is deleted."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from groups.models import GroupMembership, GroupRole
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from programmes.models import MembershipStatus, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db


def url(world, membership) -> str:
    return reverse("programmes:member_withdraw", kwargs={"pk": world.programme.pk, "membership_pk": membership.pk})


def membership_of(world, user, role=None) -> ProgrammeMembership:
    memberships = world.programme.memberships.filter(user=user)
    return memberships.get(role=role) if role else memberships.get()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_withdrawing_a_mentee_ends_their_role_and_their_group_place(as_user, world):
    membership = membership_of(world, world.mentee)
    response = as_user(world.coordinator).post(url(world, membership))
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:people", kwargs={"pk": world.programme.pk})
    assert messages_of(response) == ["Max Mentee no longer takes part in the programme as mentee."]
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.WITHDRAWN
    assert membership.left_at is not None
    group_membership = GroupMembership.objects.get(user=world.mentee)  # the row is kept
    assert group_membership.left_at == membership.left_at
    assert not world.group.memberships.current().filter(user=world.mentee).exists()


def test_only_the_group_places_of_the_withdrawn_role_end(as_user, world):
    circle = MentoringGroupFactory(programme=world.programme, name="Circle")
    add_to_group(circle, world.mentee, GroupRole.MENTOR)
    elsewhere = MentoringGroupFactory(programme=world.other_programme)
    add_to_group(elsewhere, world.mentee, GroupRole.MENTEE)
    as_user(world.coordinator).post(url(world, membership_of(world, world.mentee, Role.MENTEE)))
    current = GroupMembership.objects.current().filter(user=world.mentee)
    assert sorted(gm.group.name for gm in current) == sorted(["Circle", elsewhere.name])
    assert membership_of(world, world.mentee, Role.MENTOR).status == MembershipStatus.ACTIVE


def test_withdrawing_twice_changes_nothing_the_second_time(as_user, world):
    membership = membership_of(world, world.mentee)
    client = as_user(world.coordinator)
    client.post(url(world, membership))
    membership.refresh_from_db()
    first = membership.left_at
    response = client.post(url(world, membership))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_at == first


def test_the_last_coordinator_cannot_withdraw(as_user, world):
    membership = membership_of(world, world.coordinator)
    response = as_user(world.coordinator).post(url(world, membership))
    assert response.status_code == 302
    assert messages_of(response) == [
        "Cora Coordinator is the only coordinator. Add another coordinator before they leave the programme."
    ]
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_a_coordinator_may_leave_when_another_one_stays(as_user, world):
    ProgrammeMembership.objects.create(programme=world.programme, user=UserFactory(), role=Role.COORDINATOR)
    membership = membership_of(world, world.coordinator)
    response = as_user(world.coordinator).post(url(world, membership))
    assert response["Location"] == reverse("programmes:list")  # the programme's pages are no longer theirs
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.WITHDRAWN


def test_a_withdrawn_coordinator_does_not_count_as_another_one(as_user, world):
    ProgrammeMembership.objects.create(
        programme=world.programme, user=UserFactory(), role=Role.COORDINATOR, status=MembershipStatus.WITHDRAWN
    )
    as_user(world.coordinator).post(url(world, membership_of(world, world.coordinator)))
    assert membership_of(world, world.coordinator).status == MembershipStatus.ACTIVE


def test_a_closed_programme_refuses(as_user, world):
    world.programme.status = ProgrammeStatus.CLOSED
    world.programme.save()
    membership = membership_of(world, world.mentee)
    response = as_user(world.coordinator).post(url(world, membership))
    assert messages_of(response) == ["This programme is closed. Its people can no longer be changed."]
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert world.group.memberships.current().filter(user=world.mentee).exists()


def test_it_is_all_or_nothing(as_user, world):
    membership = membership_of(world, world.mentee)
    client = as_user(world.coordinator)
    client.raise_request_exception = False
    with mock.patch("groups.models.GroupMembershipQuerySet.update", side_effect=RuntimeError("database gone")):
        response = client.post(url(world, membership))
    assert response.status_code == 500
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_a_membership_of_another_programme_is_not_found(as_user, world):
    elsewhere = ProgrammeMembership.objects.create(programme=world.other_programme, user=world.mentee, role=Role.MENTEE)
    response = as_user(world.coordinator).post(url(world, elsewhere))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == MembershipStatus.ACTIVE


def test_withdrawing_needs_a_post(as_user, world):
    assert as_user(world.coordinator).get(url(world, membership_of(world, world.mentee))).status_code == 405


def test_members_without_the_role_and_outsiders_are_refused(client, world):
    membership = membership_of(world, world.mentee)
    client.force_login(world.mentor)
    assert client.post(url(world, membership)).status_code == 403
    client.force_login(world.other_coordinator)
    assert client.post(url(world, membership)).status_code == 404
    client.logout()
    assert client.post(url(world, membership)).status_code == 302
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
