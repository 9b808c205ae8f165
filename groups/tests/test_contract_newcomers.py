"""Someone who joins a group after its contract came into force agrees to the version in force. Meanwhile the
contract stays in force for everyone, and the newcomer is listed as not agreed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import ContractAgreement, ContractVersion, GroupRole, VersionStatus
from groups.services import contracts
from mentoring.tests.factories import UserFactory, add_to_group

pytestmark = pytest.mark.django_db


def url(name, group):
    return reverse(f"groups:{name}", kwargs={"pk": group.pk})


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def in_force(world) -> ContractVersion:
    contracts.save_draft(group=world.group, by=world.mentor, roles="Everyone comes prepared.")
    contracts.propose(group=world.group, by=world.mentor)
    for person in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=person, number=1)
    return ContractVersion.objects.get(status=VersionStatus.IN_FORCE)


@pytest.fixture
def newcomer(world, in_force):
    person = UserFactory(display_name="Nia Newcomer", email="nia@example.org")
    add_to_group(world.group, person, GroupRole.MENTEE)
    return person


def test_the_newcomer_is_listed_as_not_agreed_and_the_contract_stays_in_force(as_user, world, newcomer, in_force):
    state = contracts.contract_state(world.group)
    assert state.newcomers == [newcomer]
    assert state.in_force.version == in_force
    page = as_user(world.mentor).get(url("contract", world.group)).content.decode()
    assert "The contract in force" in page
    assert "Nia Newcomer" in page
    assert "People who joined the group later agree to the version in force." in page


def test_the_newcomer_is_prompted_to_agree_to_the_version_in_force(as_user, world, newcomer):
    client = as_user(newcomer)
    page = client.get(url("contract", world.group)).content.decode()
    assert "You joined the group after the others agreed to its contract." in page
    assert "I agree to this contract" in page
    assert 'name="number" value="1"' in page
    group_page = client.get(url("detail", world.group)).content.decode()
    assert "Please read your group's contract and say if you agree to it." in group_page


def test_the_others_are_not_prompted(as_user, world, newcomer):
    page = as_user(world.mentee).get(url("contract", world.group)).content.decode()
    assert "I agree to this contract" not in page
    assert (
        "Please read your group's contract"
        not in as_user(world.mentee).get(url("detail", world.group)).content.decode()
    )


def test_the_newcomer_agrees_to_the_version_in_force(as_user, world, newcomer, in_force):
    response = as_user(newcomer).post(url("contract_agree", world.group), {"number": "1"}, follow=True)
    assert texts(response) == ["Thank you. Your agreement is recorded."]
    assert ContractAgreement.objects.filter(version=in_force, user=newcomer).exists()
    in_force.refresh_from_db()
    assert in_force.status == VersionStatus.IN_FORCE
    assert in_force.in_force_at is not None
    assert contracts.contract_state(world.group).newcomers == []
    assert "You joined the group after" not in response.content.decode()


def test_while_an_amendment_is_proposed_the_newcomer_may_agree_to_either(world, newcomer, in_force):
    contracts.save_draft(group=world.group, by=world.mentor, roles="New roles.", change_note="Roles.")
    contracts.propose(group=world.group, by=world.mentor)
    contracts.agree(group=world.group, user=newcomer, number=1)
    assert contracts.version_to_agree(world.group, newcomer).number == 2
    for person in (world.mentee, world.mentor, newcomer):
        contracts.agree(group=world.group, user=person, number=2)
    assert ContractVersion.objects.get(number=2).status == VersionStatus.IN_FORCE


def test_a_newcomer_must_agree_to_a_proposal_before_it_comes_into_force(world, in_force):
    contracts.save_draft(group=world.group, by=world.mentor, roles="New roles.", change_note="Roles.")
    contracts.propose(group=world.group, by=world.mentor)
    person = UserFactory()
    add_to_group(world.group, person, GroupRole.MENTEE)
    for member in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=member, number=2)
    assert ContractVersion.objects.get(number=2).status == VersionStatus.PROPOSED
    assert contracts.agree(group=world.group, user=person, number=2).came_into_force


def test_the_coordinators_overview_counts_the_newcomers(as_user, world, newcomer):
    response = as_user(world.coordinator).get(reverse("grouping:contracts", kwargs={"pk": world.programme.pk}))
    page = response.content.decode()
    assert "but 1 newcomer has not agreed" in page
    [row] = [row for row in response.context["rows"] if row.group == world.group]
    assert row.to_remind == [newcomer]
