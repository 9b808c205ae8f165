"""The page behind the invitation link: what a visitor sees for each kind of link and each kind of visitor, and
that a link which is no longer good shows a clear page, never an error."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.tests.factories import InvitationFactory, UserFactory
from programmes.models import InvitationStatus, Programme, ProgrammeStatus, Role
from programmes.services import invitations as services

pytestmark = pytest.mark.django_db

GOOD_PASSWORDS = {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"}


@pytest.fixture
def invitation(world):
    return InvitationFactory(
        programme=world.programme, invited_by=world.coordinator, email="nora@example.org", name="Nora Newcomer"
    )


def link(invitation) -> str:
    return reverse("join:invitation", kwargs={"token": invitation.raw_token})


def test_the_page_shows_the_programme_the_role_and_who_invited(client, invitation):
    response = client.get(link(invitation))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in ("Pathways", "Mentee", "Cora Coordinator", "nora@example.org"):
        assert expected in text


def test_an_unknown_link_says_it_is_not_valid(client, db):
    response = client.get(reverse("join:invitation", kwargs={"token": "not-a-token"}))
    assert response.status_code == 404
    assert b"This invitation link is not valid" in response.content
    assert b"ask the coordinator" in response.content


@pytest.mark.parametrize(
    ("state", "heading", "next_step"),
    [
        ("accepted", b"This invitation has already been used", b"sign in to continue"),
        ("expired", b"This invitation has expired", b"send you a new invitation"),
        ("revoked", b"This invitation was withdrawn", b"invite you again"),
    ],
)
def test_a_link_that_is_no_longer_good_explains_why_and_what_to_do(
    client, world, invitation, state, heading, next_step
):
    if state == "accepted":
        services.accept(token=invitation.raw_token, user=world.outsider)
    elif state == "expired":
        invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
        invitation.save()
    else:
        services.revoke(invitation=invitation)
    for method in (client.get, client.post):
        response = method(link(invitation), GOOD_PASSWORDS)
        assert response.status_code == 410
        assert heading in response.content
        assert next_step in response.content
    assert not User.objects.filter(email="nora@example.org").exists()


def test_closing_the_programme_withdraws_its_pending_invitations(client, world, invitation):
    world.programme.status = ProgrammeStatus.CLOSING
    world.programme.save()
    world.programme.move_to(ProgrammeStatus.CLOSED, by=world.coordinator)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    client.force_login(world.outsider)
    response = client.post(link(invitation))
    assert response.status_code == 410
    assert b"This invitation was withdrawn" in response.content
    assert not world.programme.memberships.filter(user=world.outsider).exists()


def test_a_pending_link_left_in_a_closed_programme_cannot_be_used(world, invitation):
    """Defence in depth: a programme closed by other means still admits nobody."""
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    with pytest.raises(services.InvitationUnusable):
        services.accept(token=invitation.raw_token, user=world.outsider)
    assert not world.programme.memberships.filter(user=world.outsider).exists()


def test_accepting_twice_shows_the_used_link_page(client, world, invitation):
    client.force_login(world.outsider)
    assert client.post(link(invitation)).status_code == 302
    again = client.post(link(invitation))
    assert again.status_code == 410
    assert b"If it was you, you are in." in again.content
    assert world.programme.memberships.filter(user=world.outsider).count() == 1


def test_a_double_click_that_races_past_the_first_check_shows_the_used_link_page(client, world, invitation):
    """The second request found the link usable, but the first accepted it before the second could."""
    client.force_login(world.outsider)
    real_find = services.find

    def find_before_the_first_click_committed(token):
        found = real_find(token)
        services.accept(token=token, user=world.outsider)  # the first click
        return found

    with mock.patch.object(services, "find", side_effect=find_before_the_first_click_committed):
        response = client.post(link(invitation))
    assert response.status_code == 410
    assert b"This invitation has already been used" in response.content


# Signed out, no account yet: sign up ---------------------------------------------------------------------


def test_signing_up_needs_the_password_twice_the_same(client, invitation):
    response = client.post(
        link(invitation), {"display_name": "Nora", "password1": "a-long-new-passphrase", "password2": "something-else"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": ["The two passwords are not the same."]}
    assert not User.objects.filter(email="nora@example.org").exists()
    assert invitation.__class__.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "This password is too short."),
        ("password123", "This password is too common."),
        ("4815162342000", "This password is entirely numeric."),
        ("nora@example.org", "The password is too similar to the email address."),
    ],
)
def test_signing_up_checks_the_password_with_the_sites_rules(client, invitation, password, problem):
    response = client.post(link(invitation), {"display_name": "Nora", "password1": password, "password2": password})
    assert response.status_code == 200
    assert any(error.startswith(problem) for error in response.context["form"].errors["password1"])
    assert not User.objects.filter(email="nora@example.org").exists()


def test_signing_up_needs_a_name(client, invitation):
    response = client.post(link(invitation), {"display_name": "   ", **GOOD_PASSWORDS})
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="nora@example.org").exists()


def test_the_address_cannot_be_changed_when_signing_up(client, invitation):
    client.post(link(invitation), {"display_name": "Nora", "email": "someone.else@example.org", **GOOD_PASSWORDS})
    assert User.objects.filter(email="nora@example.org").exists()
    assert not User.objects.filter(email="someone.else@example.org").exists()


def test_signing_up_in_german_keeps_german(client, invitation):
    client.cookies["django_language"] = "de"
    client.post(link(invitation), {"display_name": "Nora", **GOOD_PASSWORDS})
    assert User.objects.get(email="nora@example.org").language == "de"


def test_an_account_made_meanwhile_for_the_address_is_told_to_sign_in(client, invitation):
    form_page = client.get(link(invitation))
    assert form_page.templates[0].name == "join/invitation_sign_up.html"
    UserFactory(email="nora@example.org")  # signed up another way in between

    response = client.post(link(invitation), {"display_name": "Nora", **GOOD_PASSWORDS})
    assert response.status_code == 200
    assert response.templates[0].name == "join/invitation_sign_in.html"
    assert User.objects.filter(email="nora@example.org").count() == 1
    assert invitation.__class__.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_account_exists_from_the_service_is_told_to_sign_in(client, invitation):
    with mock.patch.object(services, "sign_up_and_accept", side_effect=services.AccountExists("nora@example.org")):
        response = client.post(link(invitation), {"display_name": "Nora", **GOOD_PASSWORDS})
    assert response.status_code == 200
    assert response.templates[0].name == "join/invitation_sign_in.html"
    assert "There is already an account for this address. Please sign in to accept." in [
        str(message) for message in response.context["messages"]
    ]


# Signed out with an account: sign in first ---------------------------------------------------------------


def test_someone_with_an_account_is_asked_to_sign_in_and_nothing_happens_on_post(client, world, invitation):
    invitation.email = "Outsider@example.org"
    invitation.save()
    response = client.post(link(invitation), {"display_name": "Oscar", **GOOD_PASSWORDS})
    assert response.status_code == 200
    assert response.templates[0].name == "join/invitation_sign_in.html"
    assert f"{reverse('account_login')}?next={link(invitation)}".encode() in response.content
    assert reverse("account_reset_password").encode() in response.content
    assert not world.programme.memberships.filter(user=world.outsider).exists()


# Signed in --------------------------------------------------------------------------------------------------


def test_signed_in_the_page_asks_before_joining(client, world, invitation):
    client.force_login(world.outsider)
    response = client.get(link(invitation))
    assert response.status_code == 200
    assert b"Join as Mentee" in response.content
    assert not world.programme.memberships.filter(user=world.outsider).exists()
    assert invitation.__class__.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_signed_in_with_another_address_says_so_and_still_allows_it(client, world, invitation):
    client.force_login(world.outsider)
    response = client.get(link(invitation))
    assert response.context["other_address"] is True
    assert b"This invitation was sent to nora@example.org, but you are signed in as outsider@example.org" in (
        response.content
    )
    client.post(link(invitation))
    assert world.programme.memberships.filter(user=world.outsider, role=Role.MENTEE).exists()


def test_a_member_who_accepts_a_second_role_holds_both(client, world):
    invitation = InvitationFactory(
        programme=world.programme, invited_by=world.coordinator, email=world.mentee.email, role=Role.MENTOR
    )
    client.force_login(world.mentee)
    client.post(link(invitation))
    roles = set(world.programme.memberships.filter(user=world.mentee).values_list("role", flat=True))
    assert roles == {Role.MENTEE, Role.MENTOR}


def test_the_page_takes_only_get_and_post(client, invitation):
    assert client.put(link(invitation)).status_code == 405
