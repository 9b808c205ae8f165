"""The coordinator's Sessions tab: for each group, how many sessions were held, not held, planned, not logged yet
and cancelled, when the last one was held, attendance at held sessions, and open concerns; then the sessions of the
last and next 30 days. Facts and numbers only: what was said in a session stays in the group, so no agenda,
summary, topics, briefing, action item or reflection reaches the page."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from groups.models import (
    ActionItem,
    AttendanceMark,
    Concern,
    ConcernStatus,
    GroupRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Reflection,
)
from mentoring.tests.factories import (
    MentoringGroupFactory,
    ProgrammeFactory,
    UserFactory,
    add_to_group,
    mark_attendance,
)
from mentoring.tests.querycount import count_queries
from programmes.models import ProgrammeMembership, Role

pytestmark = pytest.mark.django_db

SECRETS = {
    "agenda": "Agenda: Talk about Anna's divorce",
    "summary": "Summary: Max cried about his debts",
    "topics": "Topics: debts, divorce",
    "briefing": "Briefing: Nora missed the talk on debts",
    "action_item": "Action: Max calls the debt adviser",
    "reflection": "Reflection: I felt ashamed",
    "place": "Room of secrets 7",
}


def url(programme) -> str:
    return reverse("grouping:sessions", kwargs={"pk": programme.pk})


def at(days: float) -> datetime.datetime:
    """A time ``days`` from now (negative: ago), on the full hour."""
    base = timezone.now().replace(minute=0, second=0, microsecond=0)
    return base + datetime.timedelta(days=days)


def session(group, days, *, by, held=None, cancelled=False, marks=(), **fields) -> Meeting:
    meeting = Meeting.objects.create(
        group=group,
        starts_at=at(days),
        created_by=by,
        status=MeetingStatus.CANCELLED if cancelled else MeetingStatus.SCHEDULED,
        cancelled_at=at(days - 1) if cancelled else None,
        held=held,
        logged_at=at(days) + datetime.timedelta(hours=3) if held is not None else None,
        logged_by=by if held is not None else None,
        **fields,
    )
    mark_attendance(meeting, marks)
    return meeting


PRESENT, EXCUSED, ABSENT = AttendanceMark.PRESENT, AttendanceMark.EXCUSED, AttendanceMark.ABSENT


@pytest.fixture
def sessions(world):
    nora = UserFactory(display_name="Nora Newcomer")
    add_to_group(world.group, nora, GroupRole.MENTEE)
    mentor, mentee = world.mentor, world.mentee
    met = session(
        world.group,
        -10,
        by=mentor,
        held=True,
        marks=[(mentor, PRESENT), (mentee, PRESENT), (nora, ABSENT)],
        agenda=SECRETS["agenda"],
        summary=SECRETS["summary"],
        topics=SECRETS["topics"],
        briefing=SECRETS["briefing"],
        place=SECRETS["place"],
    )
    ActionItem.objects.create(meeting=met, owner=mentee, text=SECRETS["action_item"])
    Reflection.objects.create(meeting=met, author=mentee, text=SECRETS["reflection"])
    long_ago = session(
        world.group, -50, by=mentor, held=True, marks=[(mentor, PRESENT), (mentee, EXCUSED), (nora, PRESENT)]
    )
    not_held = session(world.group, -5, by=mentor, held=False, marks=[(mentee, ABSENT)])  # marks don't count
    not_logged = session(world.group, -3, by=mentor, agenda=SECRETS["agenda"])
    cancelled = session(world.group, -2, by=mentor, cancelled=True)
    check_in = session(
        world.group, 7, by=mentor, kind=MeetingKind.CHECK_IN, with_member=mentee, agenda=SECRETS["agenda"]
    )
    far = session(world.group, 40, by=mentor)
    other = session(
        world.other_group, -20, by=world.coordinator, held=True, marks=[(world.other_group_member, PRESENT)]
    )
    Concern.objects.create(group=world.group, raised_by=mentee, text="Worry")
    Concern.objects.create(
        group=world.group,
        raised_by=mentee,
        text="Old worry",
        status=ConcernStatus.RESOLVED,
        resolved_at=timezone.now(),
        resolved_by=world.coordinator,
    )
    return {
        "met": met,
        "long_ago": long_ago,
        "not_held": not_held,
        "not_logged": not_logged,
        "cancelled": cancelled,
        "check_in": check_in,
        "far": far,
        "other": other,
    }


def test_each_group_is_counted_with_its_attendance_and_open_concerns(as_user, world, sessions):
    overview = as_user(world.coordinator).get(url(world.programme)).context["overview"]
    rows = {row.group.name: row for row in overview.rows}
    a, b = rows["Group A"], rows["Group B"]
    assert (a.held, a.not_held, a.planned, a.not_logged, a.cancelled) == (2, 1, 2, 1, 1)
    assert a.last_held == sessions["met"].starts_at
    assert (a.present, a.marks, a.attendance_rate) == (4, 6, 67)  # held sessions only: 2 + 2 present of 3 + 3
    assert a.open_concerns == 1
    assert (b.held, b.not_held, b.planned, b.not_logged, b.cancelled) == (1, 0, 0, 0, 0)
    assert (b.present, b.marks, b.attendance_rate, b.open_concerns) == (1, 1, 100, 0)
    total = overview.total
    assert (total.held, total.not_held, total.planned, total.not_logged, total.cancelled) == (3, 1, 2, 1, 1)
    assert (total.present, total.marks, total.attendance_rate, total.open_concerns) == (5, 7, 71, 1)
    assert total.last_held == sessions["met"].starts_at


def test_the_page_shows_the_figures_with_the_numbers_behind_the_rate(as_user, world, sessions):
    page = as_user(world.coordinator).get(url(world.programme)).text
    assert "67% (4 of 6 present)" in page and "100% (1 of 1 present)" in page and "71% (5 of 7 present)" in page
    assert "1 open concern" in page and reverse("grouping:concerns", kwargs={"pk": world.programme.pk}) in page


def test_the_last_and_next_30_days_are_listed_with_their_state_and_attendance(as_user, world, sessions):
    response = as_user(world.coordinator).get(url(world.programme))
    overview = response.context["overview"]
    assert [(m.pk, m.state) for m in overview.recent] == [
        (sessions["cancelled"].pk, "cancelled"),
        (sessions["not_logged"].pk, "not_logged"),
        (sessions["not_held"].pk, "not_held"),
        (sessions["met"].pk, "held"),
        (sessions["other"].pk, "held"),
    ]  # the most recent first; the session of 50 days ago is not listed
    assert [(m.pk, m.state) for m in overview.coming] == [(sessions["check_in"].pk, "planned")]  # not the one in 40
    met = overview.recent[3]
    assert (met.present, met.excused, met.absent) == (2, 0, 1)
    page = response.text
    assert "2 present, 0 absent with notice, 1 absent" in page
    assert "One-to-one check-in" in page and "Group session" in page
    for label in ("Held", "Not held", "Not logged yet", "Cancelled", "Planned"):
        assert f">{label}</span>" in page


def test_times_are_shown_in_the_readers_time_zone(as_user, world, sessions):
    world.coordinator.time_zone = "Asia/Tokyo"
    world.coordinator.save(update_fields=["time_zone"])
    page = as_user(world.coordinator).get(url(world.programme)).text
    tokyo = timezone.localtime(sessions["check_in"].starts_at, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert dateformat.format(tokyo, "N j, Y, P") in page
    assert "Times are shown in your time zone (Asia/Tokyo)." in page


def test_nothing_said_in_a_session_reaches_the_coordinator(as_user, world, sessions):
    page = as_user(world.coordinator).get(url(world.programme)).content.decode()
    for secret in SECRETS.values():
        assert secret not in page
        assert secret.replace("'", "&#x27;") not in page
    for word in ("divorce", "debts", "ashamed", "Worry"):
        assert word not in page


def test_the_overview_does_not_even_load_what_was_said(world, sessions):
    from groups.services.concerns import sessions_overview

    overview = sessions_overview(world.programme)
    for meeting in overview.recent + overview.coming:
        assert {"agenda", "summary", "topics", "briefing", "place", "video_link"} <= meeting.get_deferred_fields()


def test_without_sessions_the_page_says_who_schedules_them(as_user, world):
    page = as_user(world.coordinator).get(url(world.programme)).text
    assert "No sessions yet." in page
    assert "Mentors schedule their group's sessions from the group's page." in page
    assert "Group A" in page  # the groups are listed, with zeros


def test_without_groups_the_page_says_to_form_them(as_user, world):
    empty = ProgrammeFactory()
    ProgrammeMembership.objects.create(programme=empty, user=world.coordinator, role=Role.COORDINATOR)
    page = as_user(world.coordinator).get(url(empty)).text
    assert "No groups yet." in page and reverse("grouping:groups", kwargs={"pk": empty.pk}) in page


def test_sessions_of_another_programme_are_not_counted(as_user, world, sessions):
    elsewhere = MentoringGroupFactory(programme=world.other_programme, name="Elsewhere group")
    session(elsewhere, -1, by=world.other_coordinator, held=True)
    overview = as_user(world.coordinator).get(url(world.programme)).context["overview"]
    assert overview.total.held == 3
    assert "Elsewhere group" not in as_user(world.coordinator).get(url(world.programme)).text


@pytest.mark.parametrize(
    ("persona", "status"),
    [("mentor", 403), ("mentee", 403), ("other_group_member", 403), ("other_coordinator", 404), ("outsider", 404)],
)
def test_only_the_programmes_coordinators_see_the_overview(as_user, world, persona, status):
    assert as_user(getattr(world, persona)).get(url(world.programme)).status_code == status


def test_the_overview_takes_only_get(as_user, world):
    assert as_user(world.coordinator).post(url(world.programme)).status_code == 405


def _busy_group(programme, index):
    group = MentoringGroupFactory(programme=programme)
    mentor, mentee = UserFactory(), UserFactory()
    add_to_group(group, mentor, GroupRole.MENTOR)
    add_to_group(group, mentee, GroupRole.MENTEE)
    session(group, -index - 1, by=mentor, held=True, marks=[(mentor, PRESENT), (mentee, ABSENT)])
    session(group, index + 1, by=mentor, kind=MeetingKind.CHECK_IN, with_member=mentee)
    session(group, -index - 2, by=mentor)
    session(group, -index - 3, by=mentor, cancelled=True)
    Concern.objects.create(group=group, raised_by=mentee, text="Worry")


def test_the_overview_makes_as_many_queries_for_six_groups_as_for_two(as_user, world):
    client = as_user(world.coordinator)
    for index, group in enumerate((world.group, world.other_group)):
        session(group, -index - 1, by=world.coordinator, held=True, marks=[(world.coordinator, PRESENT)])
        session(group, index + 1, by=world.coordinator)
    small = count_queries(client, url(world.programme))
    for index in range(4):
        _busy_group(world.programme, index)
    assert world.programme.groups.count() == 6
    # The session and the user, the programme's door, the groups, the session counts, the attendance counts, the
    # open concerns, the sessions around today, the undelivered emails, and the navigation bar's one.
    assert count_queries(client, url(world.programme)) == small == 9
