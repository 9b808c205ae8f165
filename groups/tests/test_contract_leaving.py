"""A contract proposal that waits only for people who leave the group comes into force when they leave."""

from __future__ import annotations

import pytest

from groups.models import VersionStatus
from groups.services import contracts
from mentoring.tests.factories import UserFactory, add_to_group
from programmes.models import ProgrammeMembership, Role
from programmes.services.people import anonymise_person, withdraw_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_for_one(world):
    """A proposal everyone has agreed to but one mentee, Lea."""
    lea = UserFactory(display_name="Lea Leaving")
    add_to_group(world.group, lea, Role.MENTEE)
    contracts.save_draft(group=world.group, by=world.mentor, roles="We take turns to speak.")
    version = contracts.propose(group=world.group, by=world.mentor)
    for person in (world.mentor, world.mentee):
        contracts.agree(group=world.group, user=person, number=1)
    version.refresh_from_db()
    assert version.status == VersionStatus.PROPOSED
    return lea, version


def test_withdrawing_the_last_member_who_had_not_agreed_brings_the_contract_into_force(world, waiting_for_one):
    lea, version = waiting_for_one
    membership = ProgrammeMembership.objects.get(programme=world.programme, user=lea, role=Role.MENTEE)
    withdraw_member(membership=membership, by=world.coordinator)
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_FORCE and version.in_force_at is not None


def test_erasing_the_last_member_who_had_not_agreed_brings_the_contract_into_force(world, waiting_for_one):
    lea, version = waiting_for_one
    anonymise_person(user=lea, by=world.coordinator)
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_FORCE


def test_someone_else_leaving_changes_nothing(world, waiting_for_one):
    _lea, version = waiting_for_one
    other = UserFactory()
    add_to_group(world.other_group, other, Role.MENTEE)
    withdraw_member(
        membership=ProgrammeMembership.objects.get(programme=world.programme, user=other), by=world.coordinator
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.PROPOSED
