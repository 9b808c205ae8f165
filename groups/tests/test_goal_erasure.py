"""Erasing a person: the words of their goals and of the progress notes they wrote go; the goals' statuses,
dates and history stay, so that the programme's figures do not change."""

import datetime

import pytest
from django.urls import reverse

from groups.models import Goal, GoalStatus, GoalUpdate
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db


def test_erasing_a_mentee_blanks_their_goals_words_and_keeps_statuses_and_dates(as_user, world):
    own = Goal.objects.create(
        group=world.group,
        owner=world.mentee,
        created_by=world.mentee,
        title="Leave my job",
        description="Talk to HR",
        target_date=datetime.date(2035, 3, 1),
        status=GoalStatus.ACHIEVED,
        shared_with_group=True,
    )
    common = Goal.objects.create(
        group=world.group, owner=None, shared_with_group=True, created_by=world.mentor, title="Meet monthly"
    )
    mine = GoalUpdate.objects.create(goal=own, author=world.mentee, status=GoalStatus.ACHIEVED, note="I quit")
    on_common = GoalUpdate.objects.create(
        goal=common, author=world.mentee, status=GoalStatus.IN_PROGRESS, note="We met"
    )
    mentors = GoalUpdate.objects.create(goal=own, author=world.mentor, status=GoalStatus.IN_PROGRESS, note="Good")
    before = {
        goal.pk: (goal.status, goal.target_date, goal.created_at, goal.updated_at, goal.shared_with_group)
        for goal in Goal.objects.all()
    }

    anonymise_person(user=world.mentee, by=world.coordinator)

    own.refresh_from_db()
    common.refresh_from_db()
    assert (own.title, own.description) == ("—", "")
    assert common.title == "Meet monthly"  # the group's goal is not theirs
    after = {
        goal.pk: (goal.status, goal.target_date, goal.created_at, goal.updated_at, goal.shared_with_group)
        for goal in Goal.objects.all()
    }
    assert after == before
    notes = dict(GoalUpdate.objects.values_list("pk", "note"))
    assert notes == {mine.pk: "", on_common.pk: "", mentors.pk: "Good"}
    assert list(GoalUpdate.objects.order_by("pk").values_list("status", flat=True)) == [
        GoalStatus.ACHIEVED,
        GoalStatus.IN_PROGRESS,
        GoalStatus.IN_PROGRESS,
    ]

    # The mentor still finds the goal and its history, under the name "Former participant".
    page = as_user(world.mentor).get(reverse("groups:goal", kwargs={"pk": world.group.pk, "goal_pk": own.pk}))
    assert page.status_code == 200
    assert "Former participant" in page.text
    assert "Leave my job" not in page.text and "I quit" not in page.text and "Talk to HR" not in page.text

    # And the coordinator's numbers are the same as before.
    counts = as_user(world.coordinator).get(reverse("grouping:goals", kwargs={"pk": world.programme.pk}))
    group_a = next(row for row in counts.context["rows"] if row.group == world.group)
    assert group_a.individual["achieved"] == 1 and group_a.common["not_started"] == 1
    assert group_a.recent_updates == 3
