"""A member's reflection on a session: their own, written after it has started, changed as often as they like;
private to them and the group's mentor unless they share it with the group; never read by the coordinator."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.access import GroupAccess
from groups.models import GroupKind, GroupRole, Meeting, MeetingKind, MeetingStatus, Reflection
from groups.services.session_log import NotHeld, NotStarted, reads_all_reflections, save_reflection
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora(world):
    person = UserFactory(display_name="Nora Neighbour")
    add_to_group(world.group, person, GroupRole.MENTEE)
    return person


@pytest.fixture
def meeting(world):
    return Meeting.objects.create(
        group=world.group, starts_at=timezone.now() - datetime.timedelta(days=1), created_by=world.mentor
    )


def reflection_url(meeting) -> str:
    return reverse("groups:reflection", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def session_url(meeting) -> str:
    return reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def access_of(group, user, role) -> GroupAccess:
    return GroupAccess(group=group, group_role=role, is_coordinator=False)


# Writing and changing


def test_a_mentee_writes_a_private_reflection(as_user, world, meeting):
    client = as_user(world.mentee)
    page = client.get(reflection_url(meeting))
    assert page.status_code == 200
    assert "Write your reflection" in page.text
    assert "If you do not share it, only you and your mentor can read it." in page.text
    response = client.post(reflection_url(meeting), {"text": "I learnt to ask\r\nfor help."}, follow=True)
    assert response.redirect_chain == [(session_url(meeting), 302)]
    assert "Your reflection is saved. Only you and your mentor can read it." in response.text
    reflection = Reflection.objects.get()
    assert (reflection.author, reflection.text, reflection.shared_with_group) == (
        world.mentee,
        "I learnt to ask\nfor help.",
        False,
    )
    assert "Change your reflection" in response.text


def test_changing_a_reflection_keeps_one_per_person_and_session(as_user, world, meeting):
    client = as_user(world.mentee)
    client.post(reflection_url(meeting), {"text": "First thoughts"})
    page = client.get(reflection_url(meeting))
    assert page.context["form"]["text"].value() == "First thoughts"
    assert "Change your reflection" in page.text
    response = client.post(reflection_url(meeting), {"text": "Second thoughts", "shared_with_group": "on"}, follow=True)
    assert "Everyone in your group can read it." in response.text
    reflection = Reflection.objects.get()
    assert (reflection.text, reflection.shared_with_group) == ("Second thoughts", True)
    assert reflection.updated_at >= reflection.created_at


def test_the_mentor_writes_a_reflection_too(as_user, world, meeting):
    response = as_user(world.mentor).post(reflection_url(meeting), {"text": "They opened up."}, follow=True)
    assert "Your reflection is saved. It is not shared with the group." in response.text
    assert Reflection.objects.get().author == world.mentor


def test_a_reflection_needs_words(as_user, world, meeting):
    client = as_user(world.mentee)
    for data in ({}, {"text": "   "}, {"text": "x" * 5001}):
        page = client.post(reflection_url(meeting), data)
        assert page.status_code == 200
        assert "Please write your reflection." in page.text or "at most 5000 characters" in page.text
    assert not Reflection.objects.exists()


def test_nobody_reflects_on_a_session_that_has_not_started(as_user, world):
    future = Meeting.objects.create(
        group=world.group, starts_at=timezone.now() + datetime.timedelta(days=1), created_by=world.mentor
    )
    response = as_user(world.mentee).post(reflection_url(future), {"text": "Early"}, follow=True)
    assert "This session has not started yet." in response.text
    assert not Reflection.objects.exists()
    with pytest.raises(NotStarted):
        save_reflection(
            access=access_of(world.group, world.mentee, GroupRole.MENTEE),
            meeting=future,
            user=world.mentee,
            text="Early",
            shared_with_group=False,
        )


def test_nobody_reflects_on_a_session_that_did_not_take_place_or_was_cancelled(as_user, world, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(held=False, logged_at=timezone.now(), logged_by=world.mentor)
    response = as_user(world.mentee).get(reflection_url(meeting), follow=True)
    assert "This session did not take place" in response.text
    assert "Write your reflection" not in response.text
    meeting.refresh_from_db()
    with pytest.raises(NotHeld):
        save_reflection(
            access=access_of(world.group, world.mentee, GroupRole.MENTEE),
            meeting=meeting,
            user=world.mentee,
            text="Hm",
            shared_with_group=False,
        )
    cancelled = Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        created_by=world.mentor,
        status=MeetingStatus.CANCELLED,
        cancelled_at=timezone.now(),
    )
    response = as_user(world.mentee).post(reflection_url(cancelled), {"text": "Hm"}, follow=True)
    assert "This session was cancelled" in response.text
    assert not Reflection.objects.exists()


def test_a_held_session_and_one_not_logged_yet_both_take_reflections(as_user, world, meeting):
    client = as_user(world.mentee)
    assert client.post(reflection_url(meeting), {"text": "Before the log"}).status_code == 302
    Meeting.objects.filter(pk=meeting.pk).update(held=True, logged_at=timezone.now(), logged_by=world.mentor)
    assert client.post(reflection_url(meeting), {"text": "After the log"}).status_code == 302
    assert Reflection.objects.get().text == "After the log"


def test_a_closed_programme_keeps_its_reflections_as_they_are(as_user, world, meeting):
    Reflection.objects.create(meeting=meeting, author=world.mentee, text="Kept")
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.mentee)
    response = client.post(reflection_url(meeting), {"text": "Changed"}, follow=True)
    assert "This programme is closed." in response.text
    assert Reflection.objects.get().text == "Kept"
    assert "Change your reflection" not in client.get(session_url(meeting)).text


def test_a_check_in_is_reflected_on_only_by_those_who_see_it(as_user, world, nora):
    check_in = Meeting.objects.create(
        group=world.group,
        kind=MeetingKind.CHECK_IN,
        with_member=nora,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        created_by=world.mentor,
    )
    assert as_user(world.mentee).get(reflection_url(check_in)).status_code == 404
    assert as_user(nora).post(reflection_url(check_in), {"text": "Helpful"}).status_code == 302


def test_the_reflection_page_refuses_other_methods(as_user, world, meeting):
    assert as_user(world.mentee).delete(reflection_url(meeting)).status_code == 405


# Who reads which reflection


@pytest.fixture
def reflections(world, meeting, nora):
    Reflection.objects.create(meeting=meeting, author=world.mentee, text="Max private")
    Reflection.objects.create(meeting=meeting, author=nora, text="Nora shared", shared_with_group=True)
    return meeting


#        reader          sees
READERS = [
    ("owner", {"Max private", "Nora shared"}),
    ("mentor", {"Max private", "Nora shared"}),
    ("other mentee", {"Nora shared"}),
    ("coordinator", set()),
]


@pytest.mark.parametrize(("who", "texts"), READERS, ids=[row[0] for row in READERS])
def test_who_reads_which_reflection(as_user, world, nora, reflections, who, texts):
    reader = {"owner": world.mentee, "mentor": world.mentor, "other mentee": nora, "coordinator": world.coordinator}
    text = as_user(reader[who]).get(session_url(reflections)).text
    assert {t for t in ("Max private", "Nora shared") if t in text} == texts


def test_once_shared_the_whole_group_reads_it(as_user, world, nora, reflections):
    as_user(world.mentee).post(reflection_url(reflections), {"text": "Max private", "shared_with_group": "on"})
    assert "Max private" in as_user(nora).get(session_url(reflections)).text
    assert "Max private" not in as_user(world.coordinator).get(session_url(reflections)).text


def test_in_a_peer_group_an_unshared_reflection_is_its_authors_alone(as_user, world):
    peer = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    ann, ben = UserFactory(), UserFactory()
    add_to_group(peer, ann, GroupRole.MENTEE)
    add_to_group(peer, ben, GroupRole.MENTEE)
    meeting = Meeting.objects.create(group=peer, starts_at=timezone.now() - datetime.timedelta(days=1), created_by=ann)
    page = as_user(ann).get(reflection_url(meeting))
    assert "If you do not share it, only you can read it." in page.text
    as_user(ann).post(reflection_url(meeting), {"text": "Ann alone"})
    assert "Ann alone" not in as_user(ben).get(session_url(meeting)).text
    assert not reads_all_reflections(access_of(peer, ben, GroupRole.MENTEE))


def test_in_a_mentor_circle_the_supervisor_reads_every_reflection(as_user, world):
    circle = MentoringGroupFactory(programme=world.programme, kind=GroupKind.MENTOR_CIRCLE)
    supervisor, mentor, other = UserFactory(), UserFactory(), UserFactory()
    add_to_group(circle, supervisor, GroupRole.SUPERVISOR)
    add_to_group(circle, mentor, GroupRole.MENTOR)
    add_to_group(circle, other, GroupRole.MENTOR)
    meeting = Meeting.objects.create(
        group=circle, starts_at=timezone.now() - datetime.timedelta(days=1), created_by=supervisor
    )
    assert "only you and the circle's supervisor can read it" in as_user(mentor).get(reflection_url(meeting)).text
    as_user(mentor).post(reflection_url(meeting), {"text": "A hard month"})
    assert "A hard month" in as_user(supervisor).get(session_url(meeting)).text
    assert "A hard month" not in as_user(other).get(session_url(meeting)).text
