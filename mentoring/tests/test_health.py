"""/health/ tells a load balancer whether this instance can work: the database and the broker, "ok" or
"unavailable", 200 or 503, and nothing more."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from conftest import require_service
from mentoring import health

pytestmark = pytest.mark.django_db

URL = "/health/"


def test_the_address_is_short_and_stable():
    assert reverse("health") == URL


def test_a_healthy_instance_says_ok_to_anyone(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]  # a proxy must not keep yesterday's answer


def test_without_the_database_it_answers_503(client):
    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("server closed")):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok"}
    assert "server closed" not in response.text  # no error texts for the world to read


def test_without_the_broker_it_answers_503(client):
    with mock.patch.object(health, "broker_status", return_value=health.UNAVAILABLE):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


def test_a_load_balancer_can_ask_for_the_database_alone(client):
    """While the broker is away pages still work, so a load balancer keeps the web processes in service."""
    with mock.patch.object(health, "broker_status", return_value=health.UNAVAILABLE):
        response = client.get(URL, {"checks": "database"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}

    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("server closed")):
        response = client.get(URL, {"checks": "database"})
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}


@pytest.mark.parametrize("checks", ["disk", "database,disk", "", ","])
def test_only_known_checks_can_be_asked_for(client, checks):
    response = client.get(URL, {"checks": checks})
    assert response.status_code == 400
    assert response.json() == {"error": "checks must name some of: database, broker"}


def test_a_redis_that_does_not_answer_is_unavailable():
    assert health.broker_status("redis://127.0.0.1:1/0") == health.UNAVAILABLE  # nothing listens on port 1


def test_a_running_redis_is_ok():
    require_service("Redis", "redis://127.0.0.1:6379/0")
    assert health.broker_status("redis://127.0.0.1:6379/0") == health.OK


def test_the_filesystem_transport_needs_its_queue_folder(settings, tmp_path):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    assert health.broker_status("filesystem://") == health.OK
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}
    assert health.broker_status("filesystem://") == health.UNAVAILABLE


def test_an_unknown_transport_is_not_called_healthy():
    assert health.broker_status("amqp://guest@127.0.0.1//") == health.UNAVAILABLE


def test_it_only_reads(client):
    assert client.post(URL).status_code == 405
