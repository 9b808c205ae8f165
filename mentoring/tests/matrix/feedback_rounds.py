"""The programme's Feedback tab: its survey rounds, adding and changing one, opening one now, extending a deadline.
Coordinators only."""

from feedback.services.rounds import ensure_rounds, open_round
from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, Case, programme

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")
# A form sent back with its errors: a page, not a redirect.
COORDINATOR_BAD_POST = ("login", "404", "403", "403", "403", "404", "200")


def scheduled_round(world):
    midpoint, _end = ensure_rounds(world.programme)
    return {"pk": world.programme.pk, "round_pk": midpoint.pk}


def open_round_kwargs(world):
    midpoint, _end = ensure_rounds(world.programme)
    open_round(midpoint)
    return {"pk": world.programme.pk, "round_pk": midpoint.pk}


CASES = [
    Case("surveys:rounds", COORDINATOR_ONLY, programme),
    Case("surveys:rounds", WRONG_METHOD, programme, method="post"),
    Case("surveys:round_create", COORDINATOR_ONLY, programme),
    Case("surveys:round_create", COORDINATOR_BAD_POST, programme, method="post", data={"name": ""}),
    Case("surveys:round_edit", COORDINATOR_ONLY, scheduled_round),
    Case("surveys:round_edit", COORDINATOR_BAD_POST, scheduled_round, method="post", data={"name": ""}),
    Case("surveys:round_open", COORDINATOR_POST, scheduled_round, method="post"),
    Case("surveys:round_open", WRONG_METHOD, scheduled_round),
    Case("surveys:round_extend", COORDINATOR_ONLY, open_round_kwargs),
    Case("surveys:round_extend", COORDINATOR_BAD_POST, open_round_kwargs, method="post", data={"closes_on": "x"}),
]
