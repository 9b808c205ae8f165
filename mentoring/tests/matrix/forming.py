"""Forming groups: the programme's groups, the proposal (kept in the coordinator's session) and confirming it."""

from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, Case, programme

# Without a proposal in the session, the proposal page sends the coordinator back to the groups.
COORDINATOR_REDIRECT = COORDINATOR_POST

CASES = [
    Case("grouping:groups", COORDINATOR_ONLY, programme),
    Case("grouping:proposal", COORDINATOR_REDIRECT, programme),
    Case("grouping:proposal", COORDINATOR_POST, programme, method="post", data={"action": "start"}),
    Case("grouping:proposal", COORDINATOR_POST, programme, method="post", data={"action": "discard"}),
    Case("grouping:proposal_confirm", COORDINATOR_POST, programme, method="post"),
]
