"""The dashboard's groups table a page at a time (sort and filter kept across pages, the figures in numbers over
every group), and the sessions by month counted where the programme runs, the same as the database's own months."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from groups.models import Attendance, AttendanceMark, Meeting, MeetingKind, MeetingStatus
from mentoring.tests.factories import MentoringGroupFactory
from programmes.models import Programme
from reports.services.health import programme_health
from reports.tests.test_dashboard import PRESENT, formed_long_ago, held_session

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<th scope="row"><a href="[^"]+">([^<]+)</a>')


def page_of(client, world, **query) -> str:
    base = reverse("reports:dashboard", kwargs={"pk": world.programme.pk})
    response = client.get(base, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def fifty_one(world):
    """51 groups (Group A, Group B and 49 more), all formed long ago, so all at risk."""
    for index in range(49):
        MentoringGroupFactory(programme=world.programme, name=f"Extra {index:02d}")
    for group in world.programme.groups.all():
        formed_long_ago(group)
    return world


def test_the_table_shows_fifty_groups_a_page(client, fifty_one):
    client.force_login(fifty_one.coordinator)
    first = page_of(client, fifty_one, sort="name")
    assert len(ROW.findall(first)) == 50
    assert "Page 1 of 2" in first
    second = page_of(client, fifty_one, sort="name", page=2)
    assert ROW.findall(second) == ["Group B"]  # the last by name
    # The figures in numbers still count every group.
    assert re.search(r"<dd[^>]*>51 ·", first)


def test_sort_and_filter_are_kept_across_pages(client, fifty_one):
    client.force_login(fifty_one.coordinator)
    first = page_of(client, fifty_one, sort="-name", show="at_risk")
    assert ROW.findall(first)[:2] == ["Group B", "Group A"]
    next_link = re.search(r'<a class="page-link" href="\?([^"]+)">Next</a>', first).group(1).replace("&amp;", "&")
    assert sorted(next_link.split("&")) == ["page=2", "show=at_risk", "sort=-name"]
    second = page_of(client, fifty_one, sort="-name", show="at_risk", page=2)
    assert ROW.findall(second) == ["Extra 00"]
    assert "Previous" in second
    # A column header sorts from the first page again, keeping the filter.
    assert 'href="?sort=held&amp;show=at_risk"' in second


def test_a_page_out_of_range_shows_the_last(client, fifty_one):
    client.force_login(fifty_one.coordinator)
    assert ROW.findall(page_of(client, fifty_one, sort="name", page=9)) == ["Group B"]
    assert len(ROW.findall(page_of(client, fifty_one, sort="name", page="x"))) == 50


def _old_months(programme: Programme) -> dict[datetime.date, tuple[int, int, int]]:
    """Sessions held, marks and present by month, computed the way the dashboard did before: the database's own
    month of each session (TruncMonth in the programme's zone)."""
    zone = programme.zone
    held = Meeting.objects.filter(
        group__programme=programme, kind=MeetingKind.GROUP, status=MeetingStatus.SCHEDULED, held=True
    )
    months = {}
    for row in held.annotate(month=TruncMonth("starts_at", tzinfo=zone)).values("month").annotate(n=Count("pk")):
        months[row["month"].date()] = [row["n"], 0, 0]
    for row in (
        Attendance.objects.filter(meeting__in=held)
        .annotate(month=TruncMonth("meeting__starts_at", tzinfo=zone))
        .values("month")
        .annotate(marks=Count("pk"), present=Count("pk", filter=Q(status=AttendanceMark.PRESENT)))
    ):
        months[row["month"].date()][1:] = [row["marks"], row["present"]]
    return {month: tuple(figures) for month, figures in months.items()}


def test_months_are_those_of_the_programmes_zone_and_the_same_as_before(world):
    zone = zoneinfo.ZoneInfo("America/New_York")
    Programme.objects.filter(pk=world.programme.pk).update(
        time_zone="America/New_York", starts_on=timezone.localdate() - datetime.timedelta(days=120)
    )
    world.programme.refresh_from_db()
    today = timezone.now().astimezone(zone).date()
    last_of_previous = today.replace(day=1) - datetime.timedelta(days=1)
    late = datetime.datetime.combine(last_of_previous, datetime.time(23, 30), tzinfo=zone)  # 03:30 or 04:30 UTC
    early = datetime.datetime.combine(today.replace(day=1), datetime.time(0, 0), tzinfo=zone)
    long_before = datetime.datetime.combine(world.programme.starts_on, datetime.time(12), tzinfo=zone)
    long_before -= datetime.timedelta(days=70)  # before the programme started
    marks = [(world.mentor, PRESENT), (world.mentee, AttendanceMark.ABSENT)]
    for starts in (late, early, long_before):
        meeting = held_session(world.group, 0, marks)
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts)
    held_session(world.other_group, 100, marks[:1])
    cancelled = held_session(world.other_group, 20)
    Meeting.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED, cancelled_at=timezone.now())

    months = programme_health(world.programme).months
    figures = {month.month: (month.held, month.marks, month.present) for month in months}
    assert figures == _old_months(world.programme)
    assert figures[last_of_previous.replace(day=1)] == (1, 2, 1)  # 23:30 on the last day stays in its month
    assert figures[today.replace(day=1)][0] >= 1
    assert [month.month for month in months] == sorted(figures)
    group = next(g for g in programme_health(world.programme).groups if g.group == world.group)
    assert (group.held, group.marks, group.present, group.first_held) == (3, 6, 3, long_before)
