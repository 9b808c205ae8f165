"""An address Django's validator accepts (up to 320 characters) but longer than an account stores (254), found by
the fuzz tests: signing up, adding an address and asking for a new password say so at the field, where PostgreSQL
used to refuse the row with a server error."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

LONG = f"{'a' * 60}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example.org"  # 264 characters, valid for Django
MESSAGE = "Please use an email address of at most 254 characters."


def test_signing_up_with_the_address_says_it_is_too_long(client, db):
    response = client.post(
        reverse("account_signup"),
        {"display_name": "Ann", "email": LONG, "password1": "a-long-password-1", "password2": "a-long-password-1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [MESSAGE]
    assert not User.objects.exists()


def test_adding_the_address_says_it_is_too_long(as_user, world):
    before = set(EmailAddress.objects.values_list("email", flat=True))
    response = as_user(world.mentee).post(reverse("account_email"), {"email": LONG, "action_add": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [MESSAGE]
    assert set(EmailAddress.objects.values_list("email", flat=True)) == before


def test_asking_for_a_new_password_for_the_address_says_it_is_too_long(client, db):
    response = client.post(reverse("account_reset_password"), {"email": LONG})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [MESSAGE]
