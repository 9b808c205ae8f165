"""A group's own pages: its wishes for a mentor, its settings, a peer group's turns at facilitating; and the
coordinator's page for a new mentor circle."""

from groups.models import GroupKind, GroupRole
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group, programme_mentor
from mentoring.tests.matrix import COORDINATOR_ONLY, Case, group, programme

#                 anonymous outsider other_grp mentee  mentor  other_co coordinator
# Everyone in the group and the programme's coordinators read the wishes; people outside the group get 404.
GROUP_READERS = ("login", "404", "404", "200", "200", "404", "200")
# Only the group's mentees change the wishes or agree to them: its mentor and the coordinator may read, not write.
MENTEES_POST = ("login", "404", "404", "302", "403", "404", "403")
# The group's settings are the coordinator's; the group's members are refused, everyone else learns nothing.
GROUP_COORDINATOR = ("login", "404", "404", "403", "403", "404", "200")
GROUP_COORDINATOR_POST = ("login", "404", "404", "403", "403", "404", "302")
# Any member or coordinator may act on facilitation; it always ends in a redirect to the group's page. For the
# world's mentor-led group, that redirect carries the error "Only peer groups take turns to facilitate" (a
# request that makes sense for another kind of group, not a lack of rights, so not 403).
GROUP_MEMBERS_POST = ("login", "404", "404", "302", "302", "404", "302")
# In a peer group of its own (with the world's mentee in it, and nobody else of the world), the world's mentor is
# an outsider to it: 404.
PEER_MEMBERS_POST = ("login", "404", "404", "302", "404", "404", "302")
# The coordinator's circle form, posted empty: the programme has enough mentors, so the form comes back with its
# errors (200), which shows that bad input is answered with messages. The happy path is in test_mentor_circles.
CIRCLE_POST = ("login", "404", "403", "403", "403", "404", "200")


def peer_group(world):
    peer = MentoringGroupFactory(programme=world.programme, name="Peers", kind=GroupKind.PEER)
    add_to_group(peer, world.mentee, GroupRole.MENTEE)
    add_to_group(peer, UserFactory(), GroupRole.MENTEE)
    return {"pk": peer.pk}


def programme_with_mentors(world):
    for _ in range(3):
        programme_mentor(world.programme)
    return programme(world)


CASES = [
    Case("groups:wishes", GROUP_READERS, group),
    Case("groups:wishes", MENTEES_POST, group, method="post", data={"mentor_kind": "Patient", "version": "1"}),
    Case("groups:wishes_agree", MENTEES_POST, group, method="post", data={"version": "1"}),
    Case("groups:settings", GROUP_COORDINATOR, group),
    Case(
        "groups:settings",
        GROUP_COORDINATOR_POST,
        group,
        method="post",
        data={"name": "Group A, renamed", "focus": "Careers", "kind": GroupKind.MENTOR_LED},
    ),
    Case("groups:facilitation", GROUP_MEMBERS_POST, group, method="post", data={"action": "pass"}),
    Case("groups:facilitation", PEER_MEMBERS_POST, peer_group, method="post", data={"action": "pass"}),
    Case("grouping:circle_create", COORDINATOR_ONLY, programme_with_mentors),
    Case("grouping:circle_create", CIRCLE_POST, programme_with_mentors, method="post", data={}),
]
