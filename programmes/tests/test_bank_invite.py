"""Inviting a mentor from the bank into a programme in one step, and the mentor joining from the email."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from mentoring.tests.factories import MentorProfileFactory, ProgrammeFactory, UserFactory
from outbox.models import OutgoingEmail
from outbox.services import deliver
from programmes.models import Invitation, InvitationStatus, MembershipStatus, ProgrammeMembership, ProgrammeStatus, Role
from programmes.services import invitations

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return reverse("bank:invite", kwargs={"user_pk": person.pk})


def page(person) -> str:
    return reverse("bank:mentor", kwargs={"user_pk": person.pk})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def second(world):
    """A second programme of the coordinator, recruiting: the mentor of Pathways is not in it yet."""
    programme = ProgrammeFactory(name="Horizons", status=ProgrammeStatus.RECRUITING)
    ProgrammeMembership.objects.create(programme=programme, user=world.coordinator, role=Role.COORDINATOR)
    return programme


@pytest.fixture
def queue():
    """Stands in for the broker: the on-commit callback's ``delay`` is recorded, and the test delivers."""
    with mock.patch("outbox.tasks.deliver_email.delay") as delay:
        yield delay


@pytest.fixture
def banked(world):
    return MentorProfileFactory(user=world.mentor)


def test_the_coordinator_invites_a_banked_mentor_into_a_second_programme_and_they_join(
    client, world, second, banked, queue, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    form = client.get(page(world.mentor)).context["invite_form"]
    assert list(form.fields["programme"].queryset) == [second], "Pathways is left out: she mentors there already"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world.mentor), {"invite-programme": second.pk})
    assert response.status_code == 302
    assert response["Location"] == page(world.mentor)
    assert messages_of(response) == [
        "Mina Mentor has been invited to mentor in Horizons. They get an email with the link."
    ]
    invitation = Invitation.objects.get(programme=second)
    assert (invitation.email, invitation.name, invitation.role, invitation.invited_by) == (
        "mentor@example.org",
        "Mina Mentor",
        Role.MENTOR,
        world.coordinator,
    )

    # The email goes out through the outbox once the transaction has committed, with the link.
    (email,) = OutgoingEmail.objects.all()
    assert (email.kind, email.to, email.recipient) == ("programmes.invitation", "mentor@example.org", world.mentor)
    queue.assert_called_once_with(email.pk)
    assert deliver(email.pk) == "sent"
    (message,) = mail.outbox
    assert message.to == ["mentor@example.org"]
    (link,) = re.findall(r"https?://[^/\s]+(/join/invitation/[^/\s]+/)", message.body)

    # The mentor, signed in, opens the link and accepts.
    client.force_login(world.mentor)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    membership = ProgrammeMembership.objects.get(programme=second, user=world.mentor)
    assert (membership.role, membership.status) == (Role.MENTOR, MembershipStatus.ACTIVE)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (InvitationStatus.ACCEPTED, world.mentor)

    # Back in the bank, her history has the new programme, and there is nowhere left to invite her.
    client.force_login(world.coordinator)
    response = client.get(page(world.mentor))
    assert [m.programme.name for m in response.context["history"]] == ["Horizons", "Pathways"]
    assert response.context["can_invite"] is False
    assert "None of your programmes can take this mentor" in response.content.decode()


def test_the_token_in_the_email_is_accepted_by_the_service_too(
    client, world, second, banked, queue, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world.mentor), {"invite-programme": second.pk})
    deliver(OutgoingEmail.objects.get().pk)
    (token,) = re.findall(r"/join/invitation/([^/\s]+)/", mail.outbox[0].body)
    membership = invitations.accept(token=token, user=world.mentor)
    assert (membership.programme, membership.role) == (second, Role.MENTOR)


def test_inviting_again_renews_the_pending_invitation(client, world, second, banked):
    client.force_login(world.coordinator)
    client.post(url(world.mentor), {"invite-programme": second.pk})
    client.post(url(world.mentor), {"invite-programme": second.pk})
    invitation = Invitation.objects.get()
    assert invitation.sent_count == 2
    assert OutgoingEmail.objects.count() == 2


def test_a_mentor_not_open_to_invitations_is_not_invited(client, world, second, banked):
    banked.open_to_invitations = False
    banked.save()
    client.force_login(world.coordinator)
    response = client.get(page(world.mentor))
    assert "does not want to be invited to new programmes for now" in response.content.decode()
    assert f'action="{url(world.mentor)}"' not in response.content.decode()
    response = client.post(url(world.mentor), {"invite-programme": second.pk})
    assert response.status_code == 302
    assert messages_of(response) == ["Mina Mentor does not want to be invited to new programmes for now."]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("case", ["already_mentor", "closed", "not_mine", "missing", "nonsense"])
def test_a_programme_that_cannot_take_the_mentor_is_refused_next_to_the_field(client, world, second, banked, case):
    closed = ProgrammeFactory(status=ProgrammeStatus.CLOSED)
    ProgrammeMembership.objects.create(programme=closed, user=world.coordinator, role=Role.COORDINATOR)
    chosen = {
        "already_mentor": world.programme.pk,
        "closed": closed.pk,
        "not_mine": world.other_programme.pk,
        "missing": "",
        "nonsense": "drop table",
    }[case]
    client.force_login(world.coordinator)
    response = client.post(url(world.mentor), {"invite-programme": chosen})
    assert response.status_code == 200
    assert response.context["invite_form"].errors["programme"]
    assert 'id="error_1_id_invite-programme"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_no_programme_to_invite_into_is_said_instead_of_the_form(client, world, banked):
    client.force_login(world.coordinator)
    response = client.get(page(world.mentor))
    assert response.context["can_invite"] is False
    assert "None of your programmes can take this mentor" in response.content.decode()


def test_a_withdrawn_mentor_can_be_invited_back(client, world, banked):
    ProgrammeMembership.objects.filter(user=world.mentor, programme=world.programme).update(
        status=MembershipStatus.WITHDRAWN
    )
    client.force_login(world.coordinator)
    assert client.post(url(world.mentor), {"invite-programme": world.programme.pk}).status_code == 302
    assert Invitation.objects.get().programme == world.programme


# Who may invite


def test_wrong_method(client, world, banked):
    client.force_login(world.coordinator)
    assert client.get(url(world.mentor)).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, world, second, banked):
    response = client.post(url(world.mentor), {"invite-programme": second.pk})
    assert response["Location"].startswith(reverse("account_login"))
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "mentee", "mentor"])
def test_people_who_coordinate_nothing_cannot_invite(client, world, second, banked, persona):
    client.force_login(getattr(world, persona))
    assert client.post(url(world.mentor), {"invite-programme": second.pk}).status_code == 403
    assert not Invitation.objects.exists()


def test_a_person_not_in_the_bank_is_not_found(client, world, second):
    client.force_login(world.coordinator)
    assert client.post(url(UserFactory()), {"invite-programme": second.pk}).status_code == 404
    assert not Invitation.objects.exists()
