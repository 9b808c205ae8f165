"""Who may open which page: every URL of the project, for every kind of visitor.

The cases live in ``mentoring/tests/matrix/``, one module per topic, with the expected outcomes explained in
its ``__init__``. A new URL that is in none of them fails ``test_every_url_is_in_the_matrix``.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mentoring.tests.matrix import (
    PERSONAS,
    applications,
    audit,
    bank,
    concerns,
    contracts,
    core,
    emails,
    events,
    feedback_evaluations,
    feedback_questionnaires,
    feedback_respond,
    feedback_results,
    feedback_rounds,
    forming,
    goals,
    group_pages,
    invitations,
    matching,
    people,
    programme,
    reports,
    reports_overview,
    scheduling,
    session_log,
)

MATRIX = [
    *core.CASES,
    *invitations.CASES,
    *applications.CASES,
    *bank.CASES,
    *events.CASES,
    *people.CASES,
    *forming.CASES,
    *matching.CASES,
    *group_pages.CASES,
    *contracts.CASES,
    *goals.CASES,
    *scheduling.CASES,
    *session_log.CASES,
    *concerns.CASES,
    *emails.CASES,
    *feedback_rounds.CASES,
    *feedback_questionnaires.CASES,
    *feedback_respond.CASES,
    *feedback_results.CASES,
    *feedback_evaluations.CASES,
    *reports.CASES,
    *reports_overview.CASES,
    *audit.CASES,
]


def _named_patterns(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _named_patterns(pattern.url_patterns, inner or None)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def project_url_names() -> set[str]:
    return {name for name, _ in _named_patterns(get_resolver().url_patterns) if not name.startswith("admin:")}


def test_every_url_is_in_the_matrix():
    listed = {case.name for case in MATRIX}
    assert project_url_names() - listed == set(), "add these URLs to the permission matrix"
    assert listed - project_url_names() == set(), "these URLs no longer exist"


def _outcome(response) -> str:
    if response.status_code == 302:
        return "login" if response["Location"].startswith(reverse("account_login") + "?next=") else "302"
    return str(response.status_code)


@pytest.mark.parametrize("case", MATRIX, ids=lambda case: case.name)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, world, persona, case):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    url = reverse(case.name, kwargs=case.kwargs(world))
    response = getattr(client, case.method)(url, case.data)
    assert _outcome(response) == case.expected[PERSONAS.index(persona)]


# The admin: staff only. Everyone in the matrix above is not staff and is sent to the admin's sign-in.

_ARGUMENT_VALUES = {"object_id": "1", "id": "1", "app_label": "accounts", "content_type_id": "1"}


def admin_urls() -> list[str]:
    urls = []
    for name, pattern in _named_patterns(admin.site.urls[0], "admin"):
        if name in {"admin:login", "admin:logout"}:
            continue
        groups = re.compile(pattern.pattern.regex.pattern).groupindex
        urls.append(reverse(name, kwargs={key: _ARGUMENT_VALUES[key] for key in groups}))
    return urls


@pytest.mark.parametrize("url", admin_urls())
@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_staff_only(client, world, persona, url):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("persona", PERSONAS[1:])
def test_post_only_urls_refuse_get(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("programmes:move", kwargs=programme(world))).status_code == 405
    assert client.get(reverse("accounts:switch_language")).status_code == 405
