"""Who may open which page: every URL of the project, for every kind of visitor.

Expected outcomes: "200" the page; "login" a redirect to sign in; "302" another redirect (e.g. home sending a
person to their work, or allauth sending a signed-in person away from the sign-in page); "403" a member
without the role; "404" an outsider, who must not even learn that the object exists.

A new URL that is not listed here fails ``test_every_url_is_in_the_matrix``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = ("anonymous", "outsider", "other_group_member", "mentee", "mentor", "other_coordinator", "coordinator")


@dataclass(frozen=True)
class Case:
    name: str
    expected: tuple[str, ...]  # one outcome per persona, in PERSONAS order
    kwargs: Callable = lambda world: {}
    method: str = "get"
    data: dict = field(default_factory=dict)


def programme(world):
    return {"pk": world.programme.pk}


def group(world):
    return {"pk": world.group.pk}


#                  anonymous outsider other_grp mentee  mentor  other_co coordinator
EVERYONE = ("200", "200", "200", "200", "200", "200", "200")
SIGNED_IN = ("login", "200", "200", "200", "200", "200", "200")
SIGNED_OUT_ONLY = ("200", "302", "302", "302", "302", "302", "302")
COORDINATOR_ONLY = ("login", "404", "403", "403", "403", "404", "200")

MATRIX = [
    Case("home", ("200", "200", "302", "302", "302", "302", "302")),
    Case("programmes:list", SIGNED_IN),
    Case("programmes:create", ("login", "403", "403", "403", "403", "200", "200")),
    Case("programmes:detail", COORDINATOR_ONLY, programme),
    Case("programmes:edit", COORDINATOR_ONLY, programme),
    Case(
        "programmes:move",
        ("login", "404", "403", "403", "403", "404", "302"),
        programme,
        method="post",
        data={"status": "closing"},
    ),
    Case("groups:list", SIGNED_IN),
    Case("groups:detail", ("login", "404", "404", "200", "200", "404", "200"), group),
    Case("accounts:profile", SIGNED_IN),
    Case(
        "accounts:switch_language",
        ("302",) * 7,
        method="post",
        data={"language": "en", "next": "/"},
    ),
    # django-allauth's pages.
    Case("account_login", SIGNED_OUT_ONLY),
    Case("account_signup", SIGNED_OUT_ONLY),
    Case("account_logout", ("302", "200", "200", "200", "200", "200", "200")),  # GET only asks; POST signs out
    Case("account_inactive", EVERYONE),
    Case("account_reauthenticate", SIGNED_IN),
    Case("account_email", SIGNED_IN),
    Case("account_email_verification_sent", EVERYONE),
    Case("account_change_password", SIGNED_IN),
    Case("account_set_password", ("login", "302", "302", "302", "302", "302", "302")),  # they have a password
    Case("account_reset_password", EVERYONE),
    Case("account_reset_password_done", EVERYONE),
    Case("account_reset_password_from_key_done", EVERYONE),
    Case("account_confirm_login_code", ("302",) * 7),  # sign-in by code is off: sent back to sign in
    Case("account_confirm_email", EVERYONE, lambda world: {"key": "not-a-real-key"}),  # shows "link invalid"
    Case(
        "account_reset_password_from_key",
        EVERYONE,
        lambda world: {"uidb36": "1", "key": "not-a-real-key"},  # shows "link invalid"
    ),
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
