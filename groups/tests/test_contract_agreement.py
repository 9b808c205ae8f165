"""Agreeing to the proposed contract: each member, mentor included, agrees to the version they read; the time and
the person are recorded; the contract comes into force when every current member has agreed."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import ContractAgreement, ContractVersion, GroupMembership, GroupRole, VersionStatus
from groups.services import contracts
from mentoring.tests.factories import UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


def url(name, group):
    return reverse(f"groups:{name}", kwargs={"pk": group.pk})


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def proposed(world, group=None) -> ContractVersion:
    group = group or world.group
    contracts.save_draft(group=group, by=world.mentor, confidentiality="What we say stays in the group.")
    return contracts.propose(group=group, by=world.mentor)


def leave(group, user):
    GroupMembership.objects.filter(group=group, user=user).update(left_at=timezone.now())


def test_every_member_sees_the_full_proposal_and_an_i_agree_button(as_user, world):
    proposed(world)
    page = as_user(world.mentee).get(url("contract", world.group)).content.decode()
    assert "Proposed contract: version 1" in page
    assert "What we say stays in the group." in page
    assert "Your group's contract is ready. Please read it and say if you agree." in page
    assert 'name="number" value="1"' in page
    assert "0 of 2 agreed" in page


def test_a_member_agrees_and_the_time_and_person_are_recorded(as_user, world):
    proposed(world)
    response = as_user(world.mentee).post(url("contract_agree", world.group), {"number": "1"}, follow=True)
    assert texts(response) == ["Thank you. Your agreement is recorded."]
    agreement = ContractAgreement.objects.get()
    assert agreement.user == world.mentee
    assert agreement.agreed_at is not None
    version = ContractVersion.objects.get()
    assert version.status == VersionStatus.PROPOSED, "the mentor has not agreed yet"
    page = response.content.decode()
    assert "1 of 2 agreed" in page
    assert "You agree to this version." in page


def test_the_contract_comes_into_force_when_every_member_mentor_included_has_agreed(as_user, world):
    proposed(world)
    as_user(world.mentee).post(url("contract_agree", world.group), {"number": "1"})
    response = as_user(world.mentor).post(url("contract_agree", world.group), {"number": "1"}, follow=True)
    assert texts(response)[-1] == "Thank you. Everyone has agreed, so the contract is now in force."
    version = ContractVersion.objects.get()
    assert version.status == VersionStatus.IN_FORCE
    assert version.in_force_at is not None
    page = response.content.decode()
    assert "The contract in force" in page
    assert "Max Mentee" in page and "Mina Mentor" in page


def test_agreeing_twice_is_harmless(world):
    proposed(world)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    assert ContractAgreement.objects.count() == 1


def test_the_coordinator_sees_who_has_agreed_but_cannot_agree(as_user, world):
    proposed(world)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    client = as_user(world.coordinator)
    page = client.get(url("contract", world.group)).content.decode()
    assert "1 of 2 agreed" in page
    assert 'name="number"' not in page
    assert client.post(url("contract_agree", world.group), {"number": "1"}).status_code == 403


def test_an_outsider_cannot_agree(as_user, world):
    proposed(world)
    response = as_user(world.other_group_member).post(url("contract_agree", world.group), {"number": "1"})
    assert response.status_code == 404


def test_agree_takes_post_only(as_user, world):
    assert as_user(world.mentee).get(url("contract_agree", world.group)).status_code == 405


def test_a_stale_version_number_is_refused(as_user, world):
    proposed(world)
    contracts.withdraw(group=world.group, by=world.mentor)
    contracts.save_draft(group=world.group, by=world.mentor, roles="New roles.")
    contracts.propose(group=world.group, by=world.mentor)
    response = as_user(world.mentee).post(url("contract_agree", world.group), {"number": "1"}, follow=True)
    assert texts(response) == ["The contract changed while you were reading it. Please read it again."]
    assert not ContractAgreement.objects.exists()


def test_agreeing_to_a_draft_is_refused(world):
    contracts.save_draft(group=world.group, by=world.mentor)
    with pytest.raises(contracts.OutdatedVersion):
        contracts.agree(group=world.group, user=world.mentee, number=1)


def test_a_missing_number_asks_to_read_first(as_user, world):
    proposed(world)
    response = as_user(world.mentee).post(url("contract_agree", world.group), {"number": "x"}, follow=True)
    assert texts(response) == ["Please read the contract, then press “I agree” below it."]
    assert not ContractAgreement.objects.exists()


def test_members_who_left_do_not_count(world):
    extra = UserFactory()
    add_to_group(world.group, extra, GroupRole.MENTEE)
    proposed(world)
    contracts.agree(group=world.group, user=extra, number=1)
    leave(world.group, extra)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    contracts.agree(group=world.group, user=world.mentor, number=1)
    version = ContractVersion.objects.get()
    assert version.status == VersionStatus.IN_FORCE
    with pytest.raises(contracts.NotASignatory):
        contracts.agree(group=world.group, user=extra, number=1)


def test_when_the_last_member_who_had_not_agreed_leaves_the_contract_comes_into_force(world):
    extra = UserFactory()
    add_to_group(world.group, extra, GroupRole.MENTEE)
    version = proposed(world)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    contracts.agree(group=world.group, user=world.mentor, number=1)
    assert contracts.bring_into_force_if_agreed(version.contract) is None, "the extra mentee has not agreed"
    leave(world.group, extra)
    assert contracts.bring_into_force_if_agreed(version.contract) == version
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_FORCE


def test_after_the_last_missing_member_left_the_next_agreement_brings_it_into_force(world):
    extra = UserFactory()
    add_to_group(world.group, extra, GroupRole.MENTEE)
    proposed(world)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    contracts.agree(group=world.group, user=world.mentor, number=1)
    leave(world.group, extra)
    assert contracts.agree(group=world.group, user=world.mentee, number=1).came_into_force


def test_an_empty_group_never_brings_a_proposal_into_force(world):
    version = proposed(world)
    leave(world.group, world.mentee)
    leave(world.group, world.mentor)
    assert contracts.bring_into_force_if_agreed(version.contract) is None


# The email -------------------------------------------------------------------------------------------------------


def test_each_member_gets_an_email_to_read_and_agree(world, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposed(world)
    assert sorted(message.to[0] for message in mail.outbox) == ["mentee@example.org", "mentor@example.org"]
    message = next(message for message in mail.outbox if message.to == ["mentee@example.org"])
    assert message.subject == "Your group's contract is ready for you to read and agree (Group A)"
    assert "Hello Max," in message.body
    assert reverse("groups:contract", kwargs={"pk": world.group.pk}) in message.body


def test_the_email_is_not_sent_to_someone_who_agreed_meanwhile(world):
    proposed(world)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    email = OutgoingEmail.objects.get(to="mentee@example.org")
    assert deliver(email.pk) == EmailStatus.CANCELLED
    assert deliver(OutgoingEmail.objects.get(to="mentor@example.org").pk) == EmailStatus.SENT


def test_the_email_is_not_sent_for_a_withdrawn_proposal(world):
    proposed(world)
    contracts.withdraw(group=world.group, by=world.mentor)
    assert {deliver(email.pk) for email in OutgoingEmail.objects.all()} == {EmailStatus.CANCELLED}
    assert mail.outbox == []


# Performance -----------------------------------------------------------------------------------------------------


def test_the_contract_page_query_count_stays_flat(as_user, world):
    """A version in force and a proposed amendment, with 2 members against 8."""
    proposed(world)
    for person in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=person, number=1)
    contracts.save_draft(group=world.group, by=world.mentor, roles="New roles.", change_note="Roles.")
    contracts.propose(group=world.group, by=world.mentor)
    contracts.agree(group=world.group, user=world.mentee, number=2)
    client = as_user(world.mentee)
    contract_url = url("contract", world.group)
    small = count_queries(client, contract_url)
    for _ in range(6):
        person = UserFactory()
        add_to_group(world.group, person, GroupRole.MENTEE)
        contracts.agree(group=world.group, user=person, number=2)
    # session, user, the group (whose door answers the navigation too), its signatories, the versions, their
    # agreements
    assert count_queries(client, contract_url) == small == 6
