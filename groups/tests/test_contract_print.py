"""The printable contract: the version in force on a clean page, with who agreed and when, the group and the
programme; a friendly explanation while nothing is in force."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from groups.models import ContractAgreement
from groups.services import contracts

pytestmark = pytest.mark.django_db


def print_url(world):
    return reverse("groups:contract_print", kwargs={"pk": world.group.pk})


@pytest.fixture
def in_force(world):
    contracts.save_draft(group=world.group, by=world.mentor, confidentiality="What we say stays in the group.")
    contracts.propose(group=world.group, by=world.mentor)
    for person in (world.mentee, world.mentor):
        contracts.agree(group=world.group, user=person, number=1)
    # A known moment, to check it is shown in the reader's zone: 08:30 UTC is 10:30 in Berlin in summer.
    ContractAgreement.objects.filter(user=world.mentee).update(
        agreed_at=datetime.datetime(2026, 9, 1, 8, 30, tzinfo=datetime.UTC)
    )


def test_the_print_page_shows_the_version_in_force_and_who_agreed_when(as_user, world, in_force):
    response = as_user(world.mentee).get(print_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mentoring contract" in page
    assert "Group “Group A” · Programme “Pathways”" in page
    assert "Version 1, in force since" in page
    assert "What we say stays in the group." in page
    assert "Max Mentee" in page and "Mina Mentor" in page
    assert "Sept. 1, 2026, 10:30 a.m." in page  # the mentee's zone is Europe/Berlin


def test_the_times_follow_the_readers_zone(as_user, world, in_force):
    world.coordinator.time_zone = "America/New_York"
    world.coordinator.save()
    page = as_user(world.coordinator).get(print_url(world)).content.decode()
    assert "Sept. 1, 2026, 4:30 a.m." in page


def test_the_page_links_the_print_stylesheet_and_has_no_inline_style(as_user, world, in_force):
    page = as_user(world.mentee).get(print_url(world)).content.decode()
    assert '<link rel="stylesheet" href="/static/css/print-contract.css">' in page
    assert "style=" not in page
    assert "<script>" not in page
    stylesheet = Path(finders.find("css/print-contract.css")).read_text()
    assert "@media print" in stylesheet
    assert "size: A4" in stylesheet
    assert re.search(r"header, footer, [^{]*\.no-print[^{]*\.btn", stylesheet), "navigation and buttons are hidden"


def test_the_contract_page_links_to_the_print_page_once_in_force(as_user, world, in_force):
    page = as_user(world.mentee).get(reverse("groups:contract", kwargs={"pk": world.group.pk})).content.decode()
    assert print_url(world) in page


def test_without_a_contract_in_force_the_page_explains_why(as_user, world):
    contracts.save_draft(group=world.group, by=world.mentor)
    contracts.propose(group=world.group, by=world.mentor)
    response = as_user(world.mentee).get(print_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No contract in force yet" in page
    assert "The contract can be printed when everyone in the group has agreed to it." in page


def test_outsiders_get_404_and_the_page_takes_get_only(as_user, world, in_force):
    assert as_user(world.outsider).get(print_url(world)).status_code == 404
    assert as_user(world.mentee).post(print_url(world)).status_code == 405


def test_someone_who_left_after_agreeing_is_still_on_the_printed_record(as_user, world, in_force):
    world.group.memberships.filter(user=world.mentee).update(left_at=timezone.now())
    page = as_user(world.mentor).get(print_url(world)).content.decode()
    assert "Max Mentee" in page
