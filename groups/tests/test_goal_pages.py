"""The goals pages of a group: the list with its empty states, adding a goal (the mentee's own, or a common one
by the group's leaders), changing it, and a closed programme's goals kept read-only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Goal, GoalStatus, GoalUpdate, GroupRole
from mentoring.tests.factories import UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


def goals_url(world) -> str:
    return reverse("groups:goals", kwargs={"pk": world.group.pk})


def create_url(world, common: bool = False) -> str:
    url = reverse("groups:goal_create", kwargs={"pk": world.group.pk})
    return f"{url}?common=1" if common else url


def goal_url(goal: Goal, name: str = "groups:goal") -> str:
    return reverse(name, kwargs={"pk": goal.group_id, "goal_pk": goal.pk})


def own_goal(world, **fields) -> Goal:
    return Goal.objects.create(
        group=world.group, owner=world.mentee, created_by=world.mentee, **{"title": "Pass the exam", **fields}
    )


def common_goal(world, **fields) -> Goal:
    return Goal.objects.create(
        group=world.group,
        owner=None,
        shared_with_group=True,
        created_by=world.mentor,
        **{"title": "Meet every month", **fields},
    )


# The list


def test_an_empty_goals_page_tells_a_mentee_to_add_their_first_goal(as_user, world):
    text = as_user(world.mentee).get(goals_url(world)).text
    assert "You have no goals yet." in text
    assert "Add your first goal" in text and create_url(world) in text
    assert "Your mentor adds the goals that the whole group agreed on." in text


def test_an_empty_goals_page_tells_the_mentor_to_add_the_common_goals(as_user, world):
    text = as_user(world.mentor).get(goals_url(world)).text
    assert "Add the group's common goals, as agreed in your contract." in text
    assert create_url(world, common=True) in text
    assert "Add your first goal" not in text


def test_each_goal_shows_its_status_target_date_and_latest_update(as_user, world):
    goal = own_goal(world, target_date=datetime.date(2035, 6, 1), status=GoalStatus.IN_PROGRESS)
    GoalUpdate.objects.create(
        goal=goal, author=world.mentee, status=GoalStatus.NOT_STARTED, note="Old news", created_at=timezone.now()
    )
    GoalUpdate.objects.create(goal=goal, author=world.mentor, status=GoalStatus.IN_PROGRESS, note="Booked the exam")
    text = as_user(world.mentee).get(goals_url(world)).text
    assert "In progress" in text
    assert "Target date: June 1, 2035" in text
    assert "Booked the exam" in text and "Old news" not in text
    assert "Latest update by Mina Mentor" in text
    assert goal_url(goal) in text


def test_the_goals_page_query_count_stays_flat(as_user, world):
    """3 goals with updates against 9, for the mentor (who sees every mentee's goals) and for a mentee."""

    def add_goals(count):
        for index in range(count):
            mentee = UserFactory()
            add_to_group(world.group, mentee, GroupRole.MENTEE)
            goal = Goal.objects.create(group=world.group, owner=mentee, created_by=mentee, title=f"Goal {index}")
            GoalUpdate.objects.create(goal=goal, author=mentee, status=GoalStatus.IN_PROGRESS, note="Going")
            shared = common_goal(world, title=f"Common {index}")
            GoalUpdate.objects.create(goal=shared, author=world.mentor, status=GoalStatus.ACHIEVED)

    add_goals(3)
    for person, expected in ((world.mentor, 6), (world.mentee, 5)):
        assert count_queries(as_user(person), goals_url(world)) == expected
    add_goals(6)
    for person, expected in ((world.mentor, 6), (world.mentee, 5)):
        assert count_queries(as_user(person), goals_url(world)) == expected


def test_the_goals_page_only_takes_get(as_user, world):
    assert as_user(world.mentee).post(goals_url(world)).status_code == 405


# Adding a goal


def test_a_mentee_adds_a_goal_of_their_own_not_shared_by_default(as_user, world):
    response = as_user(world.mentee).post(
        create_url(world),
        {"title": "  Find  a job ", "description": "Apply\r\ntwice a week", "status": "in_progress"},
        follow=True,
    )
    goal = Goal.objects.get()
    assert (goal.owner, goal.created_by, goal.group) == (world.mentee, world.mentee, world.group)
    assert goal.title == "Find a job"
    assert goal.description == "Apply\ntwice a week"
    assert goal.status == GoalStatus.IN_PROGRESS
    assert goal.shared_with_group is False
    assert response.redirect_chain[-1][0] == goal_url(goal)
    assert "Only you and your mentor can see it." in response.text


def test_a_mentee_may_share_their_goal_with_the_group(as_user, world):
    as_user(world.mentee).post(
        create_url(world), {"title": "Learn Excel", "status": "not_started", "shared_with_group": "on"}
    )
    assert Goal.objects.get().shared_with_group is True


def test_the_mentor_adds_a_common_goal(as_user, world):
    response = as_user(world.mentor).post(
        create_url(world, common=True), {"title": "Everyone speaks at each session", "status": "not_started"}
    )
    goal = Goal.objects.get()
    assert goal.owner is None and goal.is_common and goal.shared_with_group
    assert goal.created_by == world.mentor
    assert response["Location"] == goal_url(goal)


def test_the_common_goal_form_has_no_sharing_choice(as_user, world):
    form = as_user(world.mentor).get(create_url(world, common=True)).context["form"]
    assert "shared_with_group" not in form.fields
    assert form.fields["status"].initial == GoalStatus.NOT_STARTED


@pytest.mark.parametrize(
    ("who", "common", "expected"),
    [("mentor", False, 403), ("mentee", True, 403), ("coordinator", False, 403), ("coordinator", True, 403)],
)
def test_who_may_not_add_which_goal(as_user, world, who, common, expected):
    client = as_user(getattr(world, who))
    assert client.get(create_url(world, common)).status_code == expected
    assert client.post(create_url(world, common), {"title": "X", "status": "not_started"}).status_code == expected
    assert not Goal.objects.exists()


def test_a_peer_group_member_adds_common_goals_too(as_user, world):
    from groups.models import GroupKind
    from mentoring.tests.factories import MentoringGroupFactory

    peer = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    add_to_group(peer, world.outsider, GroupRole.MENTEE)
    url = reverse("groups:goal_create", kwargs={"pk": peer.pk}) + "?common=1"
    assert as_user(world.outsider).post(url, {"title": "Meet", "status": "not_started"}).status_code == 302
    assert Goal.objects.get().owner is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "status": "not_started"}, "title", "This field is required."),
        ({"title": "   ", "status": "not_started"}, "title", "This field is required."),
        ({"title": "x" * 201, "status": "not_started"}, "title", "at most 200 characters"),
        ({"title": "A", "status": "someday"}, "status", "Select a valid choice."),
        ({"title": "A", "status": "not_started", "target_date": "yesterday"}, "target_date", "Enter a valid date."),
    ],
)
def test_bad_input_comes_back_with_the_error_next_to_the_field(as_user, world, data, field, message):
    response = as_user(world.mentee).post(create_url(world), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Goal.objects.exists()


def test_a_target_date_in_the_past_is_refused(as_user, world):
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = as_user(world.mentee).post(
        create_url(world), {"title": "A", "status": "not_started", "target_date": past}
    )
    assert response.status_code == 200
    assert "The target date cannot be in the past." in response.text
    assert not Goal.objects.exists()


def test_today_is_a_fine_target_date(as_user, world):
    today = timezone.localdate().isoformat()
    as_user(world.mentee).post(create_url(world), {"title": "A", "status": "not_started", "target_date": today})
    assert Goal.objects.get().target_date.isoformat() == today


# Changing a goal


def test_the_owner_changes_their_goal_and_its_sharing(as_user, world):
    goal = own_goal(world)
    response = as_user(world.mentee).post(
        goal_url(goal, "groups:goal_edit"),
        {"title": "Pass the B2 exam", "description": "Course on Mondays", "shared_with_group": "on"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.description, goal.shared_with_group) == ("Pass the B2 exam", "Course on Mondays", True)
    assert goal.status == GoalStatus.NOT_STARTED  # the status changes only through updates


def test_the_edit_form_has_no_status(as_user, world):
    form = as_user(world.mentee).get(goal_url(own_goal(world), "groups:goal_edit")).context["form"]
    assert "status" not in form.fields
    assert form.initial["title"] == "Pass the exam"


def test_a_past_target_date_may_stay_when_the_words_change(as_user, world):
    past = timezone.localdate() - datetime.timedelta(days=10)
    goal = own_goal(world, target_date=past)
    response = as_user(world.mentee).post(
        goal_url(goal, "groups:goal_edit"), {"title": "New words", "target_date": past.isoformat()}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.target_date) == ("New words", past)


def test_a_target_date_cannot_be_moved_into_the_past(as_user, world):
    goal = own_goal(world)
    past = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = as_user(world.mentee).post(goal_url(goal, "groups:goal_edit"), {"title": "A", "target_date": past})
    assert response.status_code == 200
    assert "The target date cannot be in the past." in response.text


def test_the_mentor_may_not_change_a_mentees_goal(as_user, world):
    goal = own_goal(world)
    client = as_user(world.mentor)
    assert client.get(goal_url(goal, "groups:goal_edit")).status_code == 403
    assert client.post(goal_url(goal, "groups:goal_edit"), {"title": "Mine now"}).status_code == 403
    goal.refresh_from_db()
    assert goal.title == "Pass the exam"


def test_the_mentor_changes_a_common_goal_and_a_mentee_may_not(as_user, world):
    goal = common_goal(world)
    assert as_user(world.mentee).get(goal_url(goal, "groups:goal_edit")).status_code == 403
    assert as_user(world.mentor).post(goal_url(goal, "groups:goal_edit"), {"title": "Meet twice"}).status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Meet twice" and goal.shared_with_group


def test_a_goal_the_person_cannot_see_is_not_found_on_the_edit_page(as_user, world):
    nora = UserFactory()
    add_to_group(world.group, nora, GroupRole.MENTEE)
    goal = own_goal(world)
    assert as_user(nora).get(goal_url(goal, "groups:goal_edit")).status_code == 404


def test_the_goal_page_shows_edit_only_to_who_may_edit(as_user, world):
    goal = own_goal(world)
    edit = goal_url(goal, "groups:goal_edit")
    assert edit in as_user(world.mentee).get(goal_url(goal)).text
    text = as_user(world.mentor).get(goal_url(goal)).text
    assert edit not in text
    assert "can change the words of this goal" in text


# A closed programme


@pytest.fixture
def closed(world):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)


def test_a_closed_programmes_goals_are_read_only(as_user, world, closed):
    goal = own_goal(world)
    client = as_user(world.mentee)
    page = client.get(goals_url(world))
    assert "This programme is closed." in page.text
    assert "Add your first goal" not in page.text
    detail = client.get(goal_url(goal))
    assert detail.context["form"] is None and not detail.context["can_edit"]
    response = client.post(create_url(world), {"title": "Late", "status": "not_started"}, follow=True)
    assert "Its goals can no longer be changed." in response.text
    assert client.get(goal_url(goal, "groups:goal_edit")).status_code == 302
    client.post(goal_url(goal, "groups:goal_update"), {"status": "achieved", "note": "Done"})
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NOT_STARTED
    assert Goal.objects.count() == 1 and not GoalUpdate.objects.exists()


# The goals on the group's page


def test_the_group_page_sums_up_the_goals_for_a_member(as_user, world):
    own_goal(world, status=GoalStatus.ACHIEVED)
    common_goal(world)
    text = as_user(world.mentee).get(reverse("groups:detail", kwargs={"pk": world.group.pk})).text
    assert "1 common goal" in text and "1 goal of your own" in text and "1 achieved" in text
    assert goals_url(world) in text


def test_the_group_page_shows_no_goals_to_a_coordinator(as_user, world):
    own_goal(world)
    text = as_user(world.coordinator).get(reverse("groups:detail", kwargs={"pk": world.group.pk})).text
    assert 'id="goals-heading"' not in text
    assert goals_url(world) not in text
    assert "Pass the exam" not in text


def test_the_group_page_tells_the_mentor_to_add_the_common_goals(as_user, world):
    text = as_user(world.mentor).get(reverse("groups:detail", kwargs={"pk": world.group.pk})).text
    assert "No goals yet. Add the group's common goals, as agreed in your contract." in text
