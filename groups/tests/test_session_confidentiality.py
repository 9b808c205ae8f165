"""What is said in a group stays in the group: the coordinator sees a session's facts (dates, kind, held or not,
attendance) and never its agenda, summary, topics, briefing, action items or reflections; a one-to-one check-in
is seen only by the member it is with, the group's leaders and the coordinators."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.access import GroupAccess
from groups.models import ActionItem, AttendanceMark, GroupRole, Meeting, MeetingKind, Reflection
from groups.services.session_log import (
    can_see_notes,
    next_session,
    session_page,
    sessions_for,
    visible_meetings,
    visible_reflections,
)
from mentoring.tests.factories import UserFactory, add_to_group, mark_attendance

pytestmark = pytest.mark.django_db

SECRETS = [
    "Agenda: talk about the conflict at work",
    "Summary: Max told us about his divorce",
    "Topics: divorce, money worries",
    "Briefing: Max needs our support",
    "Action: call the debt adviser",
    "Reflection: I felt heard for once",
    "Shared reflection: thank you all",
    "Library room 4",
    "https://meet.example.org/secret-room",
]


@pytest.fixture
def logged(world):
    """A held, logged session of the world's group with every kind of note, and one coming up."""
    nora = UserFactory(display_name="Nora Neighbour")
    add_to_group(world.group, nora, GroupRole.MENTEE)
    meeting = Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        created_by=world.mentor,
        place="Library room 4",
        video_link="https://meet.example.org/secret-room",
        agenda="Agenda: talk about the conflict at work",
        held=True,
        summary="Summary: Max told us about his divorce",
        topics="Topics: divorce, money worries",
        briefing="Briefing: Max needs our support",
        logged_at=timezone.now(),
        logged_by=world.mentor,
    )
    mark_attendance(
        meeting,
        [
            (world.mentor, AttendanceMark.PRESENT),
            (world.mentee, AttendanceMark.PRESENT),
            (nora, AttendanceMark.EXCUSED),
        ],
    )
    ActionItem.objects.create(meeting=meeting, owner=world.mentee, text="Action: call the debt adviser")
    Reflection.objects.create(meeting=meeting, author=world.mentee, text="Reflection: I felt heard for once")
    Reflection.objects.create(
        meeting=meeting, author=nora, text="Shared reflection: thank you all", shared_with_group=True
    )
    upcoming = Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        created_by=world.mentor,
        place="Library room 4",
        video_link="https://meet.example.org/secret-room",
        agenda="Agenda: talk about the conflict at work",
    )
    return {"meeting": meeting, "upcoming": upcoming, "nora": nora}


def session_url(meeting) -> str:
    return reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def sessions_url(world) -> str:
    return reverse("groups:sessions", kwargs={"pk": world.group.pk})


def coordinator_access(world) -> GroupAccess:
    return GroupAccess(group=world.group, group_role=None, is_coordinator=True)


def test_the_coordinator_sees_the_facts_of_a_session_and_none_of_its_words(as_user, world, logged):
    page = as_user(world.coordinator).get(session_url(logged["meeting"]))
    assert page.status_code == 200
    text = page.text
    for secret in SECRETS:
        assert secret not in text, secret
    assert "Held" in text
    assert "2 present, 1 absent with notice, 0 absent" in text
    assert "Nora Neighbour" in text and "Absent with notice" in text
    assert "Logged by Mina Mentor" in text
    assert "What the group writes about its sessions stays in the group." in text
    assert page.context["page"].notes is None


def test_the_coordinator_sees_no_agenda_of_a_session_coming_up(as_user, world, logged):
    text = as_user(world.coordinator).get(session_url(logged["upcoming"])).text
    for secret in SECRETS:
        assert secret not in text, secret


def test_the_coordinators_session_list_holds_dates_and_counts_only(as_user, world, logged):
    page = as_user(world.coordinator).get(sessions_url(world))
    for secret in SECRETS:
        assert secret not in page.text, secret
    assert "2 present, 1 absent with notice, 0 absent" in page.text
    assert "Where" not in page.text
    assert "Log this session" not in page.text


def test_a_member_reads_what_the_coordinator_cannot(as_user, world, logged):
    text = as_user(world.mentee).get(session_url(logged["meeting"])).text
    for secret in SECRETS:
        assert secret in text, secret


