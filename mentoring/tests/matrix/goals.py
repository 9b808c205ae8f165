"""Goals: a group's common goals and each mentee's own, for the group's members; and the coordinator's counts.

The goals pages are the group's own: a coordinator who is not a member gets 403 (they have the counts under the
programme's Goals tab, and never a goal's words); people outside the group get 404.
"""

from groups.models import Goal
from mentoring.tests.matrix import COORDINATOR_ONLY, Case, group, programme

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
# Every current member reads the group's goals page and the world's mentee's own goal (the mentor sees it too).
MEMBERS = ("login", "404", "404", "200", "200", "404", "403")
# The mentee adds and edits their own goal; the mentor may not (403), nor may the coordinator.
OWNER = ("login", "404", "404", "200", "403", "404", "403")
OWNER_POST = ("login", "404", "404", "302", "403", "404", "403")
# Common goals are the group's leaders': in a mentor-led group, its mentor.
LEADERS = ("login", "404", "404", "403", "200", "404", "403")
# Progress on an individual goal: its owner and the group's mentor post it.
UPDATERS_POST = ("login", "404", "404", "302", "302", "404", "403")
# Bad input (an empty form, a note that is too long) comes back with its errors: a page, not a redirect.
OWNER_BAD_POST = ("login", "404", "404", "200", "403", "404", "403")
UPDATERS_BAD_POST = ("login", "404", "404", "200", "200", "404", "403")
# A page that only takes GET, or an action that only takes POST, refuses the other method before anything else.
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")

GOAL = {"title": "Find a job as a nurse", "description": "Two applications a week", "status": "not_started"}


def mentees_goal(world):
    goal = Goal.objects.create(
        group=world.group, owner=world.mentee, created_by=world.mentee, title="Pass the B2 language exam"
    )
    return {"pk": world.group.pk, "goal_pk": goal.pk}


def common_goal(world):
    goal = Goal.objects.create(
        group=world.group, owner=None, shared_with_group=True, created_by=world.mentor, title="Meet every month"
    )
    return {"pk": world.group.pk, "goal_pk": goal.pk}


CASES = [
    Case("groups:goals", MEMBERS, group),
    Case("groups:goals", WRONG_METHOD, group, method="post"),
    Case("groups:goal_create", OWNER, group),
    Case("groups:goal_create", LEADERS, group, data={"common": "1"}),
    Case("groups:goal_create", OWNER_POST, group, method="post", data=GOAL),
    Case("groups:goal_create", OWNER_BAD_POST, group, method="post", data={}),
    Case("groups:goal", MEMBERS, mentees_goal),
    Case("groups:goal", MEMBERS, common_goal),
    Case("groups:goal", WRONG_METHOD, mentees_goal, method="post"),
    Case("groups:goal_edit", OWNER, mentees_goal),
    Case("groups:goal_edit", OWNER_POST, mentees_goal, method="post", data=GOAL),
    Case("groups:goal_edit", LEADERS, common_goal),
    Case("groups:goal_update", UPDATERS_POST, mentees_goal, method="post", data={"status": "in_progress"}),
    Case(
        "groups:goal_update",
        UPDATERS_BAD_POST,
        mentees_goal,
        method="post",
        data={"status": "in_progress", "note": "x" * 501},
    ),
    Case("groups:goal_update", WRONG_METHOD, mentees_goal),
    Case("grouping:goals", COORDINATOR_ONLY, programme),
    Case("grouping:goals", WRONG_METHOD, programme, method="post"),
]
