"""Where a programme is in its life: its next milestones (the mid-point and its survey, the end and its survey, the
final common meeting), each with its date and whether it is done."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from feedback.models import RoundKind, SurveyRound
from programmes.models import Programme
from programmes.models.events import EventKind


@dataclass(frozen=True)
class Milestone:
    label: str
    day: datetime.date | None
    done: bool
    note: str = ""


def milestones(programme: Programme, rounds: list[SurveyRound]) -> list[Milestone]:
    """From the programme's survey ``rounds`` (its mid-point and end surveys) and its final common meeting (one
    query)."""
    today = programme.today()
    rounds = {r.kind: r for r in rounds if r.kind in (RoundKind.MIDPOINT, RoundKind.END)}
    final = (
        programme.events.filter(kind=EventKind.FINAL_MEETING, cancelled_at__isnull=True).order_by("starts_at").first()
    )
    items = [
        Milestone(_("Start"), programme.starts_on, programme.starts_on <= today),
        Milestone(_("Mid-point"), programme.midpoint, programme.midpoint <= today),
    ]
    for kind, label in ((RoundKind.MIDPOINT, _("Mid-point survey")), (RoundKind.END, _("End-of-programme survey"))):
        survey = rounds.get(kind)
        if survey is not None:
            items.append(Milestone(label, survey.opens_on, not survey.is_scheduled, str(survey.get_status_display())))
    if final is not None:
        day = final.starts_at.astimezone(programme.zone).date()
        items.append(Milestone(_("Final common meeting"), day, day < today))
    else:
        items.append(Milestone(_("Final common meeting"), None, False, str(_("Not planned yet"))))
    items.append(Milestone(_("End"), programme.ends_on, programme.ends_on < today))
    return sorted(items, key=lambda item: (item.day is None, item.day or today))
