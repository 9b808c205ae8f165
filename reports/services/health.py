"""The health of a programme's groups: what the coordinator's dashboard shows for each group, and the groups at
risk with the reason.

Every figure is an aggregate computed by the database, in a fixed number of queries however many groups and
sessions there are. Nothing confidential is read: dates, counts, statuses and rates only (DESIGN.md).

At risk (``RISK_RULES``), for a group of a programme that is running or closing:
- no session for five weeks: the last held session (or, before any, the group's forming) is over 35 days ago;
- attendance below 60%, over the sessions held (from three attendance marks on);
- no contract in force two weeks after the first held session;
- open concerns raised with the coordinators;
- unanswered surveys: in the latest survey that opened at least a week ago, fewer than half of the group answered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Respondent, RoundStatus, SurveyRound
from feedback.services.pulse import group_pulses
from groups.models import (
    Concern,
    ConcernStatus,
    ContractVersion,
    Goal,
    GoalStatus,
    GroupKind,
    GroupMembership,
    GroupRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MentoringGroup,
    VersionStatus,
)
from programmes.models import Programme, ProgrammeStatus

QUIET_DAYS = 35
ATTENDANCE_FLOOR = 0.6
ATTENDANCE_MIN_MARKS = 3
CONTRACT_GRACE_DAYS = 14
SURVEY_SETTLE_DAYS = 7
SURVEY_FLOOR = 0.5
AVERAGE_MONTH_DAYS = 30.44

NO_SESSION = "no_session"
LOW_ATTENDANCE = "low_attendance"
NO_CONTRACT = "no_contract"
OPEN_CONCERNS = "open_concerns"
UNANSWERED_SURVEY = "unanswered_survey"

RISK_RULES = {
    NO_SESSION: _("No session for five weeks"),
    LOW_ATTENDANCE: _("Attendance below 60%"),
    NO_CONTRACT: _("No contract two weeks after the first session"),
    OPEN_CONCERNS: _("Open concerns"),
    UNANSWERED_SURVEY: _("Fewer than half answered the survey"),
}


@dataclass
class GroupHealth:
    group: MentoringGroup
    mentors: list[str] = field(default_factory=list)  # filled by ``add_mentors``, for the groups shown
    mentees: int = 0
    held: int = 0
    planned: int = 0  # held sessions the contract (or the programme) plans by today
    scheduled: int = 0  # sessions to come
    first_held: datetime.datetime | None = None
    last_held: datetime.datetime | None = None
    present: int = 0
    marks: int = 0
    contract: str = ""  # a VersionStatus value of the latest version, or "" without a contract
    goals: dict[str, int] = field(default_factory=dict)
    open_concerns: int = 0
    asked: int = 0
    answered: int = 0
    satisfaction: float | None = None  # average usefulness in the pulse after sessions, 1-5, from three people
    risks: list[str] = field(default_factory=list)

    @property
    def attendance(self) -> float | None:
        return self.present / self.marks if self.marks else None

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.attendance) if self.marks else None

    @property
    def response_percent(self) -> int | None:
        return round(100 * self.answered / self.asked) if self.asked else None

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)

    @property
    def risk_labels(self) -> list[str]:
        return [str(RISK_RULES[risk]) for risk in self.risks]

    @property
    def goals_achieved(self) -> int:
        return self.goals.get(GoalStatus.ACHIEVED, 0)

    @property
    def goals_total(self) -> int:
        return sum(self.goals.values())


@dataclass
class MonthFigures:
    month: datetime.date
    held: int = 0
    present: int = 0
    marks: int = 0

    @property
    def attendance_percent(self) -> int | None:
        return round(100 * self.present / self.marks) if self.marks else None


@dataclass
class Health:
    programme: Programme
    today: datetime.date
    groups: list[GroupHealth]
    months: list[MonthFigures]
    survey: SurveyRound | None

    @property
    def at_risk(self) -> list[GroupHealth]:
        return [group for group in self.groups if group.at_risk]

    @property
    def held(self) -> int:
        return sum(group.held for group in self.groups)

    @property
    def planned(self) -> int:
        return sum(group.planned for group in self.groups)

    @property
    def attendance_percent(self) -> int | None:
        marks = sum(group.marks for group in self.groups)
        return round(100 * sum(group.present for group in self.groups) / marks) if marks else None


def _planned(per_month: int, starts: datetime.date, ends: datetime.date, today: datetime.date) -> int:
    """Sessions planned from ``starts`` until today (or ``ends``), at ``per_month``."""
    until = min(today, ends)
    if until <= starts:
        return 0
    return int(per_month * ((until - starts).days / AVERAGE_MONTH_DAYS))


def programme_health(programme: Programme, *, now: datetime.datetime | None = None) -> Health:
    """Every mentor-led and peer group of the programme with its figures and risks, and the programme's sessions
    and attendance by month. A fixed number of queries."""
    now = now or timezone.now()
    figures = groups_health([programme], now=now, by_month=True)
    health = {group.group.pk: group for group in figures.groups[programme.pk]}
    for group_id, pulse in group_pulses(programme).items():
        if group_id in health:
            health[group_id].satisfaction = pulse.average
    return Health(
        programme=programme,
        today=programme.today(now),
        groups=list(health.values()),
        months=figures.months.get(programme.pk, []),
        survey=figures.surveys[programme.pk],
    )


@dataclass
class GroupsHealth:
    """The groups of several programmes with their figures and risks, by programme id, each list by group name; and
    each programme's latest survey (None before any)."""

    groups: dict[int, list[GroupHealth]]
    surveys: dict[int, SurveyRound | None]
    months: dict[int, list[MonthFigures]] = field(default_factory=dict)  # with ``by_month`` only


