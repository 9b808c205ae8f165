"""Each sensitive action writes one event, with who did it, in which programme and about whom, inside the action's
own transaction: an action that is refused or fails leaves no event. Nothing anyone wrote goes into the log."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from audit.services import record
from feedback.services.rounds import ensure_rounds, open_round
from feedback.tests.test_results_page import named, submit
from groups.access import GroupAccess
from groups.models import Concern, GroupRole
from groups.services import contracts
from groups.services.concerns import raise_concern
from mentoring.tests.factories import PASSWORD
from programmes.models import MembershipStatus, ProgrammeMembership, ProgrammeStatus, Role
from programmes.services import add_member, create_programme
from programmes.services.people import (
    EraseRefused,
    WithdrawRefused,
    anonymise_person,
    erase_member,
    withdraw_member,
)

pytestmark = pytest.mark.django_db

WORRY = "Our mentor shouts at Anna in every session."


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch("outbox.tasks.deliver_email.delay"), mock.patch("outbox.tasks.deliver_emails.delay"):
        yield


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def the_event(action: str) -> AuditEvent:
    [event] = events(action)
    return event


# Roles -------------------------------------------------------------------------------------------------------------


def test_giving_a_role_is_recorded_once_and_again_only_when_it_comes_back(world):
    add_member(programme=world.programme, user=world.outsider, role=Role.MENTOR, by=world.coordinator)
    add_member(programme=world.programme, user=world.outsider, role=Role.MENTOR, by=world.coordinator)
    event = the_event(AuditAction.ROLE_ADDED)
    assert (event.actor, event.programme, event.person) == (world.coordinator, world.programme, world.outsider)
    assert event.details == {"role": "mentor"}
    assert event.summary == "Mentor"

    membership = ProgrammeMembership.objects.get(user=world.outsider, programme=world.programme)
    withdraw_member(membership=membership, by=world.coordinator)
    add_member(programme=world.programme, user=world.outsider, role=Role.MENTOR)
    assert len(events(AuditAction.ROLE_ADDED)) == 2
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_ADDED, actor=None).count() == 1  # the system


def test_creating_a_programme_records_its_first_coordinator(world):
    programme = create_programme(
        by=world.outsider, name="New", starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 9, 1)
    )
    event = the_event(AuditAction.ROLE_ADDED)
    assert (event.actor, event.programme, event.person) == (world.outsider, programme, world.outsider)
    assert event.details == {"role": "coordinator"}


def test_withdrawing_a_member_is_recorded_once(world, as_user):
    membership = world.programme.memberships.get(user=world.mentee)
    response = as_user(world.coordinator).post(
        reverse("programmes:member_withdraw", kwargs={"pk": world.programme.pk, "membership_pk": membership.pk})
    )
    assert response.status_code == 302
    withdraw_member(membership=membership, by=world.coordinator)  # already withdrawn: nothing changes
    event = the_event(AuditAction.ROLE_WITHDRAWN)
    assert (event.actor, event.programme, event.person) == (world.coordinator, world.programme, world.mentee)
    assert event.details == {"role": "mentee"}


def test_a_refused_withdrawal_is_not_recorded(world):
    membership = world.programme.memberships.get(user=world.coordinator)
    with pytest.raises(WithdrawRefused):
        withdraw_member(membership=membership, by=world.coordinator)  # the last coordinator
    world.programme.status = ProgrammeStatus.CLOSED
    world.programme.save()
    with pytest.raises(WithdrawRefused):
        withdraw_member(membership=world.programme.memberships.get(user=world.mentee), by=world.coordinator)
    assert not events(AuditAction.ROLE_WITHDRAWN)


def test_a_withdrawal_that_fails_leaves_no_event(world):
    membership = world.programme.memberships.get(user=world.mentee)
    with (
        mock.patch("programmes.services.people._contracts_after_leaving", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        withdraw_member(membership=membership, by=world.coordinator)
    assert not AuditEvent.objects.exists()
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


# Erasing -----------------------------------------------------------------------------------------------------------


def test_a_coordinator_erasing_a_person_is_recorded_in_the_programme_by_reference_not_by_name(world, as_user):
    client = as_user(world.coordinator)
    url = reverse("programmes:person_erase", kwargs={"pk": world.programme.pk, "user_pk": world.mentee.pk})
    assert client.post(url).status_code == 302
    event = the_event(AuditAction.PERSON_ERASED)
    assert (event.actor, event.programme, event.person) == (world.coordinator, world.programme, world.mentee)
    assert event.subject == "" and event.details == {}
    event.person.refresh_from_db()
    assert event.person.shown_name == "Former participant"
    assert "Max Mentee" not in str(AuditEvent.objects.values_list("subject", "details"))

    erase_member(person=world.mentee, by=world.coordinator, programme=world.programme)  # again: nothing new
    assert len(events(AuditAction.PERSON_ERASED)) == 1


def test_a_refused_erasure_is_not_recorded(world):
    with pytest.raises(EraseRefused):
        erase_member(person=world.coordinator, by=world.coordinator, programme=world.programme)
    with pytest.raises(EraseRefused):
        erase_member(person=world.other_coordinator, by=world.coordinator, programme=world.programme)
    assert not AuditEvent.objects.exists()


def test_erasing_a_person_who_is_in_the_log_changes_no_event(world):
    record(action=AuditAction.EXPORT_PEOPLE, actor=world.mentor, programme=world.programme, details={"rows": 3})
    add_member(programme=world.programme, user=world.outsider, role=Role.MENTEE, by=world.mentor)
    before = list(AuditEvent.objects.order_by("pk").values())
    anonymise_person(user=world.mentor, by=world.coordinator)  # the database refuses any change to the events
    assert list(AuditEvent.objects.order_by("pk").values())[: len(before)] == before
    assert {event.actor.shown_name for event in AuditEvent.objects.filter(actor_id=world.mentor.pk)} == {
        "Former participant"
    }


def test_deleting_ones_own_account_is_recorded_outside_any_programme(world, as_user):
    client = as_user(world.mentee)
    response = client.post(reverse("accounts:delete_account"), {"password": "wrong"})
    assert response.status_code == 200
    assert not AuditEvent.objects.exists()
    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == 302
    event = the_event(AuditAction.ACCOUNT_DELETED)
    assert (event.actor, event.programme, event.person) == (world.mentee, None, world.mentee)
    assert not events(AuditAction.PERSON_ERASED)


def test_an_administrator_erasing_a_person_is_recorded(world, client):
    admin = User.objects.create_superuser(email="admin@example.org", password="a-long-admin-password")
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "erase_personal_data", "_selected_action": [world.mentor.pk]},
    )
    assert response.status_code == 302
    event = the_event(AuditAction.PERSON_ERASED)
    assert (event.actor, event.programme, event.person) == (admin, None, world.mentor)


# Exports -----------------------------------------------------------------------------------------------------------


def test_exporting_the_people_is_recorded_with_the_number_of_rows_and_the_filters(world, as_user):
    client = as_user(world.coordinator)
    client.get(reverse("programmes:people_csv", kwargs={"pk": world.programme.pk}))
    client.get(reverse("programmes:people_csv", kwargs={"pk": world.programme.pk}), {"role": "mentee"})
    first, second = AuditEvent.objects.filter(action=AuditAction.EXPORT_PEOPLE).order_by("pk")
    assert (first.actor, first.programme) == (world.coordinator, world.programme)
    assert first.details == {"rows": 4}  # the coordinator, the mentor and two mentees
    assert second.details == {"rows": 2, "role": "mentee"}
    assert second.summary == "Mentee · 2 rows"


def test_exporting_the_people_of_someone_elses_programme_is_refused_and_not_recorded(world, as_user):
    for person in (world.mentor, world.other_coordinator):
        as_user(person).get(reverse("programmes:people_csv", kwargs={"pk": world.programme.pk}))
    assert not AuditEvent.objects.exists()


def test_exporting_the_survey_responses_is_recorded_with_the_rounds_name(world, as_user):
    midpoint, _end = ensure_rounds(world.programme, by=world.coordinator)
    open_round(midpoint)
    named(midpoint)
    submit(midpoint.respondents.get(user=world.mentee), outcome_support=4, changed="I feel much braver now.")
    url = reverse("surveys:results_csv", kwargs={"pk": world.programme.pk, "round_pk": midpoint.pk})
    assert as_user(world.coordinator).get(url).status_code == 200
    event = the_event(AuditAction.EXPORT_SURVEY_RESPONSES)
    assert (event.actor, event.programme, event.subject) == (world.coordinator, world.programme, midpoint.name)
    assert event.details == {"round": midpoint.pk, "rows": 1}
    assert "braver" not in str(event.details) + event.subject


def test_a_survey_export_refused_for_too_few_responses_is_not_recorded(world, as_user):
    midpoint, _end = ensure_rounds(world.programme, by=world.coordinator)
    open_round(midpoint)  # anonymous, no responses
    url = reverse("surveys:results_csv", kwargs={"pk": world.programme.pk, "round_pk": midpoint.pk})
    assert as_user(world.coordinator).get(url).status_code == 302
    assert not AuditEvent.objects.exists()


def test_exporting_the_group_figures_is_recorded(world, as_user):
    as_user(world.coordinator).get(reverse("reports:dashboard_csv", kwargs={"pk": world.programme.pk}))
    event = the_event(AuditAction.EXPORT_DASHBOARD)
    assert (event.actor, event.programme, event.details) == (world.coordinator, world.programme, {"rows": 2})


# Contracts ---------------------------------------------------------------------------------------------------------


def draft(world, **fields):
    return contracts.save_draft(
        group=world.group,
        by=world.mentor,
        tools_and_channels="We meet in the library.",
        roles="The mentor guides the sessions.",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 5, 31),
        sessions_per_month=1,
        session_minutes=90,
        **fields,
    )


def in_force(world):
    draft(world)
    contracts.propose(group=world.group, by=world.mentor)
    for person in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=person, number=1)


def test_proposing_the_first_contract_is_not_an_amendment(world):
    draft(world)
    contracts.propose(group=world.group, by=world.mentor)
    assert not AuditEvent.objects.exists()


def test_proposing_an_amendment_is_recorded_with_the_group_and_version(world):
    in_force(world)
    contracts.save_draft(group=world.group, by=world.mentor, change_note="We meet online now.")
    contracts.propose(group=world.group, by=world.mentor)
    event = the_event(AuditAction.CONTRACT_AMENDED)
    assert (event.actor, event.programme, event.subject) == (world.mentor, world.programme, "Group A")
    assert event.details == {"group": world.group.pk, "version": 2}
    assert "online" not in str(event.details)  # not the change note


def test_withdrawing_a_version_is_recorded_and_nothing_when_there_is_none(world):
    with pytest.raises(contracts.NothingOpen):
        contracts.withdraw(group=world.group, by=world.mentor)
    assert not AuditEvent.objects.exists()
    draft(world)
    contracts.propose(group=world.group, by=world.mentor)
    contracts.withdraw(group=world.group, by=world.coordinator)
    event = the_event(AuditAction.CONTRACT_WITHDRAWN)
    assert (event.actor, event.programme, event.subject) == (world.coordinator, world.programme, "Group A")
    assert event.details == {"group": world.group.pk, "version": 1, "was": "proposed"}
    assert event.summary == "version 1 · had been proposed to the group"


# Concerns ----------------------------------------------------------------------------------------------------------


def concerns_url(world) -> str:
    return reverse("grouping:concerns", kwargs={"pk": world.programme.pk})


def test_reading_the_concerns_is_recorded_with_how_many_never_what_they_say(world, as_user):
    access = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    raise_concern(access=access, user=world.mentee, text=WORRY)
    client = as_user(world.coordinator)
    assert client.get(concerns_url(world)).status_code == 200
    assert client.get(concerns_url(world)).status_code == 200
    first, second = AuditEvent.objects.filter(action=AuditAction.CONCERNS_VIEWED)
    assert (first.actor, first.programme, first.person) == (world.coordinator, world.programme, None)
    assert first.details == {"concerns": 1, "open": 1}
    assert first.summary == "1 concern shown"
    for text in (WORRY, "shouts", "Anna"):
        for event in (first, second):
            assert text not in event.subject and text not in str(event.details)


def test_members_cannot_read_the_concerns_and_leave_no_event(world, as_user):
    for person in (world.mentee, world.mentor, world.other_coordinator):
        assert as_user(person).get(concerns_url(world)).status_code in (403, 404)
    assert not AuditEvent.objects.exists()
    assert not Concern.objects.exists()


# The service itself ------------------------------------------------------------------------------------------------


def test_an_event_belongs_to_the_transaction_of_its_action(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action=AuditAction.EXPORT_PEOPLE, actor=world.coordinator, programme=world.programme)
        raise RuntimeError
    assert not AuditEvent.objects.exists()


def test_details_are_a_few_small_values_never_content(world):
    with pytest.raises(ValueError):
        record(action=AuditAction.EXPORT_PEOPLE, actor=world.coordinator, details={"text": "x" * 1000})
    event = record(action=AuditAction.EXPORT_PEOPLE, actor=world.coordinator, subject="s" * 300)
    assert len(event.subject) == 200


def test_an_unknown_action_is_refused(world):
    with pytest.raises(ValueError):
        record(action="peeked", actor=world.coordinator)


def test_a_person_not_signed_in_is_the_system(world):
    assert record(action=AuditAction.EXPORT_PEOPLE, actor=AnonymousUser()).actor is None
