"""The permission matrix's vocabulary: the kinds of visitor, a case, and the usual rows of outcomes.

Each topic lists its URLs in a module of its own in this package (``CASES``); ``test_permission_matrix``
joins them and fails when a URL of the project is in none of them.

Expected outcomes: "200" the page; "login" a redirect to sign in; "302" another redirect (e.g. home sending a
person to their work, or allauth sending a signed-in person away from the sign-in page); "403" a member
without the role; "404" an outsider, who must not even learn that the object exists; "410" a link that was
good once (a used, expired or revoked invitation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("anonymous", "outsider", "other_group_member", "mentee", "mentor", "other_coordinator", "coordinator")


@dataclass(frozen=True)
class Case:
    name: str
    expected: tuple[str, ...]  # one outcome per persona, in PERSONAS order
    kwargs: Callable = lambda world: {}
    method: str = "get"
    data: dict = field(default_factory=dict)


def programme(world):
    return {"pk": world.programme.pk}


def group(world):
    return {"pk": world.group.pk}


#                  anonymous outsider other_grp mentee  mentor  other_co coordinator
EVERYONE = ("200", "200", "200", "200", "200", "200", "200")
SIGNED_IN = ("login", "200", "200", "200", "200", "200", "200")
SIGNED_OUT_ONLY = ("200", "302", "302", "302", "302", "302", "302")
COORDINATOR_ONLY = ("login", "404", "403", "403", "403", "404", "200")
# A coordinator's form that changes something and redirects back.
COORDINATOR_POST = ("login", "404", "403", "403", "403", "404", "302")
# Any coordinator of any programme (the mentor data bank spans programmes); everyone else is refused.
ANY_COORDINATOR = ("login", "403", "403", "403", "403", "200", "200")
