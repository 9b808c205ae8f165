"""Who sees which goal: a common goal is the whole group's; an individual goal is its mentee's and the mentor's,
and the whole group's once shared; the coordinator never reads one; someone who left sees nothing any more."""

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.access import GroupAccess
from groups.models import Goal, GoalStatus, GroupKind, GroupMembership, GroupRole
from groups.services.goals import can_edit, can_post_update, goal_board, visible_goals
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    """The world's group with a second mentee, Nora, and one goal of each kind."""
    nora = UserFactory(display_name="Nora Neighbour")
    add_to_group(world.group, nora, GroupRole.MENTEE)
    goals = {
        "common": Goal.objects.create(
            group=world.group, owner=None, shared_with_group=True, created_by=world.mentor, title="Meet monthly"
        ),
        "unshared": Goal.objects.create(
            group=world.group, owner=world.mentee, created_by=world.mentee, title="Max private goal"
        ),
        "shared": Goal.objects.create(
            group=world.group,
            owner=world.mentee,
            created_by=world.mentee,
            title="Max shared goal",
            shared_with_group=True,
        ),
    }
    return {"nora": nora, "goals": goals}


def persona(world, people, name):
    return {
        "owner": world.mentee,
        "other mentee": people["nora"],
        "mentor": world.mentor,
        "coordinator": world.coordinator,
        "other group's member": world.other_group_member,
        "outsider": world.outsider,
    }[name]


# What each persona gets for each goal's page: 200 the goal, 404 not even its existence, 403 refused (the
# coordinator learns the group exists, as they coordinate it, but reads no goal of it).
#        persona                 common  unshared shared
VISIBILITY = [
    ("owner", 200, 200, 200),
    ("other mentee", 200, 404, 200),
    ("mentor", 200, 200, 200),
    ("coordinator", 403, 403, 403),
    ("other group's member", 404, 404, 404),
    ("outsider", 404, 404, 404),
]


@pytest.mark.parametrize(("who", "common", "unshared", "shared"), VISIBILITY, ids=[row[0] for row in VISIBILITY])
def test_who_may_open_which_goal(as_user, world, people, who, common, unshared, shared):
    client = as_user(persona(world, people, who))
    for kind, expected in (("common", common), ("unshared", unshared), ("shared", shared)):
        goal = people["goals"][kind]
        url = reverse("groups:goal", kwargs={"pk": world.group.pk, "goal_pk": goal.pk})
        assert client.get(url).status_code == expected, kind


#        persona          sees on the goals page
LIST = [
    ("owner", {"Meet monthly", "Max private goal", "Max shared goal"}),
    ("other mentee", {"Meet monthly", "Max shared goal"}),
    ("mentor", {"Meet monthly", "Max private goal", "Max shared goal"}),
]


@pytest.mark.parametrize(("who", "titles"), LIST, ids=[row[0] for row in LIST])
def test_the_goals_page_lists_only_what_the_reader_may_see(as_user, world, people, who, titles):
    text = as_user(persona(world, people, who)).get(reverse("groups:goals", kwargs={"pk": world.group.pk})).text
    every = {"Meet monthly", "Max private goal", "Max shared goal"}
    assert {title for title in every if title in text} == titles


@pytest.mark.parametrize("who", ["coordinator", "other group's member", "outsider"])
def test_the_goals_page_is_closed_to_people_outside_the_group(as_user, world, people, who):
    response = as_user(persona(world, people, who)).get(reverse("groups:goals", kwargs={"pk": world.group.pk}))
    assert response.status_code == (403 if who == "coordinator" else 404)
    assert "Max private goal" not in response.text


def test_a_coordinator_who_is_also_a_member_sees_what_a_member_sees(as_user, world, people):
    add_to_group(world.group, world.coordinator, GroupRole.MENTEE)
    text = as_user(world.coordinator).get(reverse("groups:goals", kwargs={"pk": world.group.pk})).text
    assert "Meet monthly" in text and "Max shared goal" in text
    assert "Max private goal" not in text


def test_a_mentee_who_left_sees_nothing_of_the_group_any_more(as_user, world, people):
    GroupMembership.objects.filter(group=world.group, user=world.mentee).update(left_at=timezone.now())
    client = as_user(world.mentee)
    assert client.get(reverse("groups:goals", kwargs={"pk": world.group.pk})).status_code == 404
    goal = people["goals"]["unshared"]
    assert client.get(reverse("groups:goal", kwargs={"pk": world.group.pk, "goal_pk": goal.pk})).status_code == 404


def test_the_mentor_still_sees_the_goals_of_a_mentee_who_left_under_a_heading_of_their_own(as_user, world, people):
    GroupMembership.objects.filter(group=world.group, user=world.mentee).update(left_at=timezone.now())
    page = as_user(world.mentor).get(reverse("groups:goals", kwargs={"pk": world.group.pk}))
    assert "Goals of people who left the group" in page.text
    assert [goal.title for goal in page.context["board"].others] == ["Max private goal", "Max shared goal"]


