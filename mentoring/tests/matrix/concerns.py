"""Concerns raised with the coordinators, and the coordinator's overview of the sessions.

Any current member of a group raises a concern from the group's pages; a coordinator who is not a member gets 403
(they read concerns under the programme's Sessions tab), everyone else 404. The concerns list, resolving and the
sessions overview are the coordinators' pages of the programme.
"""

from groups.models import Concern
from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, Case, group, programme

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
MEMBERS = ("login", "404", "404", "200", "200", "404", "403")
MEMBERS_POST = ("login", "404", "404", "302", "302", "404", "403")
# An empty concern comes back with its error: a page, not a redirect.
MEMBERS_BAD_POST = ("login", "404", "404", "200", "200", "404", "403")
# A note of what was done that is too long comes back on the concerns page with its error.
COORDINATOR_BAD_POST = ("login", "404", "403", "403", "403", "404", "200")
# A page that only takes GET, or an action that only takes POST, refuses the other method before anything else.
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")


def mentees_concern(world):
    concern = Concern.objects.create(group=world.group, raised_by=world.mentee, text="The sessions start late.")
    return {"pk": world.programme.pk, "concern_pk": concern.pk}


CASES = [
    Case("groups:concern_create", MEMBERS, group),
    Case("groups:concern_create", MEMBERS_POST, group, method="post", data={"text": "Our mentor never comes."}),
    Case("groups:concern_create", MEMBERS_BAD_POST, group, method="post", data={"text": "   "}),
    Case("grouping:sessions", COORDINATOR_ONLY, programme),
    Case("grouping:sessions", WRONG_METHOD, programme, method="post"),
    Case("grouping:concerns", COORDINATOR_ONLY, programme),
    Case("grouping:concerns", WRONG_METHOD, programme, method="post"),
    Case("grouping:concern_resolve", COORDINATOR_POST, mentees_concern, method="post", data={"resolution": "Talked."}),
    Case(
        "grouping:concern_resolve",
        COORDINATOR_BAD_POST,
        mentees_concern,
        method="post",
        data={"resolution": "x" * 2001},
    ),
    Case("grouping:concern_resolve", WRONG_METHOD, mentees_concern),
]
