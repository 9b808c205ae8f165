"""Action items agreed in a session: their owner or one of the group's leaders marks them done, or not done after
all, from the session's page. Nobody else may, and an item is only reached through a session the person sees."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import ActionItem, GroupKind, GroupRole, Meeting
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora(world):
    person = UserFactory(display_name="Nora Neighbour")
    add_to_group(world.group, person, GroupRole.MENTEE)
    return person


def logged_session(group, leader) -> Meeting:
    return Meeting.objects.create(
        group=group,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        created_by=leader,
        held=True,
        logged_at=timezone.now(),
        logged_by=leader,
    )


@pytest.fixture
def item(world):
    return ActionItem.objects.create(
        meeting=logged_session(world.group, world.mentor),
        owner=world.mentee,
        text="Update my CV",
        due_on=datetime.date(2099, 1, 31),
    )


def done_url(item) -> str:
    return reverse("groups:action_item_done", kwargs={"pk": item.meeting.group_id, "item_pk": item.pk})


def session_url(item) -> str:
    return reverse("groups:session", kwargs={"pk": item.meeting.group_id, "session_pk": item.meeting_id})


def test_the_owner_marks_their_item_done(as_user, world, item):
    response = as_user(world.mentee).post(done_url(item), {"done": "1"}, follow=True)
    assert response.redirect_chain == [(session_url(item), 302)]
    assert "“Update my CV” is marked as done. Well done!" in response.text
    item.refresh_from_db()
    assert item.done_at is not None
    assert "Mark as not done" in response.text


def test_marking_it_done_again_keeps_the_first_time(as_user, world, item):
    client = as_user(world.mentee)
    client.post(done_url(item), {"done": "1"})
    first = ActionItem.objects.get(pk=item.pk).done_at
    client.post(done_url(item), {"done": "1"})
    assert ActionItem.objects.get(pk=item.pk).done_at == first


def test_the_mentor_marks_it_done_and_not_done_after_all(as_user, world, item):
    client = as_user(world.mentor)
    client.post(done_url(item), {"done": "1"})
    assert ActionItem.objects.get(pk=item.pk).done_at is not None
    response = client.post(done_url(item), {"done": "0"}, follow=True)
    assert "“Update my CV” is marked as not done." in response.text
    assert ActionItem.objects.get(pk=item.pk).done_at is None


def test_another_mentee_sees_the_item_but_may_not_tick_it_off(as_user, world, nora, item):
    client = as_user(nora)
    page = client.get(session_url(item))
    assert "Update my CV" in page.text
    assert "Mark as done" not in page.text
    assert client.post(done_url(item), {"done": "1"}).status_code == 403
    assert ActionItem.objects.get(pk=item.pk).done_at is None


def test_an_item_for_nobody_in_particular_is_ticked_off_by_a_leader_only(as_user, world, item):
    ActionItem.objects.filter(pk=item.pk).update(owner=None)
    assert as_user(world.mentee).post(done_url(item), {"done": "1"}).status_code == 403
    assert as_user(world.mentor).post(done_url(item), {"done": "1"}).status_code == 302


def test_in_a_peer_group_any_member_ticks_off_any_item(as_user, world):
    peer = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    ann, ben = UserFactory(), UserFactory()
    add_to_group(peer, ann, GroupRole.MENTEE)
    add_to_group(peer, ben, GroupRole.MENTEE)
    item = ActionItem.objects.create(meeting=logged_session(peer, ann), owner=ann, text="Find a venue")
    assert as_user(ben).post(done_url(item), {"done": "1"}).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 403), ("other_group_member", 404), ("outsider", 404), ("other_coordinator", 404)],
)
def test_people_outside_the_group_cannot_tick_off_items(as_user, world, item, who, status):
    assert as_user(getattr(world, who)).post(done_url(item), {"done": "1"}).status_code == status
    assert ActionItem.objects.get(pk=item.pk).done_at is None


def test_signing_in_comes_first(client, world, item):
    response = client.post(done_url(item), {"done": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_item_of_another_group_is_not_found_through_this_group(as_user, world, item):
    theirs = ActionItem.objects.create(meeting=logged_session(world.other_group, world.mentor), text="Theirs")
    url = reverse("groups:action_item_done", kwargs={"pk": world.group.pk, "item_pk": theirs.pk})
    assert as_user(world.mentor).post(url, {"done": "1"}).status_code == 404
    url = reverse("groups:action_item_done", kwargs={"pk": world.group.pk, "item_pk": 999999})
    assert as_user(world.mentor).post(url, {"done": "1"}).status_code == 404


def test_ticking_off_takes_a_post_only(as_user, world, item):
    assert as_user(world.mentee).get(done_url(item)).status_code == 405


def test_a_bad_button_value_changes_nothing(as_user, world, item):
    response = as_user(world.mentee).post(done_url(item), {"done": "maybe"}, follow=True)
    assert "Something went wrong. Please press the button again." in response.text
    assert ActionItem.objects.get(pk=item.pk).done_at is None


def test_a_closed_programme_keeps_its_items_as_they_are(as_user, world, item):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.mentee)
    response = client.post(done_url(item), {"done": "1"}, follow=True)
    assert "This programme is closed." in response.text
    assert ActionItem.objects.get(pk=item.pk).done_at is None
    assert "Mark as done" not in client.get(session_url(item)).text


def test_the_session_page_shows_each_items_owner_date_and_state(as_user, world, nora, item):
    ActionItem.objects.create(meeting=item.meeting, owner=None, text="Book the room", done_at=timezone.now())
    text = as_user(nora).get(session_url(item)).text
    assert "Update my CV" in text and "Max Mentee" in text and "by Jan. 31, 2099" in text
    assert "Book the room" in text and "Nobody in particular" in text and "done on" in text