def latest_surveys(programme_ids: list[int]) -> dict[int, SurveyRound]:
    """Each programme's latest survey that has opened (open or closed), by programme id. One query."""
    opened = SurveyRound.objects.filter(status__in=[RoundStatus.OPEN, RoundStatus.CLOSED], opened_at__isnull=False)
    latest = opened.filter(programme_id=OuterRef("programme_id")).order_by("-opened_at", "-pk").values("pk")[:1]
    return {
        survey.programme_id: survey
        for survey in opened.filter(programme_id__in=programme_ids, pk=Subquery(latest)).order_by()
    }


def groups_health(
    programmes: list[Programme], *, now: datetime.datetime | None = None, by_month: bool = False
) -> GroupsHealth:
    """Every mentor-led and peer group of these programmes with its figures and risks (all but satisfaction, see
    ``programme_health``). The same fixed number of queries for one programme or many, however many groups and
    sessions. With ``by_month`` (one programme only), also its sessions held and attendance by month, from the
    same queries."""
    now = now or timezone.now()
    by_pk = {programme.pk: programme for programme in programmes}
    if by_month and len(by_pk) != 1:
        raise ValueError("Sessions by month are counted for one programme at a time.")
    # The groups are named by a subquery, not by a list of their ids: a list of thousands of ids costs more to
    # build into each query's SQL than the database spends on the subquery.
    scope = MentoringGroup.objects.filter(programme_id__in=list(by_pk)).exclude(kind=GroupKind.MENTOR_CIRCLE)
    in_scope = scope.order_by().values("pk")
    groups = list(
        scope.only("pk", "programme_id", "name", "kind", "created")
        .annotate(
            mentee_count=Count(
                "memberships",
                filter=Q(memberships__left_at__isnull=True, memberships__role=GroupRole.MENTEE),
            )
        )
        .order_by("name", "pk")
    )
    health = {group.pk: GroupHealth(group=group, mentees=group.mentee_count) for group in groups}

    # Sessions and attendance are read from the sessions alone: each keeps the count of its attendance marks
    # (``Meeting.recount_attendance``), so no mark is read. By month (``by_month``) is a query of its own.
    held = Q(held=True)
    group_sessions = Meeting.objects.filter(
        group_id__in=in_scope, kind=MeetingKind.GROUP, status=MeetingStatus.SCHEDULED
    ).order_by()
    sessions = group_sessions.values("group_id").annotate(
        held_count=Count("pk", filter=held),
        to_come=Count("pk", filter=Q(starts_at__gt=now)),
        first=Min("starts_at", filter=held),
        last=Max("starts_at", filter=held),
        marks=Sum("marks_count", filter=held),
        present=Sum("present_count", filter=held),
    )
    for group_id, *row in sessions.values_list(
        "group_id", "held_count", "to_come", "first", "last", "marks", "present"
    ):
        figures = health[group_id]
        figures.held, figures.scheduled, figures.first_held, figures.last_held, marks, present = row
        figures.marks, figures.present = marks or 0, present or 0
    months: dict[int, MonthFigures] = {}
    if by_month:
        for row in (
            group_sessions.filter(held)
            .values(month=_month_key(programmes[0], now))
            .annotate(n=Count("pk"), marks=Sum("marks_count"), present=Sum("present_count"))
        ):
            month = _month(months, row["month"])
            month.held, month.marks, month.present = row["n"], row["marks"] or 0, row["present"] or 0

    in_force = {}
    for version in (
        ContractVersion.objects.filter(contract__group_id__in=in_scope)
        .exclude(status__in=[VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN])
        .values("contract__group_id", "status", "sessions_per_month", "starts_on", "ends_on")
        .order_by("contract__group_id", "number")
    ):
        group_id = version["contract__group_id"]
        if version["status"] == VersionStatus.IN_FORCE:
            in_force[group_id] = version
        if health[group_id].contract != VersionStatus.IN_FORCE:
            health[group_id].contract = version["status"]

    statuses = GoalStatus.values
    by_status = {f"goals_{status}": Count("pk", filter=Q(status=status)) for status in statuses}
    goals = Goal.objects.filter(group_id__in=in_scope).values("group_id").annotate(**by_status).order_by()
    for group_id, *counts in goals.values_list("group_id", *by_status):
        health[group_id].goals = {status: n for status, n in zip(statuses, counts, strict=True) if n}

    for row in (
        Concern.objects.filter(group_id__in=in_scope, status=ConcernStatus.OPEN)
        .values("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        health[row["group_id"]].open_concerns = row["n"]

    surveys = latest_surveys(list(by_pk))
    if surveys:
        for row in (
            Respondent.objects.filter(round_id__in=[survey.pk for survey in surveys.values()], group_id__in=in_scope)
            .values("round_id", "group_id")
            .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(submitted_at__isnull=False)))
            .order_by()
        ):
            figures = health[row["group_id"]]
            survey = surveys.get(figures.group.programme_id)
            if survey is not None and survey.pk == row["round_id"]:
                figures.asked, figures.answered = row["asked"], row["answered"]

    today_of = {pk: programme.today(now) for pk, programme in by_pk.items()}
    for figures in health.values():
        programme = by_pk[figures.group.programme_id]
        today = today_of[programme.pk]
        version = in_force.get(figures.group.pk)
        if version is not None:
            figures.planned = _planned(version["sessions_per_month"], version["starts_on"], version["ends_on"], today)
        else:
            figures.planned = _planned(programme.sessions_per_month, programme.starts_on, programme.ends_on, today)
        if programme.status in (ProgrammeStatus.RUNNING, ProgrammeStatus.CLOSING):
            figures.risks = risks_of(figures, now=now, today=today, survey=surveys.get(programme.pk))

    by_programme: dict[int, list[GroupHealth]] = {pk: [] for pk in by_pk}
    for figures in health.values():
        by_programme[figures.group.programme_id].append(figures)
    return GroupsHealth(
        groups=by_programme,
        surveys={pk: surveys.get(pk) for pk in by_pk},
        months={programmes[0].pk: [months[key] for key in sorted(months)]} if by_month else {},
    )


