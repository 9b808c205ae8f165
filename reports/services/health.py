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

from django.db.models import Case, Count, IntegerField, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Respondent, RoundStatus, SurveyRound
from feedback.services.pulse import group_pulses
from groups.models import (
    Attendance,
    AttendanceMark,
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
    mentors: list[str] = field(default_factory=list)
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
    groups = list(
        MentoringGroup.objects.filter(programme_id__in=list(by_pk))
        .exclude(kind=GroupKind.MENTOR_CIRCLE)
        .annotate(
            mentee_count=Count(
                "memberships",
                filter=Q(memberships__left_at__isnull=True, memberships__role=GroupRole.MENTEE),
            )
        )
        .order_by("name", "pk")
    )
    health = {}
    for group in groups:
        group.programme = by_pk[group.programme_id]
        health[group.pk] = GroupHealth(group=group, mentees=group.mentee_count)
    ids = list(health)
    for membership in (
        GroupMembership.objects.current()
        .filter(group_id__in=ids, role=GroupRole.MENTOR)
        .select_related("user")
        .order_by("user__display_name")
    ):
        health[membership.group_id].mentors.append(membership.user.shown_name)

    # Attendance marks are read once, by group and (with ``by_month``) by month: the groups' figures are the sums
    # over the months, the months' the sums over the groups. Sessions by month are a query of their own: folded into
    # the groups' query, their first and last times by group and month would cost more to read than they save.
    months: dict[int, MonthFigures] = {}

    def month_of(prefix: str) -> dict:
        return {"month": _month_key(programmes[0], now, prefix)} if by_month else {}

    group_sessions = Meeting.objects.filter(group_id__in=ids, kind=MeetingKind.GROUP, status=MeetingStatus.SCHEDULED)
    held = Q(held=True)
    for row in (
        group_sessions.values("group_id")
        .annotate(
            held_count=Count("pk", filter=held),
            to_come=Count("pk", filter=Q(starts_at__gt=now)),
            first=Min("starts_at", filter=held),
            last=Max("starts_at", filter=held),
        )
        .order_by()
    ):
        figures = health[row["group_id"]]
        figures.held, figures.scheduled = row["held_count"], row["to_come"]
        figures.first_held, figures.last_held = row["first"], row["last"]
    if by_month:
        for row in group_sessions.filter(held=True).values(**month_of("")).annotate(n=Count("pk")).order_by():
            _month(months, row["month"]).held = row["n"]

    marks = Attendance.objects.filter(
        meeting__group_id__in=ids,
        meeting__kind=MeetingKind.GROUP,
        meeting__status=MeetingStatus.SCHEDULED,
        meeting__held=True,
    )
    for row in (
        marks.values("meeting__group_id", **month_of("meeting__"))
        .annotate(marks=Count("pk"), present=Count("pk", filter=Q(status=AttendanceMark.PRESENT)))
        .order_by()
    ):
        figures = health[row["meeting__group_id"]]
        figures.marks += row["marks"]
        figures.present += row["present"]
        if by_month:
            month = _month(months, row["month"])
            month.marks += row["marks"]
            month.present += row["present"]

    in_force = {}
    for version in (
        ContractVersion.objects.filter(contract__group_id__in=ids)
        .exclude(status__in=[VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN])
        .values("contract__group_id", "status", "sessions_per_month", "starts_on", "ends_on")
        .order_by("contract__group_id", "number")
    ):
        group_id = version["contract__group_id"]
        if version["status"] == VersionStatus.IN_FORCE:
            in_force[group_id] = version
        if health[group_id].contract != VersionStatus.IN_FORCE:
            health[group_id].contract = version["status"]

    for row in Goal.objects.filter(group_id__in=ids).values("group_id", "status").annotate(n=Count("pk")).order_by():
        health[row["group_id"]].goals[row["status"]] = row["n"]

    for row in (
        Concern.objects.filter(group_id__in=ids, status=ConcernStatus.OPEN)
        .values("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        health[row["group_id"]].open_concerns = row["n"]

    surveys = latest_surveys(list(by_pk))
    if surveys:
        for row in (
            Respondent.objects.filter(round_id__in=[survey.pk for survey in surveys.values()], group_id__in=ids)
            .values("round_id", "group_id")
            .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(submitted_at__isnull=False)))
            .order_by()
        ):
            figures = health[row["group_id"]]
            survey = surveys.get(figures.group.programme_id)
            if survey is not None and survey.pk == row["round_id"]:
                figures.asked, figures.answered = row["asked"], row["answered"]

    for figures in health.values():
        programme = figures.group.programme
        today = programme.today(now)
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


def _month_key(programme: Programme, now: datetime.datetime, prefix: str) -> Case:
    """The month a held session starts in, where the programme runs, as a number (year * 12 + month - 1), for the
    field ``<prefix>starts_at``; None for a session not held. The months from the programme's start to now are
    bounded in Python (midnight on the 1st, in the programme's zone), so the database only compares times; a
    session outside them (before the start) is placed by the database's own month of it."""
    zone = programme.zone
    first = min(programme.starts_on, now.astimezone(zone).date()).replace(day=1)
    last = now.astimezone(zone).date().replace(day=1)
    keys = range(first.year * 12 + first.month - 1, last.year * 12 + last.month + 1)
    bounds = [datetime.datetime(key // 12, key % 12 + 1, 1, tzinfo=zone) for key in keys]
    starts_at = f"{prefix}starts_at"
    return Case(
        When(~Q(**{f"{prefix}held": True}), then=Value(None)),
        *(
            When(**{f"{starts_at}__gte": start, f"{starts_at}__lt": end}, then=Value(key))
            for key, start, end in zip(keys, bounds, bounds[1:], strict=False)
        ),
        default=ExtractYear(starts_at, tzinfo=zone) * 12 + ExtractMonth(starts_at, tzinfo=zone) - 1,
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
