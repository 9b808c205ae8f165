"""A group's sessions and their logs: the list and a session's page for members and the programme's coordinators
(who see the facts only); the log for the group's leaders; reflections for members; action items done by their
owner or a leader. People outside the group get 404.
"""

import datetime

from django.utils import timezone

from groups.models import ActionItem, Meeting
from mentoring.tests.matrix import Case, group

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
# The list and a session's page: every member, and the programme's coordinators (facts only).
READERS = ("login", "404", "404", "200", "200", "404", "200")
# The log: the group's leaders (in a mentor-led group, its mentor); mentees and coordinators are refused.
LEADERS = ("login", "404", "404", "403", "200", "404", "403")
LEADERS_POST = ("login", "404", "404", "403", "302", "404", "403")
# Reflections: every member writes their own; a coordinator who is not a member may not.
MEMBERS = ("login", "404", "404", "200", "200", "404", "403")
MEMBERS_POST = ("login", "404", "404", "302", "302", "404", "403")
# An action item of the mentee's: they and the mentor mark it done.
OWNER_OR_LEADER_POST = ("login", "404", "404", "302", "302", "404", "403")
# A page that only takes GET, or an action that only takes POST, refuses the other method before anything else.
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")


def past_session(world):
    meeting = Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        created_by=world.mentor,
        agenda="Introductions",
    )
    return {"pk": world.group.pk, "session_pk": meeting.pk}


def mentees_action_item(world):
    meeting = Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        created_by=world.mentor,
        held=True,
        logged_at=timezone.now(),
        logged_by=world.mentor,
    )
    item = ActionItem.objects.create(meeting=meeting, owner=world.mentee, text="Update my CV")
    return {"pk": world.group.pk, "item_pk": item.pk}


CASES = [
    Case("groups:sessions", READERS, group),
    Case("groups:sessions", WRONG_METHOD, group, method="post"),
    Case("groups:session", READERS, past_session),
    Case("groups:session", WRONG_METHOD, past_session, method="post"),
    Case("groups:session_log", LEADERS, past_session),
    Case("groups:session_log", LEADERS_POST, past_session, method="post", data={"held": "no", "summary": "Snow"}),
    Case("groups:session_log", LEADERS, past_session, method="post", data={}),  # bad input: the page again
    Case("groups:reflection", MEMBERS, past_session),
    Case("groups:reflection", MEMBERS_POST, past_session, method="post", data={"text": "I learnt to listen."}),
    Case("groups:reflection", MEMBERS, past_session, method="post", data={"text": " "}),  # bad input
    Case("groups:action_item_done", OWNER_OR_LEADER_POST, mentees_action_item, method="post", data={"done": "1"}),
    Case("groups:action_item_done", WRONG_METHOD, mentees_action_item),
]
