"""Group evaluations, the coordinators' interviews, and the pulse after a session.

- A group's evaluation is written by its leaders (the world's mentor); a mentee of the group and a coordinator
  who is not a member get 403, everyone else 404.
- The pulse is answered by members who do not lead the group (the world's mentee); the mentor and a coordinator
  who is not a member get 403, everyone else 404. Its questions are named after their ids, so the matrix posts an
  incomplete answer (the page again); feedback/tests/test_pulse_answering.py posts complete ones.
- The evaluations table, one sent evaluation and the interviews are the coordinators' pages of the programme. An
  interview's person is a user id, so the matrix posts a bad interview (the page again);
  feedback/tests/test_interviews_pages.py records real ones.
"""

import datetime

from django.utils import timezone

from feedback.models import GroupEvaluation, Interview, Stage
from groups.models import Meeting
from mentoring.tests.matrix import COORDINATOR_ONLY, Case, programme

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
LEADERS = ("login", "404", "404", "403", "200", "404", "403")
LEADERS_POST = ("login", "404", "404", "403", "302", "404", "403")
LEADERS_BAD_POST = ("login", "404", "404", "403", "200", "404", "403")
NON_LEADERS = ("login", "404", "404", "200", "403", "404", "403")
COORDINATOR_BAD_POST = ("login", "404", "403", "403", "403", "404", "200")
# A page that only takes GET (and POST) refuses another method before anything else.
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")


def _past_midpoint(world) -> None:
    today = timezone.localdate()
    world.programme.starts_on = today - datetime.timedelta(days=200)
    world.programme.ends_on = today + datetime.timedelta(days=100)
    world.programme.save(update_fields=["starts_on", "ends_on"])


def midpoint_evaluation(world):
    _past_midpoint(world)
    return {"pk": world.group.pk, "stage": Stage.MIDPOINT}


def sent_evaluation(world):
    GroupEvaluation.objects.create(
        group=world.group,
        stage=Stage.MIDPOINT,
        author=world.mentor,
        how_it_went="The group is going well.",
        submitted_at=timezone.now(),
    )
    return {"pk": world.programme.pk, "group_pk": world.group.pk, "stage": Stage.MIDPOINT}


def interview(world):
    held = Interview.objects.create(
        programme=world.programme,
        person=world.mentee,
        interviewer=world.coordinator,
        held_on=timezone.localdate(),
        results="Found a job.",
    )
    return {"pk": world.programme.pk, "interview_pk": held.pk}


def past_session(world):
    meeting = Meeting.objects.create(
        group=world.group, starts_at=timezone.now() - datetime.timedelta(hours=3), created_by=world.mentor
    )
    return {"pk": world.group.pk, "session_pk": meeting.pk}


BAD_INTERVIEW = {"person": "", "stage": "end", "held_on": "not a date"}

CASES = [
    Case("feedback:evaluation", LEADERS, midpoint_evaluation),
    Case(
        "feedback:evaluation",
        LEADERS_POST,
        midpoint_evaluation,
        method="post",
        data={"action": "draft", "how_it_went": "We meet every month."},
    ),
    Case("feedback:evaluation", LEADERS_BAD_POST, midpoint_evaluation, method="post", data={"action": "send"}),
    Case("feedback:evaluation", WRONG_METHOD, midpoint_evaluation, method="delete"),
    Case("feedback:pulse", NON_LEADERS, past_session),
    Case("feedback:pulse", NON_LEADERS, past_session, method="post", data={}),  # bad input: the questions again
    Case("feedback:pulse", WRONG_METHOD, past_session, method="delete"),
    Case("surveys:evaluations", COORDINATOR_ONLY, programme),
    Case("surveys:evaluations", WRONG_METHOD, programme, method="post"),
    Case("surveys:evaluation", COORDINATOR_ONLY, sent_evaluation),
    Case("surveys:evaluation", WRONG_METHOD, sent_evaluation, method="post"),
    Case("surveys:interviews", COORDINATOR_ONLY, programme),
    Case("surveys:interviews", WRONG_METHOD, programme, method="post"),
    Case("surveys:interview_create", COORDINATOR_ONLY, programme),
    Case("surveys:interview_create", COORDINATOR_BAD_POST, programme, method="post", data=BAD_INTERVIEW),
    Case("surveys:interview_create", WRONG_METHOD, programme, method="delete"),
    Case("surveys:interview_edit", COORDINATOR_ONLY, interview),
    Case("surveys:interview_edit", COORDINATOR_BAD_POST, interview, method="post", data=BAD_INTERVIEW),
    Case("surveys:interview_edit", WRONG_METHOD, interview, method="delete"),
]
