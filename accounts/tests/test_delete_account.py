"""A person deletes their own account: their personal data is erased, the programmes keep anonymous figures."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from mentoring.tests.factories import PASSWORD, ApplicationFactory, UserFactory
from programmes.models import Application, MembershipStatus, ProgrammeMembership, Role

pytestmark = pytest.mark.django_db

URL = "/accounts/delete/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts password attempts in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def test_the_address_is_where_the_brief_says():
    assert reverse("accounts:delete_account") == URL


def test_the_page_explains_plainly_what_deleting_means(as_user, world):
    response = as_user(world.mentee).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "mentee@example.org" in page
    assert "What you wrote in your applications and in your mentor profile." in page
    assert "attendance counts" in page
    assert 'autocomplete="current-password"' in page
    assert "only coordinator" not in page


def test_a_wrong_password_is_refused_at_the_field_and_nothing_changes(as_user, world):
    client = as_user(world.mentee)
    response = client.post(URL, {"password": "not-my-password"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["That is not your current password."]}
    assert "That is not your current password." in response.content.decode()
    world.mentee.refresh_from_db()
    assert world.mentee.anonymised_at is None
    assert world.mentee.email == "mentee@example.org"
    assert client.get(reverse("accounts:profile")).status_code == 200  # still signed in


def test_an_empty_password_is_refused_at_the_field(as_user, world):
    response = as_user(world.mentee).post(URL, {"password": ""})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_guessing_is_slowed_down(as_user, world):
    client = as_user(world.mentee)
    for _ in range(10):
        client.post(URL, {"password": "guess"})
    response = client.post(URL, {"password": PASSWORD})
    assert response.context["form"].errors == {"password": ["Too many attempts. Please wait a minute and try again."]}
    world.mentee.refresh_from_db()
    assert world.mentee.anonymised_at is None


def test_the_right_password_erases_the_account_and_signs_out(as_user, world):
    ApplicationFactory(programme=world.programme, applicant=world.mentee, goals="My own goals")
    client = as_user(world.mentee)
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your account has been deleted. Thank you for taking part."
    ]
    assert "_auth_user_id" not in client.session
    person = User.objects.get(pk=world.mentee.pk)  # the row stays for the history
    assert person.anonymised_at is not None
    assert person.display_name == "Former participant"
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert not person.is_active
    assert ProgrammeMembership.objects.get(user=person).status == MembershipStatus.WITHDRAWN
    assert Application.objects.get(applicant=person).goals == ""
    # The home page shows the message to the signed-out visitor.
    home = client.get(reverse("home"))
    assert "Your account has been deleted." in home.content.decode()


def test_the_old_password_no_longer_signs_in(client, as_user, world):
    as_user(world.mentee).post(URL, {"password": PASSWORD})
    response = client.post(reverse("account_login"), {"login": "mentee@example.org", "password": PASSWORD})
    assert response.status_code == 200  # the sign-in form again, with an error
    assert "_auth_user_id" not in client.session


def test_the_old_address_can_sign_up_afresh(client, as_user, world, mailoutbox):
    as_user(world.mentee).post(URL, {"password": PASSWORD})
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Max Again",
            "email": "mentee@example.org",
            "password1": "another-long-passphrase-7",
            "password2": "another-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    newcomer = User.objects.get(email="mentee@example.org")
    assert newcomer.pk != world.mentee.pk
    assert newcomer.display_name == "Max Again"
    assert EmailAddress.objects.get(user=newcomer).email == "mentee@example.org"
    assert not ProgrammeMembership.objects.filter(user=newcomer).exists()  # a new person, with no past


def test_the_only_coordinator_of_an_open_programme_must_hand_it_over_first(as_user, world):
    client = as_user(world.coordinator)
    page = client.get(URL).content.decode()
    assert "You are the only coordinator of these programmes, so your account cannot be deleted yet." in page
    assert "Pathways" in page
    assert "Delete my account" not in page
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 200
    world.coordinator.refresh_from_db()
    assert world.coordinator.anonymised_at is None and world.coordinator.is_active


def test_no_warning_when_another_coordinator_stays(as_user, world):
    ProgrammeMembership.objects.create(programme=world.programme, user=UserFactory(), role=Role.COORDINATOR)
    page = as_user(world.coordinator).get(URL).content.decode()
    assert "only coordinator" not in page


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(URL, {"password": PASSWORD})["Location"].startswith(reverse("account_login"))


def test_only_get_and_post(as_user, world):
    assert as_user(world.mentee).delete(URL).status_code == 405
