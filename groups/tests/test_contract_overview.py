"""The coordinators' overview of every group's contract, with who has not agreed yet, and reminders: at most one
email a day to each person, for each version."""

from __future__ import annotations

import datetime
import zoneinfo
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupRole
from groups.services import contracts
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db


def overview_url(world):
    return reverse("grouping:contracts", kwargs={"pk": world.programme.pk})


def remind_url(world, group=None):
    return reverse("grouping:contract_remind", kwargs={"pk": world.programme.pk, "group_pk": (group or world.group).pk})


def programme_today():
    return timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Berlin"))


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def propose(world, group=None):
    group = group or world.group
    contracts.save_draft(group=group, by=world.coordinator)
    return contracts.propose(group=group, by=world.coordinator)


def reminders():
    return OutgoingEmail.objects.filter(kind=contracts.REMINDER_EMAIL)


def row_for(response, group):
    return next(row for row in response.context["rows"] if row.group == group)


def test_every_group_is_listed_with_its_contracts_status(as_user, world):
    propose(world)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    drafting = MentoringGroupFactory(programme=world.programme, name="Group C")
    add_to_group(drafting, UserFactory(), GroupRole.MENTEE)
    contracts.save_draft(group=drafting, by=world.coordinator)
    response = as_user(world.coordinator).get(overview_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Proposed: 1 of 2 agreed" in page
    assert "Draft being written" in page
    assert "No contract yet" in page  # Group B
    assert row_for(response, world.group).to_remind == [world.mentor]
    assert "Send a reminder" in page
    assert reverse("grouping:contract_template", kwargs={"pk": world.programme.pk}) in page


def test_a_contract_in_force_shows_since_when(as_user, world):
    propose(world)
    for person in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=person, number=1)
    response = as_user(world.coordinator).get(overview_url(world))
    assert "In force since" in response.content.decode()
    assert row_for(response, world.group).to_remind == []


def test_an_amendment_in_progress_shows_both(as_user, world):
    propose(world)
    for person in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=person, number=1)
    contracts.save_draft(group=world.group, by=world.mentor, roles="New.", change_note="Roles.")
    contracts.propose(group=world.group, by=world.mentor)
    page = as_user(world.coordinator).get(overview_url(world)).content.decode()
    assert "Amendment proposed: 0 of 2 agreed" in page
    assert "In force since" in page


def test_no_groups_yet_says_what_to_do(as_user, world):
    empty = ProgrammeFactory(name="Empty")
    ProgrammeMembership.objects.create(programme=empty, user=world.coordinator, role=Role.COORDINATOR)
    page = as_user(world.coordinator).get(reverse("grouping:contracts", kwargs={"pk": empty.pk})).content.decode()
    assert "No groups yet." in page


def test_the_overview_query_count_stays_flat_in_the_number_of_groups(as_user, world):
    """2 groups against 6, each with people and a proposal, a draft or a contract in force."""
    client = as_user(world.coordinator)
    propose(world)
    small = count_queries(client, overview_url(world))
    for index in range(4):
        group = MentoringGroupFactory(programme=world.programme, name=f"More {index}")
        for _ in range(3):
            add_to_group(group, UserFactory(), GroupRole.MENTEE)
        propose(world, group)
        if index % 2:
            for membership in group.memberships.all():
                contracts.agree(group=group, user=membership.user, number=1)
    # session, user, the programme door (which answers the navigation too), the groups, their members, the
    # versions and the agreements
    assert count_queries(client, overview_url(world)) == small == 7


# Reminders -------------------------------------------------------------------------------------------------------


def test_a_reminder_goes_to_each_member_who_has_not_agreed(as_user, world):
    propose(world)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    response = as_user(world.coordinator).post(remind_url(world), follow=True)
    assert texts(response) == ["1 person in “Group A” gets a reminder by email."]
    [email] = reminders()
    assert email.to == "mentor@example.org"
    version = contracts.contract_state(world.group).proposal.version
    assert email.key == f"groups.contract_reminder:{version.pk}:{world.mentor.pk}:{programme_today().isoformat()}"


def test_at_most_one_reminder_a_day_per_person(as_user, world):
    propose(world)
    client = as_user(world.coordinator)
    client.post(remind_url(world))
    response = client.post(remind_url(world), follow=True)
    assert (
        texts(response)[-1]
        == "Everyone in “Group A” who has not agreed got a reminder today already. Try again tomorrow."
    )
    assert reminders().count() == 2


def test_the_next_day_they_may_be_reminded_again(world):
    propose(world)
    group = world.group
    contracts.remind(group=group, by=world.coordinator)
    tomorrow = programme_today() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        assert contracts.remind(group=group, by=world.coordinator).sent == 2
    assert reminders().count() == 4


def test_newcomers_are_reminded_of_the_version_in_force(world):
    propose(world)
    for person in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=person, number=1)
    newcomer = UserFactory(email="nia@example.org", display_name="Nia Newcomer")
    add_to_group(world.group, newcomer, GroupRole.MENTEE)
    assert contracts.remind(group=world.group, by=world.coordinator).sent == 1
    [email] = reminders()
    assert deliver(email.pk) == EmailStatus.SENT
    [message] = mail.outbox
    assert message.to == ["nia@example.org"]
    assert "You joined the group" in message.body


def test_nobody_to_remind_says_so(as_user, world):
    response = as_user(world.coordinator).post(remind_url(world), follow=True)
    assert texts(response) == ["Nobody in “Group A” has a contract to agree to."]
    assert not reminders().exists()


def test_a_reminder_is_not_sent_to_someone_who_agreed_meanwhile(world):
    propose(world)
    contracts.remind(group=world.group, by=world.coordinator)
    contracts.agree(group=world.group, user=world.mentee, number=1)
    statuses = {email.to: deliver(email.pk) for email in reminders()}
    assert statuses == {"mentee@example.org": EmailStatus.CANCELLED, "mentor@example.org": EmailStatus.SENT}
    [message] = mail.outbox
    assert message.subject == 'Reminder: please read and agree to the contract of "Group A"'


def test_a_group_of_another_programme_is_404(as_user, world):
    other = MentoringGroupFactory(programme=world.other_programme)
    assert as_user(world.coordinator).post(remind_url(world, other)).status_code == 404


def test_members_may_not_remind_and_the_overview_is_for_coordinators(as_user, world):
    assert as_user(world.mentor).post(remind_url(world)).status_code == 403
    assert as_user(world.mentor).get(overview_url(world)).status_code == 403
    assert as_user(world.coordinator).get(remind_url(world)).status_code == 405
    assert as_user(world.coordinator).post(overview_url(world)).status_code == 405


def test_a_closed_programme_sends_no_reminders(as_user, world):
    propose(world)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.coordinator)
    assert "Send a reminder" not in client.get(overview_url(world)).content.decode()
    response = client.post(remind_url(world), follow=True)
    assert texts(response) == ["This programme is closed. Its contracts are kept as a record."]
    assert not reminders().exists()
