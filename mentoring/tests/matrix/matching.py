"""Matching mentors with groups: the coordinator's pages, and the page where the mentor asked answers."""

from mentoring.tests.factories import MentorAssignmentFactory
from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, Case, programme


def group(world):
    return {"pk": world.programme.pk, "group_pk": world.other_group.pk}


def waiting_request(world):
    made = MentorAssignmentFactory(group=world.other_group, mentor=world.mentor, assigned_by=world.coordinator)
    return {"pk": world.programme.pk, "assignment_pk": made.pk}


def request_to_mentor(world):
    made = MentorAssignmentFactory(group=world.other_group, mentor=world.mentor, assigned_by=world.coordinator)
    return {"pk": made.pk}


#                 anonymous outsider other_grp mentee  mentor  other_co coordinator
POST_ONLY = ("login", "405", "405", "405", "405", "405", "405")
# Only the mentor asked answers; the programme's coordinators see the request on their matching page instead.
MENTOR_ASKED = ("login", "404", "404", "404", "200", "404", "403")
MENTOR_ASKED_POST = ("login", "404", "404", "404", "302", "404", "403")
# Without a proposal in the session, the review sends the coordinator back to the matching page.
COORDINATOR_REDIRECT = COORDINATOR_POST

CASES = [
    Case("grouping:matching", COORDINATOR_ONLY, programme),
    Case("grouping:suggestions", COORDINATOR_ONLY, group),
    # Asked or refused, the coordinator is sent on with a message: the point here is who gets in at all.
    Case("grouping:assign", COORDINATOR_POST, group, method="post", data={"mentor": "1"}),
    Case("grouping:assign", POST_ONLY, group),
    Case("grouping:withdraw", COORDINATOR_POST, waiting_request, method="post"),
    Case("grouping:withdraw", POST_ONLY, waiting_request),
    Case("grouping:propose_all", COORDINATOR_REDIRECT, programme),
    Case("grouping:propose_all", COORDINATOR_POST, programme, method="post"),
    Case("grouping:propose_all", COORDINATOR_POST, programme, method="post", data={"action": "discard"}),
    Case("grouping:propose_all_confirm", COORDINATOR_POST, programme, method="post"),
    Case("grouping:propose_all_confirm", POST_ONLY, programme),
    Case("groups:request", MENTOR_ASKED, request_to_mentor),
    Case("groups:request", MENTOR_ASKED_POST, request_to_mentor, method="post", data={"answer": "decline"}),
]
