"""Accessibility in a real browser: axe-core checks every main page against the WCAG 2.2 A and AA rules (and axe's
best practices: landmarks, heading order), at desktop and phone widths, for each kind of visitor, and any violation
fails the test with a list of what and where.

The world is the demo (``programmes.demo.seed_demo``): a running programme with groups that agreed a contract, logged
sessions, goals and an open survey round the demo mentee has not answered yet; a recruiting programme with
applications; a programme in matching; mentor profiles in the data bank. Besides axe: charts carry a text
alternative, a form's errors are tied to their fields, and every control reached with the Tab key shows where the
focus is.

axe-core is vendored in e2e/vendor/ (see its README) and injected through the DevTools protocol
(``page.evaluate``), which the site's Content-Security-Policy does not apply to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from feedback.models import RoundKind
from groups.models import GroupKind, MentoringGroup
from programmes.demo import DEMO_LOGINS, seed_demo
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db(transaction=True)

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# axe's best practices on top: one main landmark, all content in landmarks, headings in order, one h1.
AXE_TAGS = [*WCAG_TAGS, "best-practice"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
    .then(result => result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')),
    })))"""


# The world ---------------------------------------------------------------------------------------------------


@dataclass
class Demo:
    running: Programme
    recruiting: Programme
    matching: Programme
    group: MentoringGroup
    coordinator: User
    mentor: User
    mentee: User


def demo() -> Demo:
    result = seed_demo()
    running, recruiting, matching = result.programmes
    assert matching.status == ProgrammeStatus.MATCHING
    mentee = User.objects.get(email=DEMO_LOGINS["mentee"])
    group = MentoringGroup.objects.get(
        programme=running, kind=GroupKind.MENTOR_LED, memberships__user=mentee, memberships__left_at__isnull=True
    )
    return Demo(
        running=running,
        recruiting=recruiting,
        matching=matching,
        group=group,
        coordinator=User.objects.get(email=DEMO_LOGINS["coordinator"]),
        mentor=User.objects.get(email=DEMO_LOGINS["mentor"]),
        mentee=mentee,
    )


