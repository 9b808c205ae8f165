"""A person's own surveys: the rounds they were asked to answer, for their list of surveys and their home page, and
the state of one round's answer page.

Every list is one query, however many surveys a person has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from feedback.models import Respondent, Response, RoundStatus
from programmes.models import ProgrammeStatus

# What the answer page shows.
ANSWERED = "answered"
OPEN = "open"
NOT_YET = "not_yet"
CLOSED = "closed"


def state_of(respondent: Respondent) -> str:
    """Whether the person has answered, can answer now, can answer later, or can no longer answer."""
    survey_round = respondent.round
    if respondent.has_answered:
        return ANSWERED
    if survey_round.status == RoundStatus.CLOSED or survey_round.programme.is_archived:
        return CLOSED
    if survey_round.status == RoundStatus.SCHEDULED:
        return NOT_YET
    return OPEN


def _asked(user) -> QuerySet[Respondent]:
    drafts = Response.objects.filter(respondent=OuterRef("pk"), submitted_on__isnull=True)
    return (
        Respondent.objects.filter(user=user)
        .select_related("round__programme")
        .annotate(has_draft=Exists(drafts))
        .order_by("round__closes_on", "round__name", "pk")
    )


@dataclass
class MySurveys:
    waiting: list[Respondent] = field(default_factory=list)  # open (or soon open) and not answered, soonest first
    answered: list[Respondent] = field(default_factory=list)  # latest answer first
    closed: list[Respondent] = field(default_factory=list)  # closed without an answer, latest first

    def __bool__(self) -> bool:
        return bool(self.waiting or self.answered or self.closed)


def surveys_of(user) -> MySurveys:
    """Every round the person was asked to answer, in three lists. One query."""
    found = MySurveys()
    for respondent in _asked(user):
        state = state_of(respondent)
        if state == ANSWERED:
            found.answered.append(respondent)
        elif state == CLOSED:
            found.closed.append(respondent)
        else:
            found.waiting.append(respondent)
    found.answered.sort(key=lambda respondent: respondent.submitted_at, reverse=True)
    found.closed.reverse()
    return found


def waiting_for(user) -> list[Respondent]:
    """The open rounds the person has not answered yet, the nearest deadline first, for their home page. One
    query."""
    return list(
        _asked(user)
        .filter(
            submitted_at__isnull=True,
            round__status=RoundStatus.OPEN,
        )
        .exclude(round__programme__status=ProgrammeStatus.CLOSED)
    )
