"""Scheduling: a group's leaders schedule, change and cancel its sessions; whoever sees a session downloads it as a
calendar file; everyone has a calendar page, and a feed whose secret address needs no sign-in.

In the world's mentor-led group the mentor leads. The mentee and the programme's coordinator see the sessions but
do not schedule them (403); people outside the group get 404.
"""

import datetime

from django.utils import timezone

from groups.models import Meeting, MeetingKind
from mentoring.tests.matrix import EVERYONE, SIGNED_IN, Case, group

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
LEADERS = ("login", "404", "404", "403", "200", "404", "403")
LEADERS_POST = ("login", "404", "404", "403", "302", "404", "403")
# Anyone who can see the session: its group's members and the programme's coordinators.
VIEWERS = ("login", "404", "404", "200", "200", "404", "200")
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")
SIGNED_IN_POST = ("login", "302", "302", "302", "302", "302", "302")
NOBODY = ("404",) * 7  # a feed address that is not (or no longer) anyone's
NO_POST = ("405",) * 7

SESSION = {
    "kind": "group",
    "date": "2035-03-06",
    "start_time": "18:00",
    "minutes": "90",
    "place": "Library, room 4",
    "repeat": "none",
}


def _meeting(world, **fields) -> Meeting:
    return Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        place="Library, room 4",
        created_by=world.mentor,
        **fields,
    )


def session(world):
    return {"pk": world.group.pk, "session_pk": _meeting(world).pk}


def check_in(world):
    meeting = _meeting(world, kind=MeetingKind.CHECK_IN, with_member=world.mentee)
    return {"pk": world.group.pk, "session_pk": meeting.pk}


def feed(world):
    return {"token": world.mentee.calendar_token}


CASES = [
    Case("groups:session_create", LEADERS, group),
    Case("groups:session_create", LEADERS_POST, group, method="post", data=SESSION),
    Case("groups:session_create", LEADERS, group, method="post", data={**SESSION, "place": ""}),  # the errors
    Case("groups:session_edit", LEADERS, session),
    Case("groups:session_edit", LEADERS_POST, session, method="post", data=SESSION),
    Case("groups:session_cancel", LEADERS_POST, session, method="post"),
    Case("groups:session_cancel", WRONG_METHOD, session),
    Case("groups:session_ics", VIEWERS, session),
    Case("groups:session_ics", VIEWERS, check_in),
    Case("groups:session_ics", WRONG_METHOD, session, method="post"),
    Case("accounts:calendar", SIGNED_IN),
    Case("accounts:calendar", SIGNED_IN_POST, method="post"),
    Case("calendar_feed", EVERYONE, feed),
    Case("calendar_feed", NOBODY, lambda world: {"token": "not-anyones-token"}),
    Case("calendar_feed", NO_POST, feed, method="post"),
]


# Stopping a kind of reminder from the link in the email: no sign-in, the signed token is the key. GET only asks.
def reminder_token(world):
    from groups.services.reminders import SESSION_REMINDER, unsubscribe_token

    return {"token": unsubscribe_token(world.mentee, SESSION_REMINDER)}


CASES += [
    Case("accounts:reminder_off", EVERYONE, reminder_token),
    Case("accounts:reminder_off", EVERYONE, reminder_token, method="post"),
    Case("accounts:reminder_off", NOBODY, lambda world: {"token": "forged:token"}),
    Case("accounts:reminder_off", NOBODY, lambda world: {"token": "forged:token"}, method="post"),
]
