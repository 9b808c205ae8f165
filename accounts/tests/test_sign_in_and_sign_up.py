"""Signing up, in and out, and looking after a password: allauth as this project configures it."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction

from accounts.models import User
from mentoring.tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts attempts in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def signed_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return None if value is None else int(value)


def link_in(message: mail.EmailMessage, path_pattern: str) -> str:
    """The path of the one link in ``message`` whose path matches ``path_pattern``."""
    links = re.findall(rf"https?://testserver({path_pattern})", message.body)
    assert len(links) == 1, message.body
    return links[0]


def sign_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def sign_up(client, **overrides):
    data = {
        "display_name": "Nora Newcomer",
        "email": "nora@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


# Signing up


def test_sign_up_creates_the_person_with_their_name_and_sends_a_verification_email(client, db, mailoutbox):
    response = sign_up(client)

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="nora@example.org")
    assert user.display_name == "Nora Newcomer"
    assert user.check_password(PASSWORD)
    assert user.language == "en"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nora@example.org"]
    assert mailoutbox[0].subject == "Please Confirm Your Email Address"
    link_in(mailoutbox[0], r"/accounts/confirm-email/[^/\s]+/")


def test_sign_up_stores_the_address_in_lower_case(client, db, mailoutbox):
    sign_up(client, email="Nora.Newcomer@Example.ORG")

    assert User.objects.get().email == "nora.newcomer@example.org"


def test_someone_signing_up_on_a_german_page_starts_in_german(client, db, mailoutbox):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    sign_up(client)

    assert User.objects.get(email="nora@example.org").language == "de"
    assert mailoutbox[0].subject == "Bitte bestätige deine E-Mail-Adresse"


def test_sign_up_needs_a_name(client, db, mailoutbox):
    response = sign_up(client, display_name="")

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert not User.objects.exists()
    assert mailoutbox == []


def test_sign_up_with_an_address_already_in_use_creates_no_second_account(client, db, mailoutbox):
    UserFactory(email="nora@example.org")

    sign_up(client, email="NORA@example.org")

    assert User.objects.filter(email__iexact="nora@example.org").count() == 1


def test_a_new_person_cannot_use_the_site_until_they_verify_their_address(client, db, mailoutbox):
    sign_up(client)
    assert signed_in_user_id(client) is None
    assert client.get("/accounts/profile/").status_code == 302

    response = sign_in(client, "nora@example.org", PASSWORD)

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert signed_in_user_id(client) is None


def test_following_the_verification_link_verifies_the_address_and_signs_in(client, db, mailoutbox):
    sign_up(client)
    user = User.objects.get(email="nora@example.org")
    confirm_path = link_in(mailoutbox[0], r"/accounts/confirm-email/[^/\s]+/")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert not EmailAddress.objects.get(user=user).verified, "a GET (a mail scanner) must not confirm"

    response = client.post(confirm_path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) == user.pk
    assert client.get("/accounts/profile/").status_code == 200


def test_a_made_up_verification_key_verifies_nothing(client, db, mailoutbox):
    sign_up(client)

    client.post("/accounts/confirm-email/not-a-real-key/")

    assert not EmailAddress.objects.get(email="nora@example.org").verified
    assert signed_in_user_id(client) is None


# Signing in


def test_sign_in_with_email_and_password(client, world):
    response = sign_in(client, "mentee@example.org", PASSWORD)

    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == world.mentee.pk


def test_sign_in_email_is_case_insensitive(client, world):
    response = sign_in(client, "MENTEE@EXAMPLE.ORG", PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) == world.mentee.pk


def test_sign_in_with_a_wrong_password_shows_an_error_and_signs_nobody_in(client, world):
    response = sign_in(client, "mentee@example.org", "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "not correct" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_sign_in_with_an_unknown_address_signs_nobody_in(client, world):
    response = sign_in(client, "nobody@example.org", PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert signed_in_user_id(client) is None


def test_an_inactive_person_cannot_sign_in(client, world):
    User.objects.filter(pk=world.mentee.pk).update(is_active=False)

    sign_in(client, "mentee@example.org", PASSWORD)

    assert signed_in_user_id(client) is None


# Rate limits (allauth's defaults: 5 failed attempts per address in 5 minutes, 30 sign-in posts per IP a minute)


def test_after_five_failed_attempts_even_the_right_password_is_refused_for_a_while(client, world):
    for _attempt in range(5):
        response = sign_in(client, "mentee@example.org", "guess")
        assert "not correct" in response.content.decode()

    response = sign_in(client, "MENTEE@example.org", PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_failed_attempts_for_one_address_do_not_lock_out_another(client, world):
    for _attempt in range(5):
        sign_in(client, "mentee@example.org", "guess")

    sign_in(client, "mentor@example.org", PASSWORD)

    assert signed_in_user_id(client) == world.mentor.pk


def test_hammering_the_sign_in_form_gets_http_429(client, world):
    statuses = [sign_in(client, "mentee@example.org", "guess").status_code for _attempt in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


# Signing out


def test_sign_out_by_get_only_asks_for_confirmation(as_user, world):
    client = as_user(world.mentee)

    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert signed_in_user_id(client) == world.mentee.pk


def test_sign_out_by_post_signs_out(as_user, world):
    client = as_user(world.mentee)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) is None


# Resetting a forgotten password


def request_password_reset(client, email: str):
    return client.post("/accounts/password/reset/", {"email": email})


def test_password_reset_sends_a_link_that_sets_a_new_password(client, world, mailoutbox):
    response = request_password_reset(client, "Mentee@Example.org")

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mentee@example.org"]
    assert mailoutbox[0].subject == "Password Reset Email"
    reset_path = link_in(mailoutbox[0], r"/accounts/password/reset/key/[^/\s]+/")

    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    assert "form" in form_page.context
    set_password_path = form_page.redirect_chain[-1][0]

    response = client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    world.mentee.refresh_from_db()
    assert world.mentee.check_password(NEW_PASSWORD)
    client.logout()
    sign_in(client, "mentee@example.org", PASSWORD)
    assert signed_in_user_id(client) is None
    sign_in(client, "mentee@example.org", NEW_PASSWORD)
    assert signed_in_user_id(client) == world.mentee.pk


def test_a_tampered_reset_link_is_refused(client, world, mailoutbox):
    request_password_reset(client, "mentee@example.org")
    reset_path = link_in(mailoutbox[0], r"/accounts/password/reset/key/[^/\s]+/")
    uid, _separator, key = reset_path.rstrip("/").rpartition("/")[2].partition("-")
    tampered = f"/accounts/password/reset/key/{uid}-{key[::-1]}/"

    response = client.post(tampered, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 200
    assert response.context["token_fail"]
    world.mentee.refresh_from_db()
    assert world.mentee.check_password(PASSWORD)


def test_account_emails_go_out_in_the_recipients_language(client, world, mailoutbox):
    User.objects.filter(pk=world.mentee.pk).update(language="de")

    response = client.post(
        "/accounts/password/reset/", {"email": "mentee@example.org"}, headers={"accept-language": "en"}
    )

    assert response.headers["Content-Language"] == "en", "the page itself stays in the visitor's language"
    assert mailoutbox[0].subject == "E-Mail zum Zurücksetzen des Passworts"
    assert "Hallo von" in mailoutbox[0].body
    assert "Password Reset" not in mailoutbox[0].subject


def test_account_emails_for_an_english_speaker_stay_english_on_a_german_page(client, world, mailoutbox):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    response = request_password_reset(client, "mentee@example.org")

    assert response.headers["Content-Language"] == "de"
    assert mailoutbox[0].subject == "Password Reset Email"


# Changing a password while signed in


def test_change_password(as_user, world):
    client = as_user(world.mentee)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    world.mentee.refresh_from_db()
    assert world.mentee.check_password(NEW_PASSWORD)
    assert signed_in_user_id(client) == world.mentee.pk, "changing the password keeps this session signed in"


def test_change_password_needs_the_current_password(as_user, world):
    client = as_user(world.mentee)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not-the-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    world.mentee.refresh_from_db()
    assert world.mentee.check_password(PASSWORD)


# The user manager and the database


def test_create_user_lowercases_the_whole_address(db):
    user = User.objects.create_user("  Max.Mentee@Example.ORG ", "pw-123456789", display_name="Max")

    assert user.email == "max.mentee@example.org"
    assert not user.is_staff
    assert not user.is_superuser
    assert user.check_password("pw-123456789")


def test_create_user_needs_an_address(db):
    with pytest.raises(ValueError):
        User.objects.create_user("", "pw-123456789", display_name="Nobody")


def test_create_superuser_makes_staff_and_superuser(db):
    admin = User.objects.create_superuser("Admin@Example.org", "pw-123456789", display_name="Ada Admin")

    assert admin.email == "admin@example.org"
    assert admin.is_staff
    assert admin.is_superuser


def test_the_manager_finds_people_by_address_in_any_case(db):
    user = UserFactory(email="mentee@example.org")

    assert User.objects.get_by_natural_key("MENTEE@example.ORG") == user


def test_the_database_refuses_the_same_address_in_another_case(db):
    UserFactory(email="mentee@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="Mentee@Example.org", display_name="Impostor")

    assert User.objects.count() == 1
