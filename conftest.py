"""The test world: a programme with two groups, and one person for every kind of visitor.

- ``coordinator`` coordinates ``programme``; ``other_coordinator`` coordinates ``other_programme`` only.
- ``mentor`` and ``mentee`` are in ``group``; ``other_group_member`` is a mentee of ``other_group`` in the same
  programme, so ``group`` is none of their business.
- ``outsider`` has an account and no role anywhere.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from groups.models import GroupRole, MentoringGroup
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from programmes.models import Programme, ProgrammeMembership, Role

UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, url: str) -> None:
    """Skips the test on a laptop without the service; fails it under CI, where every service must be there."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=3):
            return
    except OSError as error:
        message = f"{name} is not reachable at {parts.hostname}:{parts.port} ({error})"
        if UNDER_CI:
            pytest.fail(f"{message}; CI requires it.")
        pytest.skip(message)


@dataclass
class World:
    programme: Programme
    other_programme: Programme
    group: MentoringGroup
    other_group: MentoringGroup
    coordinator: object
    other_coordinator: object
    mentor: object
    mentee: object
    other_group_member: object
    outsider: object


@pytest.fixture
def world(db) -> World:
    programme = ProgrammeFactory(name="Pathways")
    other_programme = ProgrammeFactory(name="Elsewhere")
    group = MentoringGroupFactory(programme=programme, name="Group A")
    other_group = MentoringGroupFactory(programme=programme, name="Group B")
    coordinator = UserFactory(email="coordinator@example.org", display_name="Cora Coordinator")
    other_coordinator = UserFactory(email="other.coordinator@example.org", display_name="Otto Other")
    ProgrammeMembership.objects.create(programme=programme, user=coordinator, role=Role.COORDINATOR)
    ProgrammeMembership.objects.create(programme=other_programme, user=other_coordinator, role=Role.COORDINATOR)
    mentor = UserFactory(email="mentor@example.org", display_name="Mina Mentor")
    mentee = UserFactory(email="mentee@example.org", display_name="Max Mentee")
    other_group_member = UserFactory(email="other.mentee@example.org", display_name="Olga Othergroup")
    add_to_group(group, mentor, GroupRole.MENTOR)
    add_to_group(group, mentee, GroupRole.MENTEE)
    add_to_group(other_group, other_group_member, GroupRole.MENTEE)
    outsider = UserFactory(email="outsider@example.org", display_name="Oscar Outsider")
    return World(
        programme=programme,
        other_programme=other_programme,
        group=group,
        other_group=other_group,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        mentor=mentor,
        mentee=mentee,
        other_group_member=other_group_member,
        outsider=outsider,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: allauth keeps its rate limits (sign-ins per minute from one address)
    there, and the browser journeys, all from 127.0.0.1, would otherwise add up to the limit across tests."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _source_language():
    """Each test starts in English: a request of a German-speaking person leaves German active in the thread
    (the middleware activates each person's language and nothing deactivates it), and code a test calls outside a
    request would otherwise speak the language of whichever test ran before."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture
def as_user(client):
    """``as_user(person)`` signs the test client in as that person and returns it."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own on a free port, which the test may stop and start again (never the shared
    one); stopped at the end (mentoring/tests/processes.py)."""
    from mentoring.tests.processes import RedisServer, free_port, require_redis_server

    require_redis_server()
    server = RedisServer(port=free_port(), folder=tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()
