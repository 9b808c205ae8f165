"""Drafting a group's contract: the mentor (or the coordinator helping) starts it from the programme's template and
dates, edits the draft, proposes it to the group (its text is then locked and everyone gets an email), or
withdraws it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from groups.models import ContractTemplate, ContractVersion, GroupKind, GroupRole, VersionStatus
from groups.services import contracts
from groups.services.kinds import create_circle
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group, programme_mentor
from outbox.models import OutgoingEmail
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db

DRAFT = {
    "starts_on": "2026-09-07",
    "ends_on": "2027-05-24",
    "sessions_per_month": "2",
    "session_minutes": "120",
    "compensation": "volunteer",
    "tools_and_channels": "We meet in the library.\r\nBetween sessions we write in one chat.",
    "confidentiality": "What we say stays in the group.",
}


def url(name, group, **kwargs):
    return reverse(f"groups:{name}", kwargs={"pk": group.pk, **kwargs})


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def draft_of(group) -> ContractVersion:
    return ContractVersion.objects.get(contract__group=group, status=VersionStatus.DRAFT)


def write_draft(world, **fields):
    values = {"tools_and_channels": "We meet in the library."} | fields
    return contracts.save_draft(group=world.group, by=world.mentor, **values)


# Before there is a contract --------------------------------------------------------------------------------------


def test_the_mentor_is_invited_to_start_the_contract(as_user, world):
    response = as_user(world.mentor).get(url("contract", world.group))
    assert response.status_code == 200
    assert "No contract yet." in response.content.decode()
    assert url("contract_edit", world.group) in response.content.decode()


def test_a_mentee_is_told_the_mentor_drafts_it_and_the_group_agrees_at_its_first_session(as_user, world):
    response = as_user(world.mentee).get(url("contract", world.group))
    page = response.content.decode()
    assert "The mentor writes the contract, and the group agrees to it at its first session." in page
    assert url("contract_edit", world.group) not in page


def test_the_draft_starts_from_the_template_and_the_programmes_dates_and_rhythm(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(sessions_per_month=2, session_minutes=120)
    template = contracts.template_for(world.programme)
    template.confidentiality = "Our programme's own words on confidentiality."
    template.save()
    response = as_user(world.mentor).get(url("contract_edit", world.group))
    form = response.context["form"]
    assert form.initial["confidentiality"] == "Our programme's own words on confidentiality."
    assert form.initial["starts_on"] == world.programme.starts_on
    assert form.initial["ends_on"] == world.programme.ends_on
    assert form.initial["sessions_per_month"] == 2
    assert form.initial["session_minutes"] == 120
    assert "change_note" not in form.fields  # a first version is not an amendment
    assert not ContractVersion.objects.exists(), "opening the form writes nothing"


def test_without_a_template_the_draft_starts_from_the_default_texts(as_user, world):
    response = as_user(world.mentor).get(url("contract_edit", world.group))
    assert "check-in" in response.context["form"].initial["session_structure"]
    assert not ContractTemplate.objects.exists(), "the coordinator's first visit creates the template"


def test_saving_creates_version_1_as_a_draft(as_user, world):
    response = as_user(world.mentor).post(url("contract_edit", world.group), DRAFT)
    assert response.status_code == 302
    version = draft_of(world.group)
    assert version.number == 1
    assert version.created_by == world.mentor
    assert version.starts_on == datetime.date(2026, 9, 7)
    assert version.sessions_per_month == 2
    assert version.tools_and_channels == "We meet in the library.\nBetween sessions we write in one chat."
    page = as_user(world.mentor).get(url("contract", world.group)).content.decode()
    assert "The contract is being written (version 1)" in page
    assert "Propose to the group" in page


def test_saving_again_changes_the_same_draft(as_user, world):
    client = as_user(world.mentor)
    client.post(url("contract_edit", world.group), DRAFT)
    form = client.get(url("contract_edit", world.group)).context["form"]
    data = DRAFT | {
        "draft_number": form.initial["draft_number"],
        "draft_saved": form.initial["draft_saved"],
        "roles": "Everyone comes prepared.",
    }
    client.post(url("contract_edit", world.group), data)
    assert ContractVersion.objects.count() == 1
    assert draft_of(world.group).roles == "Everyone comes prepared."


def test_the_coordinator_may_help_draft(as_user, world):
    response = as_user(world.coordinator).post(url("contract_edit", world.group), DRAFT)
    assert response.status_code == 302
    assert draft_of(world.group).created_by == world.coordinator


def test_a_mentee_may_read_but_not_draft(as_user, world):
    client = as_user(world.mentee)
    assert client.get(url("contract_edit", world.group)).status_code == 403
    assert client.post(url("contract_edit", world.group), DRAFT).status_code == 403
    write_draft(world)
    assert client.post(url("contract_propose", world.group)).status_code == 403
    assert client.post(url("contract_withdraw", world.group)).status_code == 403


def test_an_outsider_gets_404(as_user, world):
    client = as_user(world.other_group_member)
    assert client.get(url("contract_edit", world.group)).status_code == 404
    assert client.post(url("contract_propose", world.group)).status_code == 404


def test_actions_take_post_only(as_user, world):
    client = as_user(world.mentor)
    assert client.get(url("contract_propose", world.group)).status_code == 405
    assert client.get(url("contract_withdraw", world.group)).status_code == 405
    assert client.put(url("contract_edit", world.group)).status_code == 405


def test_a_last_session_before_the_first_is_refused_next_to_the_field(as_user, world):
    response = as_user(world.mentor).post(url("contract_edit", world.group), DRAFT | {"ends_on": "2026-08-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["The last session cannot be before the first session."]
    assert not ContractVersion.objects.exists()


def test_sessions_outside_the_allowed_rhythm_are_refused(as_user, world):
    response = as_user(world.mentor).post(
        url("contract_edit", world.group), DRAFT | {"sessions_per_month": "9", "session_minutes": "abc"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"sessions_per_month", "session_minutes"}


def test_a_draft_saved_by_someone_else_meanwhile_is_not_overwritten(as_user, world):
    client = as_user(world.mentor)
    client.post(url("contract_edit", world.group), DRAFT)
    form = client.get(url("contract_edit", world.group)).context["form"]
    stamp = {"draft_number": form.initial["draft_number"], "draft_saved": form.initial["draft_saved"]}
    as_user(world.coordinator).post(url("contract_edit", world.group), DRAFT | stamp | {"roles": "Cora's roles."})
    response = as_user(world.mentor).post(url("contract_edit", world.group), DRAFT | stamp | {"roles": "Mina's."})
    assert response.status_code == 200
    assert "Someone else saved the draft while you were writing." in response.content.decode()
    assert response.context["form"].data["roles"] == "Mina's."  # her text is kept
    assert draft_of(world.group).roles == "Cora's roles."


def test_starting_a_draft_when_someone_else_just_started_one_is_refused(world):
    write_draft(world)
    with pytest.raises(contracts.OutdatedDraft):
        contracts.save_draft(group=world.group, by=world.coordinator, stamp=contracts.DraftStamp(None, None))


# Proposing -------------------------------------------------------------------------------------------------------


def test_proposing_locks_the_draft_and_emails_every_member(as_user, world, django_capture_on_commit_callbacks):
    write_draft(world)
    with django_capture_on_commit_callbacks():
        response = as_user(world.mentor).post(url("contract_propose", world.group), follow=True)
    assert texts(response) == ["The contract is proposed. Everyone in the group gets an email to read it."]
    version = ContractVersion.objects.get()
    assert version.status == VersionStatus.PROPOSED
    assert version.proposed_at is not None
    assert version.is_locked
    emails = OutgoingEmail.objects.filter(kind=contracts.PROPOSED_EMAIL)
    assert sorted(email.to for email in emails) == ["mentee@example.org", "mentor@example.org"]
    assert {email.key for email in emails} == {
        f"groups.contract_proposed:{version.pk}:{world.mentor.pk}",
        f"groups.contract_proposed:{version.pk}:{world.mentee.pk}",
    }


def test_proposing_without_a_draft_says_to_write_it_first(as_user, world):
    response = as_user(world.mentor).post(url("contract_propose", world.group), follow=True)
    assert texts(response) == ["There is no draft to propose. Write the draft first."]


def test_proposing_twice_changes_nothing(as_user, world):
    write_draft(world)
    contracts.propose(group=world.group, by=world.mentor)
    response = as_user(world.mentor).post(url("contract_propose", world.group), follow=True)
    assert texts(response) == ["This version has already been proposed to the group."]
    assert OutgoingEmail.objects.count() == 2


# Locking ---------------------------------------------------------------------------------------------------------


def test_the_edit_page_refuses_a_proposed_version_and_points_to_withdrawing_it(as_user, world):
    write_draft(world, roles="Everyone comes prepared.")
    contracts.propose(group=world.group, by=world.mentor)
    client = as_user(world.mentor)
    response = client.get(url("contract_edit", world.group))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The proposed contract is locked" in page
    assert url("contract_withdraw", world.group) in page
    response = client.post(url("contract_edit", world.group), DRAFT | {"roles": "Changed."}, follow=True)
    assert texts(response) == ["The proposed version can no longer be changed. Withdraw it first."]
    assert ContractVersion.objects.get().roles == "Everyone comes prepared."


def test_the_service_refuses_to_change_a_proposed_or_in_force_version(world):
    write_draft(world, roles="Everyone comes prepared.")
    contracts.propose(group=world.group, by=world.mentor)
    with pytest.raises(contracts.VersionLocked):
        contracts.save_draft(group=world.group, by=world.mentor, roles="Changed.")
    with pytest.raises(contracts.VersionLocked):
        contracts.propose(group=world.group, by=world.mentor)
    for person in (world.mentor, world.mentee):
        contracts.agree(group=world.group, user=person, number=1)
    # In force: a change is a new version (an amendment), never an edit of version 1.
    amendment = contracts.save_draft(group=world.group, by=world.mentor, roles="Changed.", change_note="Roles.")
    assert amendment.number == 2
    assert ContractVersion.objects.get(number=1).roles == "Everyone comes prepared."


# Withdrawing -----------------------------------------------------------------------------------------------------


def test_withdrawing_a_draft_keeps_it_in_the_history(as_user, world):
    write_draft(world)
    response = as_user(world.mentor).post(url("contract_withdraw", world.group), follow=True)
    assert texts(response) == ["Version 1 is withdrawn. It stays in the history."]
    version = ContractVersion.objects.get()
    assert version.status == VersionStatus.WITHDRAWN
    assert version.ended_at is not None
    page = response.content.decode()
    assert "No contract is in force or being written." in page
    assert url("contract_version", world.group, number=1) in page


def test_the_next_draft_after_a_withdrawn_one_is_version_2(world):
    write_draft(world)
    contracts.withdraw(group=world.group, by=world.mentor)
    assert write_draft(world).number == 2


def test_withdrawing_a_proposal(as_user, world):
    write_draft(world)
    contracts.propose(group=world.group, by=world.mentor)
    as_user(world.coordinator).post(url("contract_withdraw", world.group))
    assert ContractVersion.objects.get().status == VersionStatus.WITHDRAWN


def test_withdrawing_nothing_says_so(as_user, world):
    response = as_user(world.mentor).post(url("contract_withdraw", world.group), follow=True)
    assert texts(response) == ["There is no draft or proposal to withdraw."]


# Other kinds of group, closed programmes -------------------------------------------------------------------------


def test_in_a_peer_group_any_member_drafts(as_user, world):
    peer = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    add_to_group(peer, world.mentee, GroupRole.MENTEE)
    assert as_user(world.mentee).get(url("contract_edit", peer)).status_code == 200


def test_in_a_mentor_circle_the_supervisor_drafts_and_the_mentors_do_not(as_user, world):
    mentors = [programme_mentor(world.programme) for _ in range(3)]
    supervisor = UserFactory()
    ProgrammeMembership.objects.create(programme=world.programme, user=supervisor, role=Role.SUPERVISOR)
    circle = create_circle(programme=world.programme, name="Circle", mentors=mentors, supervisor=supervisor)
    assert as_user(supervisor).get(url("contract_edit", circle)).status_code == 200
    assert as_user(mentors[0]).get(url("contract_edit", circle)).status_code == 403
    assert "The supervisor writes the contract" in as_user(mentors[0]).get(url("contract", circle)).content.decode()


def test_a_closed_programmes_contract_is_read_only(as_user, world):
    write_draft(world)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.mentor)
    response = client.get(url("contract", world.group))
    assert "This programme is closed." in response.content.decode()
    assert "Propose to the group" not in response.content.decode()
    for name in ("contract_edit", "contract_propose", "contract_withdraw"):
        response = client.post(url(name, world.group), DRAFT, follow=True)
        assert texts(response) == ["This programme is closed. The group's contract can no longer be changed."]
    assert draft_of(world.group).tools_and_channels == "We meet in the library."
