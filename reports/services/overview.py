"""The cross-programme overview: every programme a person coordinates, with its groups' health summed up, for a
coordinator who runs several at once.

The figures are the dashboard's (``reports.services.health.groups_health``: the same at-risk rules, the same
sessions, attendance and survey answers), computed for all the person's programmes together, so the overview makes
the same number of queries for one programme or many. Satisfaction (the pulse after sessions) is left out here:
the dashboard shows it per group. Nothing confidential is read: dates, counts, statuses and rates only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from feedback.models import Respondent
from groups.models import Concern, ConcernStatus
from programmes.models import Programme, ProgrammeStatus
from reports.services.health import Health, groups_health

# Programmes that still need attention first, in the order of their life; closed ones after them.
_STAGE = {status: index for index, status in enumerate(ProgrammeStatus.values)}


@dataclass
class ProgrammeOverview:
    """One programme's line: the dashboard's figures (``health``), the latest survey's answers over everyone asked,
    and the concerns waiting for a coordinator in any of its groups."""

    health: Health
    asked: int = 0
    answered: int = 0
    open_concerns: int = 0

    @property
    def programme(self) -> Programme:
        return self.health.programme

    @property
    def response_percent(self) -> int | None:
        return round(100 * self.answered / self.asked) if self.asked else None


@dataclass
class ProgrammesOverview:
    current: list[ProgrammeOverview]  # not closed, the furthest along first (closing, running, ...)
    closed: list[ProgrammeOverview]  # newest first

    @property
    def programmes(self) -> list[ProgrammeOverview]:
        return self.current + self.closed

    @property
    def groups(self) -> int:
        return sum(len(line.health.groups) for line in self.current)

    @property
    def at_risk(self) -> int:
        return sum(len(line.health.at_risk) for line in self.current)

    @property
    def held(self) -> int:
        return sum(line.health.held for line in self.current)

    @property
    def planned(self) -> int:
        return sum(line.health.planned for line in self.current)

    @property
    def attendance_percent(self) -> int | None:
        groups = [group for line in self.current for group in line.health.groups]
        marks = sum(group.marks for group in groups)
        return round(100 * sum(group.present for group in groups) / marks) if marks else None

    @property
    def open_concerns(self) -> int:
        return sum(line.open_concerns for line in self.current)


def programmes_overview(user: User, *, now: datetime.datetime | None = None) -> ProgrammesOverview:
    """The programmes ``user`` coordinates (an active coordinator's membership), with their figures. The totals
    count the programmes not closed. A fixed number of queries, however many programmes, groups and sessions."""
    now = now or timezone.now()
    programmes = list(Programme.objects.coordinated_by(user).order_by("-starts_on", "name", "pk"))
    ids = [programme.pk for programme in programmes]
    figures = groups_health(programmes, now=now)
    lines = {
        programme.pk: ProgrammeOverview(
            health=Health(
                programme=programme,
                today=programme.today(now),
                groups=figures.groups[programme.pk],
                months=[],
                survey=figures.surveys[programme.pk],
            )
        )
        for programme in programmes
    }
    survey_ids = [survey.pk for survey in figures.surveys.values() if survey is not None]
    if survey_ids:
        for row in (
            Respondent.objects.filter(round_id__in=survey_ids)
            .values("round__programme_id")
            .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(submitted_at__isnull=False)))
            .order_by()
        ):
            line = lines[row["round__programme_id"]]
            line.asked, line.answered = row["asked"], row["answered"]
    for row in (
        Concern.objects.filter(group__programme_id__in=ids, status=ConcernStatus.OPEN)
        .values("group__programme_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        lines[row["group__programme_id"]].open_concerns = row["n"]

    current = [line for line in lines.values() if not line.programme.is_archived]
    current.sort(key=lambda line: (-_STAGE[line.programme.status], line.programme.starts_on, line.programme.name))
    closed = [line for line in lines.values() if line.programme.is_archived]
    return ProgrammesOverview(current=current, closed=closed)
