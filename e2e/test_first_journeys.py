"""The first journeys through the product, in a real browser at desktop and phone widths."""

import re

import pytest
from playwright.sync_api import Page, expect

from mentoring.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()


def open_menu_on_a_phone(page: Page) -> None:
    toggler = page.get_by_role("button", name="Show or hide the menu")
    if toggler.is_visible():
        toggler.click()


def test_coordinator_creates_a_programme_after_fixing_the_dates(screen, live_server, world):
    page = screen
    sign_in(page, live_server, world.coordinator.email)
    expect(page.get_by_role("heading", name="Your programmes")).to_be_visible()
    page.shot("programme-list")
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Name").fill("Leading in Tech")
    page.get_by_label("Start date").fill("2027-03-01")
    page.get_by_label("End date").fill("2027-01-01")
    page.get_by_role("button", name="Create programme").click()
    expect(page.get_by_text("The end date must be after the start date.")).to_be_visible()
    page.shot("programme-form-error")
    page.get_by_label("End date").fill("2027-11-30")
    page.get_by_role("button", name="Create programme").click()
    expect(page.get_by_role("heading", name="Leading in Tech", level=1)).to_be_visible()
    expect(page.get_by_text("The programme has been created as a draft.")).to_be_visible()
    page.shot("programme-detail")


def test_mentee_signs_in_sees_their_group_and_signs_out(screen, live_server, world):
    page = screen
    sign_in(page, live_server, world.mentee.email)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Welcome, Max", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Your groups", level=2)).to_be_visible()
    page.shot("home-mentee")
    page.locator("main").get_by_role("link", name="Group A", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/groups/{world.group.pk}/$"))
    expect(page.get_by_role("heading", name="Group A", level=1)).to_be_visible()
    expect(page.get_by_text("Mina Mentor")).to_be_visible()
    page.shot("group-detail")
    open_menu_on_a_phone(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def test_the_page_is_usable_from_the_keyboard_alone(browser, live_server, world):
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    # From the main content: the sign-up link, then the form. Type the address and password, send with Enter.
    page.keyboard.press("Tab")
    expect(page.locator("main").get_by_role("link", name="sign up")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(world.mentor.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Welcome, Mina", level=1)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Group A", exact=True)).to_be_visible()
    page.close()


def test_switching_to_german_from_the_footer(screen, live_server, world):
    page = screen
    sign_in(page, live_server, world.mentee.email)
    page.locator("main").get_by_role("link", name="Group A", exact=True).click()
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_text("Sie sind Mentee in dieser Gruppe.")).to_be_visible()
    page.shot("group-detail-de")