def add_mentors(groups: list[GroupHealth]) -> None:
    """Fills in the names of these groups' mentors: for the groups a page shows, not every group. One query."""
    by_group = {figures.group.pk: figures for figures in groups}
    for figures in groups:
        figures.mentors = []
    for membership in (
        GroupMembership.objects.current()
        .filter(group_id__in=list(by_group), role=GroupRole.MENTOR)
        .select_related("user")
        .only("group_id", "user__display_name", "user__email", "user__anonymised_at")
        .order_by("user__display_name", "user_id")
    ):
        by_group[membership.group_id].mentors.append(membership.user.shown_name)


def risks_of(
    figures: GroupHealth, *, now: datetime.datetime, today: datetime.date, survey: SurveyRound | None
) -> list[str]:
    """The at-risk rules this group meets now."""
    risks = []
    quiet_since = figures.last_held or figures.group.created
    if now - quiet_since > datetime.timedelta(days=QUIET_DAYS):
        risks.append(NO_SESSION)
    if figures.marks >= ATTENDANCE_MIN_MARKS and figures.attendance < ATTENDANCE_FLOOR:
        risks.append(LOW_ATTENDANCE)
    if (
        figures.first_held is not None
        and figures.contract != VersionStatus.IN_FORCE
        and now - figures.first_held > datetime.timedelta(days=CONTRACT_GRACE_DAYS)
    ):
        risks.append(NO_CONTRACT)
    if figures.open_concerns:
        risks.append(OPEN_CONCERNS)
    if (
        survey is not None
        and survey.opened_at is not None
        and now - survey.opened_at >= datetime.timedelta(days=SURVEY_SETTLE_DAYS)
        and figures.asked
        and figures.answered / figures.asked < SURVEY_FLOOR
    ):
        risks.append(UNANSWERED_SURVEY)
    return risks


