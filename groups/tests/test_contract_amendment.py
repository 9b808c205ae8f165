"""Changing a contract in force: an amendment is a new version, drafted from the one in force, that everyone agrees
to again. The old version stays in force until they have; then it is superseded. Each version's page shows what
changed from the version before it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from groups.contract_text import Piece, word_diff
from groups.models import ContractVersion, VersionStatus
from groups.services import contracts
from outbox.models import OutgoingEmail
from outbox.services import deliver

pytestmark = pytest.mark.django_db

FORM = {
    "starts_on": "2026-09-01",
    "ends_on": "2027-05-31",
    "sessions_per_month": "1",
    "session_minutes": "90",
    "compensation": "volunteer",
    "tools_and_channels": "We meet in the library.",
    "roles": "The mentor guides the sessions.",
}


def url(name, group, **kwargs):
    return reverse(f"groups:{name}", kwargs={"pk": group.pk, **kwargs})


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def everyone_agrees(world, number):
    for person in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=person, number=number)


@pytest.fixture
def in_force(world) -> ContractVersion:
    contracts.save_draft(
        group=world.group,
        by=world.mentor,
        tools_and_channels="We meet in the library.",
        roles="The mentor guides the sessions.",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 5, 31),
        sessions_per_month=1,
        session_minutes=90,
    )
    contracts.propose(group=world.group, by=world.mentor)
    everyone_agrees(world, 1)
    return ContractVersion.objects.get(number=1)


def amend(world, **changes) -> ContractVersion:
    contracts.save_draft(group=world.group, by=world.mentor, change_note="We meet online now.", **changes)
    return contracts.propose(group=world.group, by=world.mentor)


def test_an_amendment_starts_from_the_version_in_force_and_must_say_what_changes(as_user, world, in_force):
    client = as_user(world.mentor)
    response = client.get(url("contract_edit", world.group))
    assert "Write an amendment" in response.content.decode()
    form = response.context["form"]
    assert form.initial["tools_and_channels"] == "We meet in the library."
    assert form.fields["change_note"].required
    response = client.post(url("contract_edit", world.group), FORM | {"tools_and_channels": "We meet online."})
    assert response.status_code == 200
    assert response.context["form"].errors["change_note"] == ["Please say what this amendment changes."]
    assert ContractVersion.objects.count() == 1


def test_the_service_also_requires_a_change_note(world, in_force):
    with pytest.raises(contracts.ChangeNoteMissing):
        contracts.save_draft(group=world.group, by=world.mentor, tools_and_channels="We meet online.")


def test_saving_an_amendment_makes_version_2_and_leaves_version_1_in_force(as_user, world, in_force):
    data = FORM | {"tools_and_channels": "We meet online.", "change_note": "We meet online now."}
    as_user(world.mentor).post(url("contract_edit", world.group), data)
    draft = ContractVersion.objects.get(number=2)
    assert draft.status == VersionStatus.DRAFT
    assert draft.change_note == "We meet online now."
    in_force.refresh_from_db()
    assert in_force.status == VersionStatus.IN_FORCE


def test_the_old_version_stays_in_force_until_everyone_agrees_to_the_new_one(as_user, world, in_force):
    amend(world, tools_and_channels="We meet online.")
    contracts.agree(group=world.group, user=world.mentee, number=2)
    in_force.refresh_from_db()
    assert in_force.status == VersionStatus.IN_FORCE
    page = as_user(world.mentor).get(url("contract", world.group)).content.decode()
    assert "The contract in force" in page
    assert "Proposed amendment: version 2" in page
    assert "The version in force stays in force until everyone agrees to this one." in page
    assert "We meet online now." in page  # the change note

    contracts.agree(group=world.group, user=world.mentor, number=2)
    in_force.refresh_from_db()
    assert in_force.status == VersionStatus.SUPERSEDED
    assert in_force.ended_at is not None
    new = ContractVersion.objects.get(number=2)
    assert new.status == VersionStatus.IN_FORCE
    assert new.in_force_at == in_force.ended_at


def test_the_members_are_asked_to_agree_to_the_amendment_by_email(world, in_force, django_capture_on_commit_callbacks):
    OutgoingEmail.objects.all().delete()
    amend(world, tools_and_channels="We meet online.")
    for email in OutgoingEmail.objects.all():
        deliver(email.pk)
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == 'A change to the contract of "Group A" is ready for you to read and agree'
    assert "We meet online now." in mail.outbox[0].body


def test_the_version_page_shows_what_changed_section_by_section(as_user, world, in_force):
    amend(
        world,
        tools_and_channels="We meet online by video.",
        sessions_per_month=2,
    )
    response = as_user(world.mentee).get(url("contract_version", world.group, number=2))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What is different from version 1" in page
    assert '<del><span class="visually-hidden">Removed: </span>in the library.</del>' in page
    assert '<ins><span class="visually-hidden">Added: </span>online by video.</ins>' in page
    assert "Roles of the mentor and the mentees: unchanged" in page
    assert "was 1 session a month, 90 minutes each" in page


def test_the_first_version_has_nothing_to_compare_with(as_user, world, in_force):
    page = as_user(world.mentee).get(url("contract_version", world.group, number=1)).content.decode()
    assert "This is the first version, so there is nothing to compare it with." in page
    assert "We meet in the library." in page
    assert "Max Mentee" in page  # who agreed


def test_an_unknown_version_is_404(as_user, world, in_force):
    assert as_user(world.mentee).get(url("contract_version", world.group, number=7)).status_code == 404


def test_a_version_of_another_group_is_404(as_user, world, in_force):
    assert as_user(world.other_group_member).get(url("contract_version", world.group, number=1)).status_code == 404


def test_an_amendment_after_a_withdrawn_one_is_compared_with_the_version_in_force(as_user, world, in_force):
    amend(world, tools_and_channels="Withdrawn words.")
    contracts.withdraw(group=world.group, by=world.mentor)
    amend(world, tools_and_channels="We meet online.")
    response = as_user(world.mentee).get(url("contract_version", world.group, number=3))
    assert response.context["previous"] == in_force


def test_the_history_lists_every_version_with_its_status(as_user, world, in_force):
    amend(world, tools_and_channels="We meet online.")
    everyone_agrees(world, 2)
    page = as_user(world.mentee).get(url("contract", world.group)).content.decode()
    assert url("contract_version", world.group, number=1) in page
    assert url("contract_version", world.group, number=2) in page
    assert "Replaced by a later version" in page


def test_the_version_page_takes_get_only(as_user, world, in_force):
    assert as_user(world.mentee).post(url("contract_version", world.group, number=1)).status_code == 405


def test_word_diff_marks_added_and_removed_words_and_keeps_the_rest():
    assert word_diff("We meet in the library.", "We meet online.") == [
        Piece("same", "We meet "),
        Piece("removed", "in the library."),
        Piece("added", "online."),
    ]
    assert word_diff("Same text.", "Same text.") == [Piece("same", "Same text.")]
    assert word_diff("", "New.") == [Piece("added", "New.")]
    assert word_diff("One. Two.", "One.\n\nTwo.") == [
        Piece("same", "One."),
        Piece("same", "\n\n"),
        Piece("same", "Two."),
    ]
