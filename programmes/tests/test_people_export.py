"""Exporting a programme's people as a CSV file that spreadsheet programs open safely and correctly."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupRole
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from programmes.models import MembershipStatus, ProgrammeMembership, Role

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Email", "Role", "Status", "Joined", "Left", "Groups", "Language", "Time zone"]


def url(world, query: str = "") -> str:
    return reverse("programmes:people_csv", kwargs={"pk": world.programme.pk}) + query


def rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def by_name(response) -> dict[str, dict[str, str]]:
    header, *body = rows(response)
    return {row[0]: dict(zip(header, row, strict=True)) for row in body}


def test_the_export_lists_every_membership_with_its_details(as_user, world):
    left = timezone.make_aware(datetime.datetime(2026, 10, 3, 12, 0))
    walter = UserFactory(display_name="Walter Withdrawn", email="walter@example.org", language="de")
    ProgrammeMembership.objects.create(
        programme=world.programme,
        user=walter,
        role=Role.MENTEE,
        status=MembershipStatus.WITHDRAWN,
        joined_at=timezone.make_aware(datetime.datetime(2026, 9, 1, 9, 0)),
        left_at=left,
    )
    response = as_user(world.coordinator).get(url(world))
    assert response.status_code == 200
    assert rows(response)[0] == HEADER
    people = by_name(response)
    assert set(people) == {"Cora Coordinator", "Mina Mentor", "Max Mentee", "Olga Othergroup", "Walter Withdrawn"}
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Berlin")).isoformat()
    assert people["Max Mentee"] == {
        "Name": "Max Mentee",
        "Email": "mentee@example.org",
        "Role": "Mentee",
        "Status": "Active",
        "Joined": today,
        "Left": "",
        "Groups": "Group A",
        "Language": "English",
        "Time zone": "Europe/Berlin",
    }
    assert people["Walter Withdrawn"]["Status"] == "Withdrawn"
    assert people["Walter Withdrawn"]["Joined"] == "2026-09-01"
    assert people["Walter Withdrawn"]["Left"] == "2026-10-03"
    assert people["Walter Withdrawn"]["Language"] == "Deutsch"
    assert people["Cora Coordinator"]["Groups"] == ""


def test_groups_of_a_person_in_several_groups_are_joined_in_one_cell(as_user, world):
    add_to_group(MentoringGroupFactory(programme=world.programme, name="Circle"), world.mentor, GroupRole.MENTOR)
    add_to_group(MentoringGroupFactory(programme=world.programme, name="Another"), world.mentor, GroupRole.MENTOR)
    response = as_user(world.coordinator).get(url(world))
    assert by_name(response)["Mina Mentor"]["Groups"] == "Another, Circle, Group A"


def test_the_file_is_utf8_with_a_byte_order_mark_and_downloads_with_a_dated_name(as_user, world):
    world.mentee.display_name = "Zoë Ünal-Şahin"
    world.mentee.save()
    world.programme.name = "Pathways: Spring/Summer 2027"
    world.programme.save()
    response = as_user(world.coordinator).get(url(world))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8)
    assert "Zoë Ünal-Şahin" in by_name(response)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Europe/Berlin")).isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="pathways-springsummer-2027-people-{today}.csv"'


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Anna = Bob", "Anna = Bob"),
        ("Jean-Luc", "Jean-Luc"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_a_formula_are_made_plain_text(as_user, world, name, written):
    world.mentee.display_name = name
    world.mentee.save()
    response = as_user(world.coordinator).get(url(world))
    assert written in by_name(response)


def test_group_names_are_escaped_too(as_user, world):
    world.group.name = "=cmd|' /C calc'!A0"
    world.group.save()
    response = as_user(world.coordinator).get(url(world))
    assert by_name(response)["Max Mentee"]["Groups"] == "'=cmd|' /C calc'!A0"


def test_the_export_follows_the_filters_and_ignores_bad_ones(as_user, world):
    client = as_user(world.coordinator)
    assert set(by_name(client.get(url(world, "?role=mentor")))) == {"Mina Mentor"}
    assert len(by_name(client.get(url(world, "?role=nonsense")))) == 4


def test_the_export_makes_the_same_number_of_queries_however_many_people(as_user, world):
    client = as_user(world.coordinator)
    before = count_queries(client, url(world))
    # session, user, the programme door, memberships with their people, their current groups, the audit event
    assert before == 6
    for _ in range(5):
        group = MentoringGroupFactory(programme=world.programme)
        for _ in range(5):
            add_to_group(group, UserFactory(), GroupRole.MENTEE)
    assert count_queries(client, url(world)) == before
    assert len(rows(client.get(url(world)))) == 1 + 4 + 25


def test_only_the_programmes_coordinators_may_export(client, world):
    client.force_login(world.mentee)
    assert client.get(url(world)).status_code == 403
    client.force_login(world.other_coordinator)
    assert client.get(url(world)).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url(world)).status_code == 404
    client.logout()
    assert client.get(url(world)).status_code == 302


def test_the_export_is_read_only(as_user, world):
    assert as_user(world.coordinator).post(url(world)).status_code == 405
