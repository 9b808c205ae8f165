"""An address Django's validator accepts (up to 320 characters) but longer than an invitation stores (254), found
by the fuzz tests: each way of inviting says so at the field or the line, where PostgreSQL used to refuse the row
with a server error. Nobody is invited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outbox.models import OutgoingEmail
from programmes.imports import parse_csv, parse_list
from programmes.models import Invitation

pytestmark = pytest.mark.django_db

LONG = f"{'a' * 60}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example.org"  # 264 characters, valid for Django


def url(name, world):
    return reverse(f"programmes:{name}", kwargs={"pk": world.programme.pk})


def test_the_address_is_long_enough_to_matter():
    assert 254 < len(LONG) <= 320


def test_the_parsers_report_the_line():
    message = "Line 3: the email address is longer than 254 characters."
    assert [
        str(error) for error in parse_csv(f"email,role\nann@example.org,mentee\n{LONG},mentor\n".encode()).errors
    ] == [message]
    assert [str(error) for error in parse_list(f"ann@example.org\n\n{LONG}", role="mentee").errors] == [message]


@pytest.mark.parametrize(
    ("name", "data", "form", "field", "message"),
    [
        (
            "invite",
            {"one-email": LONG, "one-role": "mentee"},
            "one_form",
            "email",
            "Ensure this value has at most 254 characters (it has 264).",
        ),
        (
            "invite_list",
            {"list-role": "mentee", "list-people": LONG},
            "list_form",
            "people",
            "Line 1: the email address is longer than 254 characters.",
        ),
    ],
)
def test_inviting_by_form_says_the_address_is_too_long(as_user, world, name, data, form, field, message):
    response = as_user(world.coordinator).post(url(name, world), data)
    assert response.status_code == 200
    assert response.context[form].errors[field] == [message]
    assert not Invitation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_csv_file_with_the_address_invites_nobody(as_user, world):
    content = f"name,email,role\nAnn,ann@example.org,mentee\nLong,{LONG},mentee\n".encode()
    response = as_user(world.coordinator).post(
        url("invite_csv", world), {"csv-file": SimpleUploadedFile("people.csv", content, "text/csv")}
    )
    assert response.status_code == 200
    assert response.context["csv_form"].errors["file"] == ["Line 3: the email address is longer than 254 characters."]
    assert not Invitation.objects.exists()
