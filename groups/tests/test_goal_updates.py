"""Progress on a goal: a member posts a new status and a short note; the goal takes the status at once, and the
updates build its history, newest first, each with who, what and when (in the reader's time zone)."""

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse

from accounts.models import User
from groups.access import GroupAccess
from groups.models import Goal, GoalStatus, GoalUpdate, GroupRole
from groups.services.goals import NotAllowed, post_update
from mentoring.tests.factories import UserFactory, add_to_group
from mentoring.tests.querycount import count_queries

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def goal(world) -> Goal:
    return Goal.objects.create(group=world.group, owner=world.mentee, created_by=world.mentee, title="Pass the exam")


@pytest.fixture
def common(world) -> Goal:
    return Goal.objects.create(
        group=world.group, owner=None, shared_with_group=True, created_by=world.mentor, title="Meet monthly"
    )


def update_url(goal: Goal) -> str:
    return reverse("groups:goal_update", kwargs={"pk": goal.group_id, "goal_pk": goal.pk})


def goal_url(goal: Goal) -> str:
    return reverse("groups:goal", kwargs={"pk": goal.group_id, "goal_pk": goal.pk})


def test_the_owner_posts_progress_and_the_goal_takes_its_status(as_user, world, goal):
    before = goal.updated_at
    response = as_user(world.mentee).post(
        update_url(goal), {"status": "in_progress", "note": "Booked the exam"}, follow=True
    )
    assert response.redirect_chain[-1][0] == goal_url(goal)
    assert "Your update is saved." in response.text
    update = GoalUpdate.objects.get()
    assert (update.goal, update.author, update.status, update.note) == (
        goal,
        world.mentee,
        GoalStatus.IN_PROGRESS,
        "Booked the exam",
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS
    assert goal.updated_at == update.created_at > before


def test_achieving_a_goal_is_celebrated(as_user, world, goal):
    response = as_user(world.mentee).post(update_url(goal), {"status": "achieved", "note": "Passed!"}, follow=True)
    assert "Well done!" in response.text


def test_the_mentor_posts_progress_on_a_mentees_goal(as_user, world, goal):
    assert as_user(world.mentor).post(update_url(goal), {"status": "changed", "note": "Now B1"}).status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.CHANGED
    assert GoalUpdate.objects.get().author == world.mentor


def test_every_member_posts_progress_on_a_common_goal(as_user, world, common):
    as_user(world.mentee).post(update_url(common), {"status": "in_progress", "note": "We met twice"})
    as_user(world.mentor).post(update_url(common), {"status": "achieved", "note": "All sessions held"})
    assert list(common.updates.values_list("author__display_name", "status")) == [
        ("Mina Mentor", "achieved"),
        ("Max Mentee", "in_progress"),
    ]


def test_another_mentee_may_read_a_shared_goal_but_not_post_on_it(as_user, world, goal):
    Goal.objects.filter(pk=goal.pk).update(shared_with_group=True)
    nora = UserFactory()
    add_to_group(world.group, nora, GroupRole.MENTEE)
    client = as_user(nora)
    page = client.get(goal_url(goal))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(update_url(goal), {"status": "achieved", "note": "Hi"}).status_code == 403
    assert not GoalUpdate.objects.exists()


def test_another_mentee_does_not_find_an_unshared_goal(as_user, world, goal):
    nora = UserFactory()
    add_to_group(world.group, nora, GroupRole.MENTEE)
    assert as_user(nora).post(update_url(goal), {"status": "achieved", "note": "Hi"}).status_code == 404


@pytest.mark.parametrize(("who", "expected"), [("coordinator", 403), ("other_group_member", 404), ("outsider", 404)])
def test_people_outside_the_group_post_nothing(as_user, world, goal, who, expected):
    assert as_user(getattr(world, who)).post(update_url(goal), {"status": "achieved"}).status_code == expected
    assert not GoalUpdate.objects.exists()


def test_posting_takes_post_only(as_user, world, goal):
    assert as_user(world.mentee).get(update_url(goal)).status_code == 405


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "in_progress", "note": "x" * 501}, "note", "at most 500 characters"),
        ({"status": "not_started", "note": ""}, "note", "Please write a short note, or choose a new status."),
        ({"status": "someday", "note": "Hello"}, "status", "Select a valid choice."),
        ({"note": "Hello"}, "status", "This field is required."),
    ],
)
def test_bad_input_comes_back_on_the_goal_page_with_the_error_next_to_the_field(
    as_user, world, goal, data, field, message
):
    response = as_user(world.mentee).post(update_url(goal), data)
    assert response.status_code == 200
    assert response.templates[0].name == "groups/goals/goal_detail.html"
    assert message in " ".join(response.context["form"].errors[field])
    assert message.split(",")[0] in response.text
    assert not GoalUpdate.objects.exists()
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NOT_STARTED