def test_a_coordinator_who_is_also_a_member_reads_like_a_member(as_user, world, logged):
    add_to_group(world.group, world.coordinator, GroupRole.MENTEE)
    text = as_user(world.coordinator).get(session_url(logged["meeting"])).text
    assert "Summary: Max told us about his divorce" in text
    assert "Shared reflection: thank you all" in text
    assert "Reflection: I felt heard for once" not in text  # not shared, and they are not the mentor


def test_the_service_gives_a_coordinator_no_notes_and_no_reflections(world, logged):
    coordinator = coordinator_access(world)
    assert not can_see_notes(coordinator)
    assert list(visible_reflections(coordinator, logged["meeting"], world.coordinator)) == []
    page = session_page(coordinator, logged["meeting"], world.coordinator)
    assert page.notes is None
    assert [mark.user for mark in page.attendance] == [world.mentee, world.mentor, logged["nora"]]


def test_the_session_list_never_loads_the_notes(world, logged):
    """The list's sessions are loaded without their text, for everyone: touching it would ask the database."""
    sessions = sessions_for(coordinator_access(world), world.coordinator)
    meeting = sessions.past[0]
    assert set(meeting.get_deferred_fields()) >= {"agenda", "summary", "topics", "briefing"}


@pytest.mark.parametrize(("who", "status"), [("coordinator", 403), ("other_coordinator", 404)])
def test_coordinators_neither_log_nor_reflect_nor_tick_off_items(as_user, world, logged, who, status):
    client = as_user(getattr(world, who))
    meeting = logged["meeting"]
    kwargs = {"pk": world.group.pk, "session_pk": meeting.pk}
    assert client.get(reverse("groups:session_log", kwargs=kwargs)).status_code == status
    assert client.get(reverse("groups:reflection", kwargs=kwargs)).status_code == status
    assert client.post(reverse("groups:reflection", kwargs=kwargs), {"text": "Mine"}).status_code == status
    item = meeting.action_items.get()
    url = reverse("groups:action_item_done", kwargs={"pk": world.group.pk, "item_pk": item.pk})
    assert client.post(url, {"done": "1"}).status_code == status
    assert ActionItem.objects.get(pk=item.pk).done_at is None


# One-to-one check-ins


@pytest.fixture
def check_in(world, logged):
    """A logged check-in of the mentor with Nora, with a private note."""
    return Meeting.objects.create(
        group=world.group,
        kind=MeetingKind.CHECK_IN,
        with_member=logged["nora"],
        starts_at=timezone.now() - datetime.timedelta(days=1),
        created_by=world.mentor,
        held=True,
        summary="Check-in: Nora is thinking of leaving",
        logged_at=timezone.now(),
        logged_by=world.mentor,
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("nora", 200), ("mentor", 200), ("coordinator", 200), ("mentee", 404), ("other_group_member", 404)],
)
def test_a_check_in_is_seen_by_its_member_the_leaders_and_the_coordinators(
    as_user, world, logged, check_in, who, status
):
    person = logged["nora"] if who == "nora" else getattr(world, who)
    client = as_user(person)
    assert client.get(session_url(check_in)).status_code == status
    listed = client.get(sessions_url(world)) if who != "other_group_member" else None
    if listed is not None:
        assert (check_in in listed.context["sessions"].past) is (status == 200)


def test_the_coordinator_sees_that_a_check_in_took_place_but_not_what_was_said(as_user, world, logged, check_in):
    text = as_user(world.coordinator).get(session_url(check_in)).text
    assert "One-to-one check-in with Nora Neighbour" in text
    assert "Check-in: Nora is thinking of leaving" not in text


def test_the_member_of_a_check_in_reads_its_log(as_user, world, logged, check_in):
    text = as_user(logged["nora"]).get(session_url(check_in)).text
    assert "One-to-one check-in with you" in text
    assert "Check-in: Nora is thinking of leaving" in text


def test_another_mentee_does_not_learn_of_a_check_in_through_any_door(world, logged, check_in):
    mentee = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    assert check_in not in visible_meetings(mentee, world.mentee)
    assert next_session(mentee, world.mentee) == logged["upcoming"]


def test_an_action_item_of_someone_elses_check_in_is_not_found(as_user, world, logged, check_in):
    item = ActionItem.objects.create(meeting=check_in, owner=logged["nora"], text="Talk to HR")
    url = reverse("groups:action_item_done", kwargs={"pk": world.group.pk, "item_pk": item.pk})
    assert as_user(world.mentee).post(url, {"done": "1"}).status_code == 404
    assert as_user(logged["nora"]).post(url, {"done": "1"}).status_code == 302
