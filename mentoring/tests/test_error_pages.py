"""When the database does not answer for a moment (a restart, a fail-over), people get a page that says to try again
in a few seconds, with 503 and Retry-After, not "something went wrong"; every other error keeps the 500 page."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

from mentoring import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_seeing_errors(client):
    client.raise_request_exception = False  # as in production: the error handler answers
    return client


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("FATAL:  the database system is shutting down"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_database_that_does_not_answer_asks_people_to_try_again_shortly(client_seeing_errors, world, error):
    client_seeing_errors.force_login(world.mentee)
    with mock.patch.object(views, "overview_for", side_effect=error):
        response = client_seeing_errors.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in response.text
    assert "shutting down" not in response.text  # no error texts for the world to read


def test_any_other_error_is_a_500(client_seeing_errors, world):
    client_seeing_errors.force_login(world.mentee)
    with mock.patch.object(views, "overview_for", side_effect=ValueError("a bug")):
        response = client_seeing_errors.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "Retry-After" not in response


def test_the_page_is_in_the_language_of_the_request(client_seeing_errors):
    with mock.patch.object(views, "render", side_effect=OperationalError("connection refused")):
        response = client_seeing_errors.get("/", headers={"accept-language": "de"})
    assert response.status_code == 503
    assert 'lang="de"' in response.text
    assert "Gleich wieder da" in response.text