def test_a_note_alone_is_enough_when_the_status_stays(as_user, world, goal):
    as_user(world.mentee).post(update_url(goal), {"status": "not_started", "note": "Found a course"})
    assert GoalUpdate.objects.get().note == "Found a course"


def test_the_history_shows_the_newest_first_with_author_status_note_and_time_in_the_readers_zone(as_user, world, goal):
    GoalUpdate.objects.create(
        goal=goal,
        author=world.mentee,
        status=GoalStatus.IN_PROGRESS,
        note="First step",
        created_at=datetime.datetime(2035, 1, 10, 23, 30, tzinfo=UTC),
    )
    GoalUpdate.objects.create(
        goal=goal,
        author=world.mentor,
        status=GoalStatus.ACHIEVED,
        note="Passed",
        created_at=datetime.datetime(2035, 2, 1, 9, 0, tzinfo=UTC),
    )
    page = as_user(world.mentee).get(goal_url(goal))  # Max lives in Berlin
    assert [update.note for update in page.context["updates"]] == ["Passed", "First step"]
    text = page.text
    assert text.index("Passed") < text.index("First step") < text.index("Added by Max Mentee")
    assert "Mina Mentor, Feb. 1, 2035, 10 a.m." in text
    assert "Max Mentee, Jan. 11, 2035, 12:30 a.m." in text  # past midnight in Berlin
    User.objects.filter(pk=world.mentor.pk).update(time_zone="America/New_York")
    assert "Max Mentee, Jan. 10, 2035, 6:30 p.m." in as_user(world.mentor).get(goal_url(goal)).text


def test_a_goal_without_updates_invites_the_first_one(as_user, world, goal):
    assert "No updates yet. Post the first one above" in as_user(world.mentee).get(goal_url(goal)).text


def test_the_update_and_the_goals_new_status_are_saved_together_or_not_at_all(world, goal):
    access = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    with mock.patch.object(Goal.objects, "filter", side_effect=DatabaseError("lost")), pytest.raises(DatabaseError):
        post_update(access=access, user=world.mentee, goal=goal, status=GoalStatus.ACHIEVED, note="Done")
    assert not GoalUpdate.objects.exists()
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NOT_STARTED


def test_the_service_itself_refuses_someone_who_may_not_post(world, goal):
    nora = UserFactory()
    add_to_group(world.group, nora, GroupRole.MENTEE)
    access = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    with pytest.raises(NotAllowed):
        post_update(access=access, user=nora, goal=goal, status=GoalStatus.ACHIEVED)


def test_the_goal_page_query_count_stays_flat_with_a_longer_history(as_user, world, goal):
    """3 updates by different people against 9."""

    def add_updates(count):
        for _ in range(count):
            author = UserFactory()
            add_to_group(world.group, author, GroupRole.MENTOR)
            GoalUpdate.objects.create(goal=goal, author=author, status=GoalStatus.IN_PROGRESS, note="On it")

    client = as_user(world.mentee)
    add_updates(3)
    small = count_queries(client, goal_url(goal))
    add_updates(6)
    assert count_queries(client, goal_url(goal)) == small == 5
