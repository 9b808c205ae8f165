"""Every form that changes something is a POST with a CSRF token, opening a page never changes anything, and no
page has inline styles or scripts (the Content-Security-Policy would block them).

The pages are those of the permission matrix that the coordinator, the mentor and the mentee may open (200).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from mentoring.tests.matrix import PERSONAS
from mentoring.tests.test_permission_matrix import MATRIX

PEOPLE = ("coordinator", "mentor", "mentee")
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# Rows a page may create the first time anyone opens it, once: a programme's default questionnaires and feedback
# rounds, for a programme made before feedback existed (``create_programme`` makes them up front; the test world's
# programmes skip it). Opening the page again, or never, changes nothing anyone sees. Updates and deletes are never
# allowed. (The contract template and a group's wishes are shown as unsaved drafts until someone saves them.)
LAZY_DEFAULTS = {
    "feedback_questionnaire",
    "feedback_question",
    "feedback_surveyround",
    # The audit log notes who downloaded personal data (e.g. the people list as CSV): a record of the reading.
    "audit_auditevent",
}


class _Form:
    def __init__(self, method: str, action: str | None) -> None:
        self.method = method
        self.action = action
        self.fields: list[str] = []


class FormParser(HTMLParser):
    """The page's forms: method, action and the names of their fields (forms do not nest in HTML)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self.inline: list[str] = []  # what the Content-Security-Policy would block: inline styles and scripts
        self._open: _Form | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes or tag == "style":
            self.inline.append(f"<{tag} style>")
        self.inline.extend(f"<{tag} {name}>" for name in attributes if name.startswith("on"))
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.inline.append("<script> without src")
        if tag == "form":
            self._open = _Form((attributes.get("method") or "get").lower(), attributes.get("action"))
            self.forms.append(self._open)
        elif tag in {"input", "button", "select", "textarea"} and self._open and attributes.get("name"):
            self._open.fields.append(attributes["name"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def pages_for(person: str) -> list:
    column = PERSONAS.index(person)
    return [case for case in MATRIX if case.method == "get" and case.expected[column] == "200"]


# URL names that are pages (something answers a GET with 200): the only places a GET form may send people.
PAGE_NAMES = {case.name for case in MATRIX if case.method == "get" and "200" in case.expected}


def _writes(queries) -> list[str]:
    """The statements among ``queries`` that change the database, other than the lazy defaults above."""
    changes = []
    for query in queries:
        sql = query["sql"].lstrip()
        inserted = re.match(r'INSERT INTO "?(\w+)"?', sql, re.IGNORECASE)
        if inserted and inserted.group(1) in LAZY_DEFAULTS:
            continue
        if sql.upper().startswith(WRITES):
            changes.append(sql)
    return changes


@pytest.mark.parametrize("person", PEOPLE)
def test_every_post_form_carries_a_csrf_token_and_nothing_is_inline(client, world, person):
    client.force_login(getattr(world, person))
    cases = pages_for(person)
    assert len(cases) > 10, "the matrix should give every person pages of their own"
    post_forms = 0
    for case in cases:
        url = reverse(case.name, kwargs=case.kwargs(world))
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, case.data)
        assert response.status_code == 200, url
        assert _writes(context.captured_queries) == [], f"opening {url} changed the database"
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = parse(response.content.decode())
        assert page.inline == [], f"{url} has inline content the Content-Security-Policy blocks"
        for form in page.forms:
            if form.method == "post":
                post_forms += 1
                assert "csrfmiddlewaretoken" in form.fields, f"a form on {url} posts to {form.action} without a token"
                continue
            assert form.method == "get", f"a form on {url} has method={form.method!r}"
            target = urlsplit(urljoin(url, form.action or url)).path
            try:
                name = resolve(target).view_name
            except Resolver404:
                pytest.fail(f"a GET form on {url} points to {target}, which is no page")
            assert name in PAGE_NAMES, f"a GET form on {url} points to {name}, which is not a page to filter"
    assert post_forms > 0


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    url = reverse("programmes:edit", kwargs={"pk": world.programme.pk})
    client.get(url)  # sets the CSRF cookie, as a browser would have it

    response = client.post(url, {"name": "Renamed"})

    assert response.status_code == 403
    world.programme.refresh_from_db()
    assert world.programme.name == "Pathways"


def test_the_same_post_with_the_token_from_the_page_gets_through_the_csrf_check(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    response = client.get(reverse("accounts:profile"))
    token = response.cookies["csrftoken"].value

    response = client.post(
        reverse("accounts:switch_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
