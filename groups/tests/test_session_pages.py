"""The group's sessions page and a session's page: what is coming up and what happened, in the reader's time zone
(and the programme's when it differs), with the right buttons for the right people, in a fixed number of
queries however many sessions, members, items and reflections there are."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from groups.access import GroupAccess
from groups.models import (
    ActionItem,
    AttendanceMark,
    GroupRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Reflection,
)
from groups.services.session_log import summary_section
from mentoring.tests.factories import UserFactory, add_to_group, mark_attendance
from mentoring.tests.querycount import count_queries
from programmes.models import Programme

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def sessions_url(group) -> str:
    return reverse("groups:sessions", kwargs={"pk": group.pk})


def session_url(meeting) -> str:
    return reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def meeting(world, *, days=0, hours=0, **fields) -> Meeting:
    """A session of the world's group, ``days`` and ``hours`` from now (negative: in the past)."""
    return Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() + datetime.timedelta(days=days, hours=hours),
        created_by=world.mentor,
        **fields,
    )


def logged(world, *, days, held=True, **fields) -> Meeting:
    return meeting(world, days=days, held=held, logged_at=timezone.now(), logged_by=world.mentor, **fields)


# The list


def test_the_list_splits_sessions_coming_up_from_past_ones(as_user, world):
    soon = meeting(world, days=2)
    later = meeting(world, days=9)
    last_week = logged(world, days=-7)
    yesterday = meeting(world, days=-1)
    sessions = as_user(world.mentee).get(sessions_url(world.group)).context["sessions"]
    assert sessions.upcoming == [soon, later]
    assert sessions.past == [yesterday, last_week]  # the most recent first


def test_the_list_says_what_happened_and_how_many_came(as_user, world):
    held = logged(world, days=-7)
    mark_attendance(held, [(world.mentor, AttendanceMark.PRESENT), (world.mentee, AttendanceMark.ABSENT)])
    logged(world, days=-14, held=False)
    meeting(world, days=-1)
    meeting(world, days=-21, status=MeetingStatus.CANCELLED, cancelled_at=timezone.now())
    text = as_user(world.mentee).get(sessions_url(world.group)).text
    assert "1 present, 0 absent with notice, 1 absent" in text
    assert "Held" in text and "Not held" in text and "Not logged yet" in text and "Cancelled" in text


def test_cancelled_sessions_coming_up_are_marked(as_user, world):
    meeting(world, days=3, status=MeetingStatus.CANCELLED, cancelled_at=timezone.now(), place="Town hall")
    page = as_user(world.mentee).get(sessions_url(world.group))
    assert '<span class="badge text-bg-secondary">Cancelled</span>' in page.text
    assert "<s>" in page.text
    assert "Town hall" not in page.text  # nobody needs to go there


def test_members_see_where_sessions_take_place(as_user, world):
    meeting(world, days=3, place="Library, room 4", video_link="https://meet.example.org/a")
    text = as_user(world.mentee).get(sessions_url(world.group)).text
    assert "Library, room 4" in text
    assert 'href="https://meet.example.org/a"' in text


def test_times_are_in_the_readers_zone_and_the_programmes(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(time_zone="America/New_York")
    world.mentee.time_zone = "Asia/Tokyo"
    world.mentee.save()
    Meeting.objects.create(
        group=world.group,
        starts_at=datetime.datetime(2099, 3, 6, 23, 0, tzinfo=UTC),
        minutes=120,
        created_by=world.mentor,
    )
    text = as_user(world.mentee).get(sessions_url(world.group)).text
    assert "Times are shown in your time zone (Asia/Tokyo)." in text
    assert "Sat March 7, 2099, 8 a.m." in text  # Tokyo
    assert "Fri March 6, 2099, 6 p.m.–8 p.m. (America/New_York time)" in text


def test_the_programmes_zone_is_not_repeated_when_it_is_the_readers(as_user, world):
    meeting(world, days=3)
    assert "Europe/Berlin time" not in as_user(world.mentee).get(sessions_url(world.group)).text


def test_only_leaders_are_offered_to_log_a_past_session(as_user, world):
    past = meeting(world, days=-1)
    meeting(world, days=2)
    logged(world, days=-8)
    mentor_page = as_user(world.mentor).get(sessions_url(world.group)).text
    assert mentor_page.count("Log this session") == 1
    assert reverse("groups:session_log", kwargs={"pk": world.group.pk, "session_pk": past.pk}) in mentor_page
    assert "Log this session" not in as_user(world.mentee).get(sessions_url(world.group)).text


def test_a_session_in_progress_can_be_logged(as_user, world):
    now = meeting(world, hours=-1)
    assert now in as_user(world.mentor).get(sessions_url(world.group)).context["sessions"].past
    assert "Log this session" in as_user(world.mentor).get(session_url(now)).text


def test_an_empty_list_says_what_to_do_next(as_user, world):
    assert "Plan the group's next session" in as_user(world.mentor).get(sessions_url(world.group)).text
    text = as_user(world.mentee).get(sessions_url(world.group)).text
    assert "When the next session is planned, you will see it here" in text
    assert "No past sessions yet." in text


def test_the_list_and_a_session_take_get_only(as_user, world):
    client = as_user(world.mentor)
    assert client.post(sessions_url(world.group)).status_code == 405
    assert client.post(session_url(meeting(world, days=-1))).status_code == 405


# A session's page


def test_a_member_sees_the_agenda_before_the_session(as_user, world):
    upcoming = meeting(world, days=3, agenda="Bring your CV")
    page = as_user(world.mentee).get(session_url(upcoming))
    assert "Bring your CV" in page.text
    assert "Coming up" in page.text
    assert "Write your reflection" not in page.text
    assert "Log this session" not in page.text


def test_the_logged_session_shows_the_log_attendance_items_and_a_link_to_reflect(as_user, world):
    held = logged(world, days=-2, summary="We met the new member.", topics="CV, interviews")
    mark_attendance(held, [(world.mentee, AttendanceMark.EXCUSED)])
    ActionItem.objects.create(meeting=held, owner=world.mentee, text="Write a cover letter")
    page = as_user(world.mentee).get(session_url(held))
    text = page.text
    assert "We met the new member." in text and "CV, interviews" in text
    assert "Absent with notice" in text
    assert "Write a cover letter" in text and "You" in text
    assert "Write your reflection" in text
    assert "Change the log" not in text
    assert "Change the log" in as_user(world.mentor).get(session_url(held)).text


def test_a_session_of_another_group_is_not_found(as_user, world):
    theirs = Meeting.objects.create(
        group=world.other_group, starts_at=timezone.now(), created_by=world.other_group_member
    )
    url = reverse("groups:session", kwargs={"pk": world.group.pk, "session_pk": theirs.pk})
    assert as_user(world.mentor).get(url).status_code == 404
    assert as_user(world.other_group_member).get(session_url(theirs)).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "other_group_member", "other_coordinator"])