def signed_in_as(page: Page, live_server, user: User) -> None:
    """Signs the browser in without the form (the sign-in page has its own check, and allauth limits sign-ins)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def pages_for(role: str, world: Demo) -> list[tuple[str, str]]:
    """The main pages each kind of visitor works with, as (name, path)."""
    running, group = world.running.pk, world.group.pk
    held = world.group.meetings.filter(held=True).order_by("-starts_at").first()
    check_in = world.running.survey_rounds.get(kind=RoundKind.OTHER)
    application = world.recruiting.applications.order_by("pk").first()
    if role == "anonymous":
        return [
            ("sign in", reverse("account_login")),
            ("sign up", reverse("account_signup")),
            ("password reset", reverse("account_reset_password")),
            ("application page", reverse("join:apply", args=[world.recruiting.application_key])),
        ]
    if role == "coordinator":
        return [
            ("home", reverse("home")),
            ("programme list", reverse("programmes:list")),
            ("programme overview", reverse("programmes:detail", args=[running])),
            ("new programme form", reverse("programmes:create")),
            ("programme form", reverse("programmes:edit", args=[running])),
            ("people", reverse("programmes:people", args=[running])),
            ("invitations", reverse("programmes:invitations", args=[world.recruiting.pk])),
            ("invitation form", reverse("programmes:invite", args=[world.recruiting.pk])),
            ("events", reverse("programmes:events", args=[running])),
            ("new event form", reverse("programmes:event_create", args=[running])),
            ("recruitment", reverse("programmes:recruitment", args=[world.recruiting.pk])),
            ("applications", reverse("programmes:applications", args=[world.recruiting.pk])),
            ("application", reverse("programmes:application", args=[world.recruiting.pk, application.pk])),
            ("groups (forming)", reverse("grouping:groups", args=[world.matching.pk])),
            ("matching", reverse("grouping:matching", args=[world.matching.pk])),
            ("contracts tab", reverse("grouping:contracts", args=[running])),
            ("goals tab", reverse("grouping:goals", args=[running])),
            ("sessions tab", reverse("grouping:sessions", args=[running])),
            ("concerns", reverse("grouping:concerns", args=[running])),
            ("feedback rounds", reverse("surveys:rounds", args=[running])),
            ("new feedback round", reverse("surveys:round_create", args=[running])),
            ("feedback results", reverse("surveys:results", args=[running, check_in.pk])),
            ("feedback comparison", reverse("surveys:compare", args=[running])),
            ("questionnaires", reverse("surveys:questionnaires", args=[running])),
            ("evaluations", reverse("surveys:evaluations", args=[running])),
            ("interviews", reverse("surveys:interviews", args=[running])),
            ("dashboard", reverse("reports:dashboard", args=[running])),
            ("end-of-programme report", reverse("reports:report", args=[running])),
            ("at a glance", reverse("reports:overview")),
            ("group", reverse("groups:detail", args=[group])),
            ("mentor data bank", reverse("bank:search")),
            ("mentor in the data bank", reverse("bank:mentor", args=[world.mentor.pk])),
            ("account settings", reverse("accounts:profile")),
        ]
    if role == "mentor":
        return [
            ("home", reverse("home")),
            ("group", reverse("groups:detail", args=[group])),
            ("group sessions", reverse("groups:sessions", args=[group])),
            ("session", reverse("groups:session", args=[group, held.pk])),
            ("session log form", reverse("groups:session_log", args=[group, held.pk])),
            ("new session form", reverse("groups:session_create", args=[group])),
            ("contract", reverse("groups:contract", args=[group])),
            ("contract to print", reverse("groups:contract_print", args=[group])),
            ("goals", reverse("groups:goals", args=[group])),
            ("contract form", reverse("groups:contract_edit", args=[group])),
            ("my surveys", reverse("feedback:mine")),
            ("my data bank profile", reverse("bank:my_profile")),
            ("account settings", reverse("accounts:profile")),
        ]
    assert role == "mentee"
    return [
        ("home", reverse("home")),
        ("group", reverse("groups:detail", args=[group])),
        ("group sessions", reverse("groups:sessions", args=[group])),
        ("session and reflection", reverse("groups:session", args=[group, held.pk])),
        ("contract", reverse("groups:contract", args=[group])),
        ("goals", reverse("groups:goals", args=[group])),
        ("new goal form", reverse("groups:goal_create", args=[group])),
        ("concern form", reverse("groups:concern_create", args=[group])),
        ("my surveys", reverse("feedback:mine")),
        ("survey answer form", reverse("feedback:answer", args=[check_in.pk])),
        ("my applications", reverse("join:my_applications")),
        ("account settings", reverse("accounts:profile")),
    ]


# axe ---------------------------------------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(RUN_AXE, AXE_TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(v["targets"][:3]) + (f" (+{len(v['targets']) - 3} more)" if len(v["targets"]) > 3 else "")
        lines.append(f"    {v['id']} [{v['impact']}] {v['help']}: {targets}")
    return "\n".join(lines)


def check_pages(page: Page, live_server, pages: list[tuple[str, str]]) -> None:
    problems = []
    for name, path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, f"{name} ({path}) answered {response and response.status}"
        violations = axe_violations(page)
        if violations:
            problems.append(f"  {name} ({path}) at {page.width_name} width:\n{describe(violations)}")
    assert not problems, "axe found WCAG 2.2 A/AA or best-practice violations:\n" + "\n".join(problems)


# Tests -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "mentor", "mentee"])
def test_main_pages_have_no_wcag_violations(screen, live_server, role):
    world = demo()
    if role != "anonymous":
        signed_in_as(screen, live_server, getattr(world, role))
    check_pages(screen, live_server, pages_for(role, world))


def test_charts_have_a_text_alternative(browser, live_server):
    """Every chart is an image with a name a screen reader reads out (an svg's <title>, or an aria-label); the svgs
    that only draw a bar inside a labelled chart are hidden from assistive technology."""
    world = demo()
    page = browser.new_page()
    signed_in_as(page, live_server, world.coordinator)
    check_in = world.running.survey_rounds.get(kind=RoundKind.OTHER)
    charted = {
        reverse("reports:dashboard", args=[world.running.pk]): 2,
        reverse("surveys:results", args=[world.running.pk, check_in.pk]): 1,
        reverse("reports:report", args=[world.running.pk]): 0,
    }
    for path, at_least in charted.items():
        page.goto(f"{live_server.url}{path}")
        for svg in page.locator("svg:not([aria-hidden='true'])").all():
            expect(svg).to_have_attribute("role", "img")
            assert svg.locator(":scope > title").count() or svg.get_attribute("aria-label"), (
                f"an svg chart on {path} has neither a <title> nor an aria-label"
            )
        charts = page.locator("[role='img']").all()
        assert len(charts) >= at_least, f"expected at least {at_least} charts on {path}, found {len(charts)}"
        for chart in charts:
            expect(chart).to_have_accessible_name(re.compile(r"\w"))
    page.close()


def test_a_form_error_is_tied_to_its_field(browser, live_server):
    world = demo()
    page = browser.new_page()
    signed_in_as(page, live_server, world.coordinator)
    page.goto(f"{live_server.url}{reverse('programmes:create')}")
    page.get_by_label("Name").fill("Leading in Tech")
    page.get_by_label("Start date").fill("2027-03-01")
    page.get_by_label("End date").fill("2027-01-01")
    page.get_by_role("button", name="Create programme").click()
    expect(page.get_by_text("The end date must be after the start date.")).to_be_visible()
    field = page.get_by_label("End date")
    expect(field).to_have_attribute("aria-invalid", "true")
    # A screen reader reads the error with the field: it is part of the field's accessible description.
    expect(field).to_have_accessible_description(re.compile("The end date must be after the start date."))
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.close()


def test_sign_up_errors_are_tied_to_their_fields(browser, live_server):
    page = browser.new_page()
    page.goto(f"{live_server.url}{reverse('account_signup')}")
    page.get_by_label("Email").fill("new.person@example.org")
    page.get_by_label("Password", exact=False).first.fill("short")
    page.locator("main").get_by_role("button", name="Sign Up").click()
    name = page.get_by_label("Your name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile("This field is required."))
    password = page.locator("#id_password1")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("This password is too short."))
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.close()


def test_an_error_in_a_group_of_radio_buttons_is_tied_to_the_group(browser, live_server):
    """The session log's attendance is one group of radio buttons per person, rendered by hand: the person's
    fieldset is described by its error, and its radio buttons say they are invalid."""
    world = demo()
    page = browser.new_page()
    signed_in_as(page, live_server, world.mentor)
    held = world.group.meetings.filter(held=True).order_by("-starts_at").first()
    page.goto(f"{live_server.url}{reverse('groups:session_log', args=[world.group.pk, held.pk])}")
    person = page.get_by_role("group", name=world.mentee.display_name)
    # A browser cannot clear a radio group by clicking; a person left out is what the form refuses.
    person.locator("input[type=radio]:checked").evaluate("radio => { radio.checked = false; }")
    page.get_by_role("button", name="Save the log").click()
    person = page.get_by_role("group", name=world.mentee.display_name)
    expect(person).to_have_accessible_description(re.compile("Please choose whether this person was there."))
    expect(person.locator("input[type=radio]").first).to_have_attribute("aria-invalid", "true")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.close()


FOCUS_STYLE = """node => {
    const style = getComputedStyle(node);
    return {
        tag: node.tagName.toLowerCase(),
        text: (node.innerText || node.value || node.getAttribute('aria-label') || '').trim().slice(0, 40),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        shadow: style.boxShadow !== 'none',
    };
}"""


def test_every_control_on_the_dashboard_shows_its_focus(browser, live_server):
    world = demo()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    signed_in_as(page, live_server, world.coordinator)
    page.goto(f"{live_server.url}{reverse('reports:dashboard', args=[world.running.pk])}")
    unseen, visited = [], 0
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        if focused.count() == 0:
            break  # past the last control, the focus leaves the page
        style = focused.evaluate(FOCUS_STYLE)
        visited += 1
        if not (style["outline"] or style["shadow"]):
            unseen.append(f"<{style['tag']}> {style['text']!r}")
    page.close()
    assert visited > 10, f"only {visited} controls could be reached with Tab"
    assert not unseen, "no visible focus indicator on: " + "; ".join(unseen)
