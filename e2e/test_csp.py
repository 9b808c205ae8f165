"""The Content-Security-Policy holds in a real browser: no page of any role needs anything inline.

Every page the permission matrix lets the coordinator, the mentor and the mentee open, the sign-in pages, and
the admin for staff, loaded in Chromium: the browser reports no blocked script, style or image ("Refused to
...") and no script error.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from mentoring.tests.factories import PASSWORD, UserFactory
from mentoring.tests.matrix import PERSONAS
from mentoring.tests.test_permission_matrix import MATRIX

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every page before its own scripts; the browser's own report of a blocked resource also reaches the
# console, but this one names the directive and survives a message worded differently in a later Chromium.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Refused to load ${event.blockedURI || "inline content"}: ${event.violatedDirective}`);
});
"""


class Problems(list):
    """Everything the browser complained about, with the page it happened on."""

    def watch(self, page: Page) -> None:
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.append(f"{page.url}: script error: {error}"))

    def _console(self, page: Page, message) -> None:
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text or "Permissions-Policy" in text:
            self.append(f"{page.url}: {text}")


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = Problems()
    problems.watch(page)
    yield page, problems
    context.close()


def sign_in(page: Page, live_server, email: str, next_url: str = "") -> None:
    page.goto(f"{live_server.url}/accounts/login/{next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def visit(page: Page, live_server, paths: list[str]) -> int:
    """Opens every HTML page among ``paths`` (downloads such as CSV and calendar files are skipped)."""
    opened = 0
    for path in paths:
        response = page.request.get(f"{live_server.url}{path}")
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        opened += 1
    return opened


def matrix_pages(world, person: str) -> list[str]:
    column = PERSONAS.index(person)
    cases = [case for case in MATRIX if case.method == "get" and case.expected[column] == "200" and not case.data]
    return [reverse(case.name, kwargs=case.kwargs(world)) for case in cases]


def test_the_pages_before_signing_in_need_nothing_inline(watched, live_server, db):
    page, problems = watched
    opened = visit(page, live_server, ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
    # A form sent with mistakes shows its errors without inline styles too.
    page.get_by_label("Email").fill("not an address")
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_load_state()
    assert opened == 4
    assert problems == []


@pytest.mark.parametrize("person", ["coordinator", "mentor", "mentee"])
def test_every_page_of_each_role_needs_nothing_inline(watched, live_server, world, person):
    page, problems = watched
    paths = matrix_pages(world, person)
    sign_in(page, live_server, getattr(world, person).email)
    expect(page.locator("main")).to_be_visible()

    opened = visit(page, live_server, paths)

    assert opened > 10
    assert problems == []


def test_the_admin_works_under_the_policy(watched, live_server, world):
    page, problems = watched
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=%2Fadmin%2F")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")

    opened = visit(
        page,
        live_server,
        [
            reverse("admin:index"),
            reverse("admin:accounts_user_changelist"),
            reverse("admin:accounts_user_change", args=[world.mentor.pk]),
            reverse("admin:accounts_user_add"),
            reverse("admin:programmes_programme_changelist"),
            reverse("admin:programmes_programme_change", args=[world.programme.pk]),
            reverse("admin:groups_mentoringgroup_change", args=[world.group.pk]),
        ],
    )
    # The changelist's select-all box and action bar run the admin's scripts.
    page.goto(f"{live_server.url}{reverse('admin:accounts_user_changelist')}")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("selected")

    assert opened == 7
    assert problems == []
