"""The programme's audit log page: for its coordinators only, the newest first, 50 to a page, filtered by what
happened, with times in the reader's zone and people by the name they have now ("Former participant" once erased).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.services import record
from mentoring.tests.factories import UserFactory
from mentoring.tests.querycount import count_queries
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db


def url(programme, **query) -> str:
    address = reverse("audit:programme_log", kwargs={"pk": programme.pk})
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


def many(world, count: int, action=AuditAction.EXPORT_PEOPLE) -> None:
    for _ in range(count):
        record(action=action, actor=UserFactory(), programme=world.programme, person=UserFactory(), details={"rows": 2})


def test_the_empty_log_says_what_will_appear(world, as_user):
    page = as_user(world.coordinator).get(url(world.programme)).content.decode()
    assert "Nothing has been recorded yet." in page
    assert "erases someone&#x27;s personal data" in page or "erases someone's personal data" in page


def test_the_log_lists_the_programmes_events_the_newest_first(world, as_user):
    record(
        action=AuditAction.ROLE_ADDED,
        actor=world.coordinator,
        programme=world.programme,
        person=world.mentor,
        details={"role": "mentor"},
    )
    record(action=AuditAction.EXPORT_DASHBOARD, actor=world.coordinator, programme=world.programme, details={"rows": 2})
    record(action=AuditAction.EXPORT_PEOPLE, actor=world.other_coordinator, programme=world.other_programme)
    record(action=AuditAction.ACCOUNT_DELETED, actor=world.outsider, person=world.outsider)
    response = as_user(world.coordinator).get(url(world.programme))
    assert [event.action for event in response.context["events"]] == ["export_dashboard", "role_added"]
    page = response.content.decode()
    assert "Group figures exported" in page and "2 rows" in page
    assert "Role given" in page and "Mina Mentor" in page and "Cora Coordinator" in page
    assert "Otto Other" not in page and "Oscar Outsider" not in page


def test_times_are_shown_in_the_readers_zone(world, as_user):
    at = datetime.datetime(2026, 11, 2, 8, 30, tzinfo=datetime.UTC)
    AuditEvent.objects.create(
        at=at, action=AuditAction.EXPORT_PEOPLE, actor=world.coordinator, programme=world.programme
    )
    world.coordinator.time_zone = "Asia/Tokyo"
    world.coordinator.save()
    page = as_user(world.coordinator).get(url(world.programme)).content.decode()
    assert "11/02/2026 5:30 p.m." in page  # 08:30 UTC is 17:30 in Tokyo
    assert 'datetime="2026-11-02T08:30:00+00:00"' in page
    assert "Asia/Tokyo" in page


def test_erased_people_appear_as_former_participants(world, as_user):
    record(
        action=AuditAction.ROLE_ADDED,
        actor=world.mentor,
        programme=world.programme,
        person=world.mentee,
        details={"role": "mentee"},
    )
    anonymise_person(user=world.mentee, by=world.coordinator)
    anonymise_person(user=world.mentor, by=world.coordinator)
    page = as_user(world.coordinator).get(url(world.programme)).content.decode()
    assert "Max Mentee" not in page and "Mina Mentor" not in page
    assert page.count("Former participant") >= 2


def test_the_system_is_named_as_such(world, as_user):
    record(action=AuditAction.ROLE_ADDED, actor=None, programme=world.programme, person=world.mentee)
    assert "The system" in as_user(world.coordinator).get(url(world.programme)).content.decode()


def test_the_log_filters_by_what_happened(world, as_user):
    many(world, 2)
    record(
        action=AuditAction.CONCERNS_VIEWED,
        actor=world.coordinator,
        programme=world.programme,
        details={"concerns": 3, "open": 1},
    )
    client = as_user(world.coordinator)
    response = client.get(url(world.programme, action="concerns_viewed"))
    assert [event.action for event in response.context["events"]] == ["concerns_viewed"]
    assert "3 concerns shown" in response.content.decode()
    response = client.get(url(world.programme, action="role_withdrawn"))
    assert "Nothing of this kind has happened in the programme yet." in response.content.decode()
    response = client.get(url(world.programme, action="nonsense"))  # ignored, like every filter of the site
    assert response.status_code == 200
    assert len(response.context["events"]) == 3


def test_the_log_has_pages_of_fifty_that_keep_the_filter(world, as_user):
    many(world, 51)
    many(world, 1, action=AuditAction.EXPORT_DASHBOARD)
    client = as_user(world.coordinator)
    first = client.get(url(world.programme))
    assert len(first.context["events"]) == 50
    assert first.context["events"][0].action == "export_dashboard"  # the newest
    second = client.get(url(world.programme, page=2))
    assert len(second.context["events"]) == 2
    filtered = client.get(url(world.programme, action="export_people"))
    assert 'href="?action=export_people&amp;page=2"' in filtered.content.decode()
    assert len(client.get(url(world.programme, action="export_people", page=2)).context["events"]) == 1
    assert len(client.get(url(world.programme, page=99)).context["events"]) == 2
    assert len(client.get(url(world.programme, page="x")).context["events"]) == 50


def test_the_query_count_stays_flat_as_the_log_grows(world, as_user):
    client = as_user(world.coordinator)
    many(world, 2)
    few = count_queries(client, url(world.programme))
    many(world, 60)
    assert count_queries(client, url(world.programme)) == few
    assert count_queries(client, url(world.programme, action="export_people", page=2)) == few


def test_the_log_is_read_only(world, as_user):
    assert as_user(world.coordinator).post(url(world.programme)).status_code == 405


def test_the_overview_links_to_the_log(world, as_user):
    page = as_user(world.coordinator).get(reverse("programmes:detail", kwargs={"pk": world.programme.pk}))
    assert url(world.programme) in page.content.decode()


def test_an_events_time_defaults_to_now(world):
    before = timezone.now()
    event = record(action=AuditAction.EXPORT_PEOPLE, actor=world.coordinator, programme=world.programme)
    assert before <= event.at <= timezone.now()
