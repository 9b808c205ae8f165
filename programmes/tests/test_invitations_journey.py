"""From invitation to membership, end to end: the coordinator invites, the email goes out through the outbox,
the invitee follows the link and joins, as a new person or with the account they already have."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from mentoring.tests.factories import PASSWORD
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import Invitation, InvitationStatus, MembershipStatus, MentorProfile, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


def invitation_link(message) -> str:
    links = re.findall(r"https?://testserver(/join/invitation/[^/\s]+/)", message.body)
    assert len(links) == 1, message.body
    return links[0]


def signed_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return None if value is None else int(value)


def invite(client, world, django_capture_on_commit_callbacks, **fields):
    data = {"one-name": "Nora Newcomer", "one-email": "nora@example.org", "one-role": Role.MENTEE}
    data.update({f"one-{key}": value for key, value in fields.items()})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:invite", kwargs={"pk": world.programme.pk}), data)
    assert response.status_code == 302, response.context and response.context["one_form"].errors
    return response


def test_a_new_person_is_invited_signs_up_from_the_link_and_is_in_the_programme(
    client, world, worker, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    response = invite(client, world, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("programmes:invitations", kwargs={"pk": world.programme.pk})

    # The email went out through the outbox, once.
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.to, email.status) == ("programmes.invitation", "nora@example.org", EmailStatus.SENT)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nora@example.org"]
    assert message.subject == "You are invited to Pathways"
    link = invitation_link(message)

    # The invitee opens it, signed out: a sign-up form with their name and address.
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert page.templates[0].name == "join/invitation_sign_up.html"
    assert page.context["form"]["display_name"].value() == "Nora Newcomer"
    assert b"nora@example.org" in page.content
    assert b"Cora Coordinator" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link,
            {"display_name": "Nora N.", "password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")

    nora = User.objects.get(email="nora@example.org")
    assert nora.display_name == "Nora N."
    assert nora.time_zone == world.programme.time_zone
    assert nora.language == "en"
    assert nora.check_password("a-long-new-passphrase")
    assert EmailAddress.objects.filter(user=nora, email="nora@example.org", verified=True, primary=True).exists()
    assert world.programme.memberships.filter(user=nora, role=Role.MENTEE, status=MembershipStatus.ACTIVE).exists()
    invitation = Invitation.objects.get()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by == nora
    assert invitation.accepted_at is not None
    assert signed_in_user_id(client) == nora.pk

    home = client.get(response["Location"])
    assert "Welcome! You have joined Pathways as Mentee." in [str(m) for m in home.context["messages"]]
    assert b"Pathways" in home.content

    # The link is used up.
    assert client.get(link).status_code == 410


def test_someone_with_an_account_signs_in_from_the_link_and_accepts(
    client, world, worker, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    invite(client, world, django_capture_on_commit_callbacks, email="Outsider@Example.org", role=Role.MENTOR)
    link = invitation_link(mail.outbox[0])
    client.logout()

    page = client.get(link)
    assert page.status_code == 200
    assert page.templates[0].name == "join/invitation_sign_in.html"
    sign_in_url = f"{reverse('account_login')}?next={link}"
    assert sign_in_url.encode() in page.content

    response = client.post(
        sign_in_url, {"login": "outsider@example.org", "password": PASSWORD}
    )  # allauth sends them back to the link
    assert response.status_code == 302
    assert response["Location"] == link

    page = client.get(link)
    assert page.templates[0].name == "join/invitation_accept.html"
    assert b"Join as Mentor" in page.content
    assert not page.context["other_address"]
    assert not world.programme.memberships.filter(user=world.outsider).exists()  # nothing changes on GET

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert world.programme.memberships.filter(user=world.outsider, role=Role.MENTOR).exists()
    assert MentorProfile.objects.filter(user=world.outsider).exists()  # every mentor is in the mentor data bank
    assert Invitation.objects.get().accepted_by == world.outsider


def test_the_raw_token_is_never_stored(client, world, worker, django_capture_on_commit_callbacks):
    client.force_login(world.coordinator)
    invite(client, world, django_capture_on_commit_callbacks)
    token = invitation_link(mail.outbox[0]).split("/")[-2]
    invitation = Invitation.objects.values().get()
    assert token not in [str(value) for value in invitation.values()]
    for email in OutgoingEmail.objects.values():
        assert all(token not in str(value) for value in email.values())


def test_resending_sends_a_new_link_and_the_old_one_stops_working(
    client, world, worker, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    invite(client, world, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("programmes:invitation_resend", kwargs={"pk": world.programme.pk, "invitation_pk": invitation.pk})
        )
    assert len(mail.outbox) == 2
    old_link, new_link = invitation_link(mail.outbox[0]), invitation_link(mail.outbox[1])
    assert old_link != new_link
    invitation.refresh_from_db()
    assert invitation.sent_count == 2

    client.logout()
    replaced = client.get(old_link)
    assert replaced.status_code == 404
    assert b"Perhaps a newer invitation replaced it" in replaced.content
    assert client.get(new_link).status_code == 200


def test_inviting_an_address_again_renews_the_pending_invitation(
    client, world, worker, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    invite(client, world, django_capture_on_commit_callbacks)
    invite(client, world, django_capture_on_commit_callbacks, email="NORA@example.org")
    invitation = Invitation.objects.get()
    assert invitation.sent_count == 2
    assert len(mail.outbox) == 2
    assert invitation_link(mail.outbox[0]) != invitation_link(mail.outbox[1])


def test_an_invitation_revoked_before_the_worker_sends_it_is_not_sent(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    with mock.patch("outbox.tasks.deliver_email.delay"):  # the worker is slow today
        invite(client, world, django_capture_on_commit_callbacks)
        invitation = Invitation.objects.get()
        client.post(
            reverse("programmes:invitation_revoke", kwargs={"pk": world.programme.pk, "invitation_pk": invitation.pk})
        )
    assert deliver(OutgoingEmail.objects.get().pk) == EmailStatus.CANCELLED
    assert mail.outbox == []


def test_a_german_coordinator_invites_in_german(client, world, worker, django_capture_on_commit_callbacks):
    world.coordinator.language = "de"
    world.coordinator.save()
    client.force_login(world.coordinator)
    invite(client, world, django_capture_on_commit_callbacks)
    assert OutgoingEmail.objects.get().language == "de"
