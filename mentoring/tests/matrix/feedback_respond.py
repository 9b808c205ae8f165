"""Answering surveys: the person's list of surveys, a round's answer page signed in, and the personal link in the
survey emails.

The programme's mid-point round is opened for each case: the world's mentee, mentor and other group's mentee are
asked; the coordinators and the outsider are not, and get 404 on the answer page. The link is the mentee's: it works
signed out and for the mentee; anyone else signed in is told that it was sent to someone else (403).
"""

from feedback.models import Respondent, SurveyRound
from feedback.services.responding import token_for
from feedback.services.rounds import ensure_rounds, open_round
from mentoring.tests.matrix import SIGNED_IN, Case

#                 anonymous outsider other_grp mentee  mentor  other_co coordinator
ASKED = ("login", "404", "200", "200", "200", "404", "404")
ASKED_POST = ("login", "404", "302", "302", "302", "404", "404")
# "Send my answers" with every required answer missing comes back with the errors: a page, not a redirect.
ASKED_BAD_POST = ASKED
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")
# The mentee's link: signed out or signed in as the mentee it works; anyone else signed in is refused.
LINK = ("200", "403", "403", "200", "403", "403", "403")
LINK_POST = ("302", "403", "403", "302", "403", "403", "403")
NOT_FOUND = ("404",) * 7


def opened_midpoint(world) -> SurveyRound:
    midpoint, _end = ensure_rounds(world.programme, by=world.coordinator)
    open_round(midpoint)
    return midpoint


def asked_round(world):
    return {"round_pk": opened_midpoint(world).pk}


def mentees_respondent(world) -> Respondent:
    return opened_midpoint(world).respondents.get(user=world.mentee)


def mentees_link(world):
    return {"token": token_for(mentees_respondent(world))}


def replaced_link(world):
    """A link from an older email: the person's nonce has changed since."""
    respondent = mentees_respondent(world)
    token = token_for(respondent)
    Respondent.objects.filter(pk=respondent.pk).update(token_nonce="replaced")
    return {"token": token}


CASES = [
    Case("feedback:mine", SIGNED_IN),
    Case("feedback:mine", WRONG_METHOD, method="post"),
    Case("feedback:answer", ASKED, asked_round),
    Case("feedback:answer", ASKED_POST, asked_round, method="post", data={"action": "save"}),
    Case("feedback:answer", ASKED_BAD_POST, asked_round, method="post", data={"action": "send"}),
    Case("feedback:answer", WRONG_METHOD, asked_round, method="put"),
    Case("feedback:answer", ("login", *NOT_FOUND[1:]), lambda world: {"round_pk": 999999}),
    Case("feedback:answer_by_link", LINK, mentees_link),
    Case("feedback:answer_by_link", LINK_POST, mentees_link, method="post", data={"action": "save"}),
    Case("feedback:answer_by_link", NOT_FOUND, lambda world: {"token": "not-a-real-token"}),
    Case("feedback:answer_by_link", NOT_FOUND, replaced_link),
]
