"""The security headers on every page, and the rate limits on signing in and up, the admin's sign-in included."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from mentoring.tests.factories import PASSWORD, UserFactory

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


# Headers


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/admin/login/"])
def test_every_page_sends_the_content_security_policy_without_anything_inline(client, db, path):
    response = client.get(path, follow=True)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert directives(policy) == directives(POLICY)
    assert "unsafe" not in policy


def test_a_signed_in_page_sends_the_same_headers(as_user, world):
    response = as_user(world.coordinator).get(reverse("programmes:detail", kwargs={"pk": world.programme.pk}))

    assert directives(response["Content-Security-Policy"]) == directives(POLICY)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_browser_features_the_site_does_not_use_are_turned_off(client, db):
    response = client.get("/")

    features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


# Rate limits (allauth's defaults: 5 failed sign-ins per address in 5 minutes; 20 sign-up posts per IP address a minute)


def sign_in(client, path: str, email: str, password: str):
    return client.post(path, {"login": email, "password": password})


def test_after_five_failed_sign_ins_the_sixth_is_refused_even_with_the_right_password(client, world):
    for _attempt in range(5):
        assert "not correct" in sign_in(client, "/accounts/login/", "mentor@example.org", "guess").content.decode()

    response = sign_in(client, "/accounts/login/", "mentor@example.org", PASSWORD)

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_too_many_sign_ups_from_one_address_get_http_429(client, db):
    responses = [
        client.post(
            "/accounts/signup/",
            {"display_name": "Nora", "email": f"nora{n}@example.org", "password1": "x", "password2": "y"},
        )
        for n in range(21)
    ]

    assert [response.status_code for response in responses[:20]] == [200] * 20  # refused (passwords differ), counted
    assert responses[20].status_code == 429
    assert "Please wait a moment" in responses[20].content.decode()


def test_the_admin_sign_in_is_the_rate_limited_allauth_one(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"
    # A post to the admin's own form goes the same way: it never checks a password.
    response = client.post("/admin/login/", {"username": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_guessing_a_staff_password_is_stopped_and_the_staff_member_then_reaches_the_admin(client, db):
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    for _attempt in range(5):
        sign_in(client, "/accounts/login/?next=/admin/", staff.email, "guess")

    refused = sign_in(client, "/accounts/login/?next=/admin/", staff.email, PASSWORD)
    assert "Too many failed login attempts" in refused.content.decode()

    cache.clear()  # five minutes later
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/").status_code == 302  # signed-in staff go on to the admin


def test_signed_in_people_who_are_not_staff_are_refused_the_admin_sign_in(as_user, world):
    assert as_user(world.coordinator).get("/admin/login/").status_code == 403
