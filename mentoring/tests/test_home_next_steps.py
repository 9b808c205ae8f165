"""The signed-in home page as the person's next step: a mentor sees the sessions to come and to log, their action
items, their groups' contracts and their mentor circle; a mentee sees their next session with a calendar file, their
goals, their action items and the briefings of sessions they missed. Someone with both roles sees both."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import ActionItem, AttendanceMark, Goal, GoalStatus, GroupKind, GroupRole, Meeting
from groups.models.meetings import MeetingKind, MeetingStatus
from groups.services import contracts
from mentoring.tests.factories import (
    MentoringGroupFactory,
    ProgrammeFactory,
    UserFactory,
    add_to_group,
    mark_attendance,
)
from mentoring.tests.querycount import count_queries
from programmes.models import ProgrammeStatus

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def session(group, leader, starts_at, **fields) -> Meeting:
    return Meeting.objects.create(group=group, starts_at=starts_at, created_by=leader, **fields)


def logged(group, leader, starts_at, **fields) -> Meeting:
    return session(group, leader, starts_at, held=True, logged_at=starts_at + 2 * HOUR, logged_by=leader, **fields)


def item(meeting, owner, text, **fields) -> ActionItem:
    return ActionItem.objects.create(meeting=meeting, owner=owner, text=text, **fields)


def session_url(meeting) -> str:
    return reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def home(as_user, person) -> str:
    response = as_user(person).get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def circle(world):
    group = MentoringGroupFactory(programme=world.programme, name="Circle of mentors", kind=GroupKind.MENTOR_CIRCLE)
    add_to_group(group, world.mentor, GroupRole.MENTOR)
    supervisor = UserFactory(display_name="Sue Supervisor")
    add_to_group(group, supervisor, GroupRole.SUPERVISOR)
    group.supervisor = supervisor
    return group


# A mentor's home ---------------------------------------------------------------------------------------------------


def test_a_mentor_sees_their_next_sessions_in_their_zone_with_place_link_and_session_page(as_user, world, circle):
    world.mentor.time_zone = "Asia/Tokyo"
    world.mentor.save()
    starts = datetime.datetime(2035, 3, 6, 23, 0, tzinfo=datetime.UTC)
    group_session = session(world.group, world.mentor, starts, place="Room 4", video_link="https://meet.example.org/a")
    circle_session = session(circle, circle.supervisor, starts + 7 * DAY)
    session(world.group, world.mentor, starts + DAY, status=MeetingStatus.CANCELLED, cancelled_at=timezone.now())
    session(world.other_group, world.coordinator, starts)
    text = home(as_user, world.mentor)
    assert "Your next sessions" in text
    assert "March 7, 2035, 8 a.m." in text  # 23:00 UTC is 8:00 the next morning in Tokyo
    assert "Room 4" in text and 'href="https://meet.example.org/a"' in text
    assert session_url(group_session) in text
    assert session_url(circle_session) in text and "Session of Circle of mentors" in text
    assert "Group B" not in text


def test_a_mentor_is_asked_to_log_sessions_that_took_place(as_user, world):
    now = timezone.now()
    due = session(world.group, world.mentor, now - 3 * HOUR)
    under_way = session(world.group, world.mentor, now - HOUR)
    done = logged(world.group, world.mentor, now - 2 * DAY)
    called_off = session(
        world.group, world.mentor, now - 2 * DAY, status=MeetingStatus.CANCELLED, cancelled_at=now - 3 * DAY
    )
    text = home(as_user, world.mentor)
    assert "Sessions to log" in text
    log_url = reverse("groups:session_log", kwargs={"pk": world.group.pk, "session_pk": due.pk})
    assert f'href="{log_url}"' in text and "Log it" in text
    for other in (under_way, done, called_off):
        assert reverse("groups:session_log", kwargs={"pk": world.group.pk, "session_pk": other.pk}) not in text
    # A mentee of a mentor-led group does not log sessions.
    assert "Sessions to log" not in home(as_user, world.mentee)


def test_a_mentor_with_everything_logged_is_told_so(as_user, world):
    text = home(as_user, world.mentor)
    assert "All your sessions are logged." in text
    assert "No session is planned." in text
    assert "You have nothing open." in text


def test_a_mentor_sees_their_open_action_items_only(as_user, world):
    meeting = logged(world.group, world.mentor, timezone.now() - 2 * DAY)
    item(meeting, world.mentor, "Send the reading list", due_on=datetime.date(2035, 1, 31))
    item(meeting, world.mentor, "Book a room", done_at=timezone.now())
    item(meeting, world.mentee, "Update my CV")
    text = home(as_user, world.mentor)
    assert "Your action items" in text
    assert "Send the reading list" in text and "Due: Jan. 31, 2035" in text
    assert session_url(meeting) in text
    assert "Book a room" not in text and "Update my CV" not in text


def test_a_mentor_sees_each_groups_contract_status(as_user, world):
    group_c = MentoringGroupFactory(programme=world.programme, name="Group C")
    add_to_group(group_c, world.mentor, GroupRole.MENTOR)
    group_d = MentoringGroupFactory(programme=world.programme, name="Group D")
    add_to_group(group_d, world.mentor, GroupRole.MENTOR)
    add_to_group(group_d, UserFactory(), GroupRole.MENTEE)
    contracts.save_draft(group=world.group, by=world.mentor, confidentiality="What we say stays here.")
    contracts.propose(group=world.group, by=world.mentor)
    contracts.save_draft(group=group_c, by=world.mentor, confidentiality="What we say stays here.")
    contracts.propose(group=group_c, by=world.mentor)
    contracts.agree(group=group_c, user=world.mentor, number=1)
    text = home(as_user, world.mentor)
    assert "Group contracts" in text
    assert "Waiting for 2 people to agree" in text  # Group A: the mentor and the mentee
    assert "In force" in text  # Group C: the mentor is its only member
    assert "Not written yet" in text  # Group D
    assert reverse("groups:contract", kwargs={"pk": group_d.pk}) in text
    assert "Group contracts" not in home(as_user, world.mentee)


def test_a_mentor_sees_their_mentor_circle_and_its_next_session(as_user, world, circle):
    text = home(as_user, world.mentor)
    assert "Your mentor circle" in text and "Circle of mentors" in text
    assert "No circle session is planned yet." in text
    next_one = session(circle, circle.supervisor, timezone.now() + 3 * DAY)
    text = home(as_user, world.mentor)
    assert "Next circle session:" in text and session_url(next_one) in text


# A mentee's home ---------------------------------------------------------------------------------------------------


def test_a_mentee_sees_their_next_session_with_a_calendar_file_and_the_feed(as_user, world):
    now = timezone.now()
    session(world.group, world.mentor, now - 3 * DAY)
    soon = session(world.group, world.mentor, now + 2 * DAY, video_link="https://meet.example.org/a")
    later = session(world.group, world.mentor, now + 9 * DAY)
    check_in = session(
        world.group, world.mentor, now + DAY, kind=MeetingKind.CHECK_IN, with_member=UserFactory(display_name="Nia")
    )
    text = home(as_user, world.mentee)
    assert "Your next session" in text
    assert session_url(soon) in text
    assert reverse("groups:session_ics", kwargs={"pk": world.group.pk, "session_pk": soon.pk}) in text
    assert reverse("accounts:calendar") in text
    assert session_url(later) not in text and session_url(check_in) not in text


def test_a_mentee_without_a_session_is_told_what_happens_next(as_user, world):
    text = home(as_user, world.mentee)
    assert "No session is planned yet." in text
    assert "You have no open goals." in text
    assert reverse("groups:goals", kwargs={"pk": world.group.pk}) in text
    assert "Sessions you missed" not in text


def test_a_mentee_sees_their_own_goals_and_the_common_ones_with_status(as_user, world):
    neighbour = UserFactory()
    add_to_group(world.group, neighbour, GroupRole.MENTEE)

    def goal(title, owner, **fields):
        fields.setdefault("shared_with_group", owner is None)
        return Goal.objects.create(group=world.group, owner=owner, title=title, created_by=world.mentor, **fields)

    mine = goal("Speak up in meetings", world.mentee, status=GoalStatus.IN_PROGRESS)
    goal("Meet every fortnight", None)
    goal("Finish my thesis", world.mentee, status=GoalStatus.ACHIEVED)
    goal("A neighbour's private goal", neighbour)
    goal("A neighbour's shared goal", neighbour, shared_with_group=True)
    text = home(as_user, world.mentee)
    assert "Your goals" in text
    assert "Speak up in meetings" in text and "In progress" in text
    assert reverse("groups:goal", kwargs={"pk": world.group.pk, "goal_pk": mine.pk}) in text
    assert "Meet every fortnight" in text and "Common goal of Group A" in text
    assert "Finish my thesis" not in text  # achieved: nothing left to do
    assert "private goal" not in text and "shared goal" not in text


def test_a_mentee_sees_briefings_of_the_sessions_they_missed(as_user, world):
    now = timezone.now()

    def missed(days_ago, mark, briefing="We talked about CVs."):
        meeting = logged(world.group, world.mentor, now - days_ago * DAY, briefing=briefing)
        mark_attendance(meeting, [(world.mentee, mark)])
        return meeting

    absent = missed(3, AttendanceMark.ABSENT)
    excused = missed(10, AttendanceMark.EXCUSED)
    present = missed(5, AttendanceMark.PRESENT)
    no_briefing = missed(6, AttendanceMark.ABSENT, briefing="")
    too_old = missed(70, AttendanceMark.ABSENT)
    text = home(as_user, world.mentee)
    assert "Sessions you missed" in text
    assert session_url(absent) in text and session_url(excused) in text
    for other in (present, no_briefing, too_old):
        assert session_url(other) not in text
    assert "Sessions you missed" not in home(as_user, world.mentor)


def test_groups_of_a_closed_programme_are_left_out(as_user, world):
    item(logged(world.group, world.mentor, timezone.now() - DAY), world.mentee, "Update my CV")
    world.programme.status = ProgrammeStatus.CLOSED
    world.programme.save()
    text = home(as_user, world.mentee)
    assert "Update my CV" not in text
    assert "Your next session" not in text


# Both roles --------------------------------------------------------------------------------------------------------


def test_a_mentor_in_one_programme_and_mentee_in_another_sees_both(as_user, world):
    elsewhere = MentoringGroupFactory(programme=ProgrammeFactory(name="Leaders"), name="Group L")
    add_to_group(elsewhere, world.mentor, GroupRole.MENTEE)
    lead = UserFactory()
    add_to_group(elsewhere, lead, GroupRole.MENTOR)
    their_session = session(elsewhere, lead, timezone.now() + DAY)
    text = home(as_user, world.mentor)
    assert "Your next session" in text and session_url(their_session) in text  # as a mentee
    assert "Sessions to log" in text and "Group contracts" in text  # as a mentor
    assert "Your goals" in text


# Query counts ------------------------------------------------------------------------------------------------------


def fill(world, person, role, groups: int, sessions: int, items: int, circle=None):
    """Gives ``person`` that many groups in ``role`` (Group A counts) with sessions to come, sessions to log,
    missed sessions with a briefing, goals and action items, spread over the groups."""
    now = timezone.now()
    mine = [world.group]
    for n in range(groups - 1):
        group = MentoringGroupFactory(programme=ProgrammeFactory(), name=f"Group {role} {n}")
        add_to_group(group, person, role)
        mine.append(group)
    for n in range(sessions):
        group = mine[n % len(mine)]
        session(group, world.mentor, now + (n + 1) * DAY)
        past = logged(group, world.mentor, now - (n + 1) * DAY, briefing="What we did.")
        mark_attendance(past, [(person, AttendanceMark.ABSENT)])
        session(group, world.mentor, now - (n + 1) * DAY - 3 * HOUR)  # to log
        if circle is not None:
            session(circle, circle.supervisor, now + (n + 1) * DAY)
    meetings = list(Meeting.objects.filter(group__in=mine, logged_at__isnull=False))
    for n in range(items):
        meeting = meetings[n % len(meetings)]
        item(meeting, person, f"Thing {n}", due_on=datetime.date(2035, 1, 1) + n * DAY)
        Goal.objects.create(
            group=meeting.group, owner=None, shared_with_group=True, title=f"Common {n}", created_by=world.mentor
        )
        Goal.objects.create(group=meeting.group, owner=person, title=f"Goal {n}", created_by=person)


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_the_query_count_is_the_same_for_a_small_and_a_large_home(as_user, world, circle, who):
    person = getattr(world, who)
    client = as_user(person)
    fill(world, person, who, groups=1, sessions=2, items=2, circle=circle if who == "mentor" else None)
    small = count_queries(client, "/")
    fill(world, person, who, groups=3, sessions=20, items=15, circle=circle if who == "mentor" else None)
    response = client.get("/")
    steps = response.context["steps"]
    if who == "mentor":
        assert (
            len(steps.mentor_sessions) == 5 and len(steps.to_log) == 10 and len(steps.contracts) == 4
        )  # 3 groups, the circle
    else:
        assert steps.mentee_next is not None and len(steps.goals) == 10 and len(steps.briefings) == 10
    assert len(steps.action_items) == 10
    large = count_queries(client, "/")
    # The 10 of test_home.py's page, then for a mentor: next sessions, to log, action items, briefings, contracts
    # (3), the circle; for a mentee: next session, goals, action items, briefings.
    assert large == small == {"mentor": 18, "mentee": 14}[who]