def test_the_mentor_sees_each_mentees_goals_under_their_name(as_user, world, people):
    page = as_user(world.mentor).get(reverse("groups:goals", kwargs={"pk": world.group.pk}))
    board = page.context["board"]
    by_name = {mentee.display_name: [goal.title for goal in goals] for mentee, goals in board.by_mentee}
    assert by_name == {"Max Mentee": ["Max private goal", "Max shared goal"], "Nora Neighbour": []}
    assert "Your mentees' goals" in page.text
    assert "No goals yet. You can help them write their first goal" in page.text


def test_a_mentee_sees_their_goals_apart_from_those_others_shared(as_user, world, people):
    Goal.objects.create(
        group=world.group, owner=people["nora"], created_by=people["nora"], title="Nora shared", shared_with_group=True
    )
    board = as_user(world.mentee).get(reverse("groups:goals", kwargs={"pk": world.group.pk})).context["board"]
    assert [goal.title for goal in board.common] == ["Meet monthly"]
    assert [goal.title for goal in board.mine] == ["Max private goal", "Max shared goal"]
    assert [goal.title for goal in board.others] == ["Nora shared"]


def access_of(group, user) -> GroupAccess:
    membership = GroupMembership.objects.current().filter(group=group, user=user).first()
    return GroupAccess(group=group, group_role=membership.role if membership else None, is_coordinator=False)


# Who may change a goal, by the kind of group. "edit" is the goal's words; "update" is posting progress.
def test_the_mentor_posts_progress_on_a_mentees_goal_but_does_not_edit_its_words(world, people):
    mentor = access_of(world.group, world.mentor)
    goal = people["goals"]["unshared"]
    assert can_post_update(mentor, world.mentor, goal)
    assert not can_edit(mentor, world.mentor, goal)
    assert can_edit(access_of(world.group, world.mentee), world.mentee, goal)


def test_another_mentee_reads_a_shared_goal_but_neither_edits_it_nor_posts_on_it(world, people):
    nora = access_of(world.group, people["nora"])
    goal = people["goals"]["shared"]
    assert goal in visible_goals(nora, people["nora"])
    assert not can_edit(nora, people["nora"], goal)
    assert not can_post_update(nora, people["nora"], goal)


def test_every_member_posts_progress_on_a_common_goal_and_only_the_mentor_edits_it(world, people):
    goal = people["goals"]["common"]
    for user in (world.mentee, people["nora"], world.mentor):
        assert can_post_update(access_of(world.group, user), user, goal)
    assert can_edit(access_of(world.group, world.mentor), world.mentor, goal)
    assert not can_edit(access_of(world.group, world.mentee), world.mentee, goal)


def test_in_a_peer_group_every_member_leads_and_sees_only_what_is_shared(world):
    peer = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    ann, ben = UserFactory(), UserFactory()
    add_to_group(peer, ann, GroupRole.MENTEE)
    add_to_group(peer, ben, GroupRole.MENTEE)
    common = Goal.objects.create(group=peer, owner=None, shared_with_group=True, created_by=ann, title="Common")
    private = Goal.objects.create(group=peer, owner=ann, created_by=ann, title="Ann's own")
    bens_view = access_of(peer, ben)
    assert can_edit(bens_view, ben, common)
    assert list(visible_goals(bens_view, ben)) == [common]
    assert set(visible_goals(access_of(peer, ann), ann)) == {common, private}


def test_in_a_mentor_circle_the_supervisor_leads_and_the_mentors_follow(world):
    circle = MentoringGroupFactory(programme=world.programme, kind=GroupKind.MENTOR_CIRCLE)
    supervisor, mentor = UserFactory(), UserFactory()
    add_to_group(circle, supervisor, GroupRole.SUPERVISOR)
    add_to_group(circle, mentor, GroupRole.MENTOR)
    common = Goal.objects.create(group=circle, owner=None, shared_with_group=True, created_by=supervisor, title="C")
    assert can_edit(access_of(circle, supervisor), supervisor, common)
    assert not can_edit(access_of(circle, mentor), mentor, common)
    assert can_post_update(access_of(circle, mentor), mentor, common)


def test_a_coordinator_who_is_not_a_member_sees_no_goal_through_the_service(world, people):
    coordinator = GroupAccess(group=world.group, group_role=None, is_coordinator=True)
    assert list(visible_goals(coordinator, world.coordinator)) == []
    assert goal_board(coordinator, world.coordinator).is_empty


def test_goals_of_another_group_are_not_found_through_this_group(as_user, world):
    elsewhere = Goal.objects.create(
        group=world.other_group, owner=None, shared_with_group=True, created_by=world.other_group_member, title="B"
    )
    url = reverse("groups:goal", kwargs={"pk": world.group.pk, "goal_pk": elsewhere.pk})
    assert as_user(world.mentor).get(url).status_code == 404
    assert elsewhere.status == GoalStatus.NOT_STARTED
