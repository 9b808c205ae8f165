"""The coordinator's Goals tab: for each group, its common and individual goals by status and its recent progress
updates, in numbers only. What a goal says stays in the group: no title, description or note reaches the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Goal, GoalStatus, GoalUpdate, GroupRole
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Leave my abusive partner"
SECRET_DESCRIPTION = "Talk to the shelter on Tuesday"
SECRET_NOTE = "Moved out last week"
COMMON_TITLE = "Everyone speaks at each session"


def url(world) -> str:
    return reverse("grouping:goals", kwargs={"pk": world.programme.pk})


@pytest.fixture
def goals(world):
    private = Goal.objects.create(
        group=world.group,
        owner=world.mentee,
        created_by=world.mentee,
        title=SECRET_TITLE,
        description=SECRET_DESCRIPTION,
        status=GoalStatus.IN_PROGRESS,
    )
    Goal.objects.create(
        group=world.group, owner=world.mentee, created_by=world.mentee, title="Second", status=GoalStatus.ACHIEVED
    )
    common = Goal.objects.create(
        group=world.group, owner=None, shared_with_group=True, created_by=world.mentor, title=COMMON_TITLE
    )
    GoalUpdate.objects.create(goal=private, author=world.mentee, status=GoalStatus.IN_PROGRESS, note=SECRET_NOTE)
    GoalUpdate.objects.create(goal=common, author=world.mentor, status=GoalStatus.NOT_STARTED, note="Agreed")
    GoalUpdate.objects.create(  # too old to count as recent
        goal=common,
        author=world.mentor,
        status=GoalStatus.NOT_STARTED,
        note="Long ago",
        created_at=timezone.now() - datetime.timedelta(days=31),
    )
    Goal.objects.create(
        group=world.other_group,
        owner=world.other_group_member,
        created_by=world.other_group_member,
        title="Other group's goal",
        status=GoalStatus.DROPPED,
    )


def test_the_coordinator_sees_each_groups_goals_counted_by_kind_and_status(as_user, world, goals):
    page = as_user(world.coordinator).get(url(world))
    rows = {row.group.name: row for row in page.context["rows"]}
    group_a = rows["Group A"]
    assert group_a.common == {"not_started": 1, "in_progress": 0, "achieved": 0, "changed": 0, "dropped": 0}
    assert group_a.individual == {"not_started": 0, "in_progress": 1, "achieved": 1, "changed": 0, "dropped": 0}
    assert group_a.recent_updates == 2  # the update of 31 days ago is not recent
    assert rows["Group B"].individual["dropped"] == 1
    total = page.context["total"]
    assert (total.common_total, total.individual_total, total.recent_updates) == (1, 3, 2)


def test_the_coordinators_page_shows_no_goal_text_at_all(as_user, world, goals):
    text = as_user(world.coordinator).get(url(world)).text
    for secret in (SECRET_TITLE, SECRET_DESCRIPTION, SECRET_NOTE, COMMON_TITLE, "Second", "Agreed", "Long ago"):
        assert secret not in text
    assert "Other group&#x27;s goal" not in text and "Other group's goal" not in text
    assert "Group A" in text and "In progress" in text
    assert "you see only the numbers" in text


def test_a_programme_without_groups_says_to_form_them_first(as_user, world):
    programme = world.other_programme
    page = as_user(world.other_coordinator).get(reverse("grouping:goals", kwargs={"pk": programme.pk}))
    assert "No groups yet." in page.text
    assert reverse("grouping:groups", kwargs={"pk": programme.pk}) in page.text


def test_groups_without_goals_say_who_adds_them(as_user, world):
    text = as_user(world.coordinator).get(url(world)).text
    assert "No goals yet. Mentors add their group" in text


def test_the_goals_tab_is_marked_as_the_current_page(as_user, world):
    text = as_user(world.coordinator).get(url(world)).text
    assert f'aria-current="page" href="{url(world)}"' in text


def test_a_closed_programmes_counts_stay_readable(as_user, world, goals):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    page = as_user(world.coordinator).get(url(world))
    assert page.status_code == 200
    assert "This programme is closed." in page.text


@pytest.mark.parametrize(("who", "expected"), [("mentor", 403), ("mentee", 403), ("other_coordinator", 404)])
def test_only_the_programmes_coordinators_see_the_counts(as_user, world, who, expected):
    assert as_user(getattr(world, who)).get(url(world)).status_code == expected


def test_the_counts_take_get_only(as_user, world):
    assert as_user(world.coordinator).post(url(world)).status_code == 405


def test_the_query_count_stays_flat_with_more_groups(as_user, world):
    """2 groups against 6, each with goals and updates."""

    def group_with_goals(group):
        mentee = UserFactory()
        add_to_group(group, mentee, GroupRole.MENTEE)
        for status in (GoalStatus.NOT_STARTED, GoalStatus.ACHIEVED):
            goal = Goal.objects.create(group=group, owner=mentee, created_by=mentee, title="G", status=status)
            GoalUpdate.objects.create(goal=goal, author=mentee, status=status, note="N")
        Goal.objects.create(group=group, owner=None, shared_with_group=True, created_by=mentee, title="C")

    for group in (world.group, world.other_group):
        group_with_goals(group)
    client = as_user(world.coordinator)
    small = count_queries(client, url(world))
    for _ in range(4):
        group_with_goals(MentoringGroupFactory(programme=world.programme))
    assert count_queries(client, url(world)) == small == 6