def test_people_outside_the_group_get_not_found(as_user, world, who):
    held = logged(world, days=-2)
    client = as_user(getattr(world, who))
    assert client.get(sessions_url(world.group)).status_code == 404
    assert client.get(session_url(held)).status_code == 404


# The group's page


def test_the_groups_page_section_names_the_next_session(world):
    meeting(world, days=-1)
    cancelled = meeting(world, days=1, status=MeetingStatus.CANCELLED, cancelled_at=timezone.now())
    nxt = meeting(world, days=4, place="Library")
    meeting(world, days=11)
    access = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    section = summary_section(access, world.mentee)
    assert section["next"] == nxt != cancelled
    html = render_to_string(
        "groups/sessions/_next_session.html",
        {"session_summary": section, "group": world.group, "programme": world.programme, "user": world.mentee},
    )
    assert "Next session:" in html and "Library" in html
    assert sessions_url(world.group) in html and session_url(nxt) in html
    coordinator = GroupAccess(group=world.group, group_role=None, is_coordinator=True)
    html = render_to_string(
        "groups/sessions/_next_session.html",
        {
            "session_summary": summary_section(coordinator, world.coordinator),
            "group": world.group,
            "programme": world.programme,
            "user": world.coordinator,
        },
    )
    assert "Next session:" in html and "Library" not in html


def test_the_groups_page_links_to_the_sessions(as_user, world):
    assert sessions_url(world.group) in as_user(world.mentee).get(reverse("groups:detail", args=[world.group.pk])).text


# Query counts


def fill(world, count: int, people: list) -> Meeting:
    """``count`` sessions, half past and logged with everyone's attendance, an item each, a reflection each; one
    check-in per five. Returns the last past session."""
    last = None
    for index in range(count):
        days = -(index + 1) * 7 if index % 2 == 0 else (index + 1) * 7
        fields = {"kind": MeetingKind.CHECK_IN, "with_member": world.mentee} if index % 5 == 4 else {}
        if days < 0:
            last = logged(world, days=days, summary="S", **fields)
            mark_attendance(last, [(person, AttendanceMark.PRESENT) for person in people])
            for person in people:
                ActionItem.objects.create(meeting=last, owner=person, text="Do it")
                Reflection.objects.create(meeting=last, author=person, text="R", shared_with_group=True)
        else:
            meeting(world, days=days, place="Library", **fields)
    return last


@pytest.mark.parametrize("who", ["mentee", "mentor", "coordinator"])
def test_the_session_list_query_count_stays_flat(as_user, world, who):
    client = as_user(getattr(world, who))
    url = sessions_url(world.group)
    fill(world, 3, [world.mentor, world.mentee])
    small = count_queries(client, url)
    fill(world, 9, [world.mentor, world.mentee])
    for _ in range(4):
        add_to_group(world.group, UserFactory(), GroupRole.MENTEE)
    sessions = client.get(url).context["sessions"]
    assert len(sessions.past) + len(sessions.upcoming) >= 10
    # session and user, the group's door, the sessions with their counts; the navigation asks a coordinator outside
    # the group whether they are in one (the door told it the rest)
    assert count_queries(client, url) == small == (5 if who == "coordinator" else 4)


@pytest.mark.parametrize("who", ["mentee", "mentor", "coordinator"])
def test_the_session_page_query_count_stays_flat(as_user, world, who):
    client = as_user(getattr(world, who))
    few = fill(world, 2, [world.mentor, world.mentee])
    client.get(session_url(few))  # copies the programme's pulse questionnaire, the first time a mentee needs it
    small = count_queries(client, session_url(few))
    people = [world.mentor, world.mentee]
    for _ in range(6):
        person = UserFactory()
        add_to_group(world.group, person, GroupRole.MENTEE)
        people.append(person)
    many = fill(world, 2, people)
    # session and user, the group's door, the session, attendance, who logged it, the navigation (a coordinator's
    # only: the door answers it for members); for a
    # member also the action items and the reflections; the pulse after the session (feedback): for the mentor its
    # answers in aggregate, for the mentee whether they answered, the pulse questionnaire and its questions
    expected = {"coordinator": 6, "mentor": 8, "mentee": 10}[who]  # "logged by" comes with the session
    assert count_queries(client, session_url(many)) == small == expected