def _month_key(programme: Programme, now: datetime.datetime) -> Case | CombinedExpression:
    """The month a session starts in, where the programme runs, as a number (year * 12 + month - 1). The months
    from the programme's start to now are bounded in Python (midnight on the 1st, in the programme's zone), so the
    database only compares each time with the next month's start; a session outside them is placed by the
    database's own month of it. That is for SQLite, which converts each time in a Python function; PostgreSQL
    converts them natively, faster than it takes to build a comparison per month into the query."""
    zone = programme.zone
    elsewhere = ExtractYear("starts_at", tzinfo=zone) * 12 + ExtractMonth("starts_at", tzinfo=zone) - 1
    if connection.vendor != "sqlite":
        return elsewhere
    first = min(programme.starts_on, now.astimezone(zone).date()).replace(day=1)
    last = now.astimezone(zone).date().replace(day=1)
    keys = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
    starts = [datetime.datetime(key // 12, key % 12 + 1, 1, tzinfo=zone) for key in [*keys, keys.stop]]
    return Case(
        When(starts_at__lt=starts[0], then=elsewhere),
        *(When(starts_at__lt=next_start, then=Value(key)) for key, next_start in zip(keys, starts[1:], strict=True)),
        default=elsewhere,
        output_field=IntegerField(),
    )


def _month(months: dict[int, MonthFigures], key: int) -> MonthFigures:
    if key not in months:
        months[key] = MonthFigures(month=datetime.date(key // 12, key % 12 + 1, 1))
    return months[key]


def sort_groups(groups: list[GroupHealth], key: str) -> list[GroupHealth]:
    """The table's order: by name, risks, sessions held, attendance, last session or survey answers (a leading "-"
    reverses)."""
    reverse = key.startswith("-")
    keys = {
        "name": lambda g: g.group.name.lower(),
        "risk": lambda g: (len(g.risks), g.group.name.lower()),
        "held": lambda g: (g.held, g.group.name.lower()),
        "attendance": lambda g: (g.attendance if g.attendance is not None else -1, g.group.name.lower()),
        "last": lambda g: (g.last_held.timestamp() if g.last_held else 0, g.group.name.lower()),
        "answers": lambda g: (g.answered / g.asked if g.asked else -1, g.group.name.lower()),
    }
    function = keys.get(key.lstrip("-"), keys["name"])
    return sorted(groups, key=function, reverse=reverse)
