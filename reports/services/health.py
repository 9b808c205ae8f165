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
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Answer, Question, Questionnaire, Respondent, Response, RoundStatus, SurveyRound
from feedback.services.pulse import USEFUL_KEY, pulse_average
from groups.models import (
    Concern,
    ConcernStatus,
    Contract,
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
from groups.models.contracts import OPEN_VERSION
from mentoring.prepared import prepared
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
    rounds: list[SurveyRound] = field(default_factory=list)  # every survey round of the programme (programme_health)

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
    and attendance by month, and its survey rounds. A fixed number of queries."""
    now = now or timezone.now()
    rounds = list(programme.survey_rounds.all())
    figures = groups_health([programme], now=now, by_month=True, rounds=rounds)
    return Health(
        programme=programme,
        today=programme.today(now),
        groups=figures.groups[programme.pk],
        months=figures.months.get(programme.pk, []),
        survey=figures.surveys[programme.pk],
        rounds=rounds,
    )


@dataclass
class GroupsHealth:
    """The groups of several programmes with their figures and risks, by programme id, each list by group name; and
    each programme's latest survey (None before any)."""

    groups: dict[int, list[GroupHealth]]
    surveys: dict[int, SurveyRound | None]
    months: dict[int, list[MonthFigures]] = field(default_factory=dict)  # with ``by_month`` only


def latest_surveys(rounds: Iterable[SurveyRound]) -> dict[int, SurveyRound]:
    """Of these survey rounds, each programme's latest that has opened (open or closed), by programme id."""
    latest: dict[int, SurveyRound] = {}
    for survey in rounds:
        if survey.status not in (RoundStatus.OPEN, RoundStatus.CLOSED) or survey.opened_at is None:
            continue
        known = latest.get(survey.programme_id)
        if known is None or (survey.opened_at, survey.pk) > (known.opened_at, known.pk):
            latest[survey.programme_id] = survey
    return latest


def groups_health(
    programmes: list[Programme],
    *,
    now: datetime.datetime | None = None,
    by_month: bool = False,
    rounds: list[SurveyRound] | None = None,
) -> GroupsHealth:
    """Every mentor-led and peer group of these programmes with its figures and risks. The same fixed number of
    queries for one programme or many, however many groups and sessions. With ``by_month`` (one programme only),
    also its sessions held and attendance by month (one query more), and each group's satisfaction. ``rounds``: the
    programmes' survey rounds when the caller has them already (else one query more reads them)."""
    now = now or timezone.now()
    by_pk = {programme.pk: programme for programme in programmes}
    if by_month and len(by_pk) != 1:
        raise ValueError("Sessions by month are counted for one programme at a time.")
    if not by_pk:
        return GroupsHealth(groups={}, surveys={})
    if rounds is None:
        rounds = SurveyRound.objects.filter(
            programme_id__in=list(by_pk), status__in=[RoundStatus.OPEN, RoundStatus.CLOSED], opened_at__isnull=False
        )
    surveys = latest_surveys(rounds)
    health = {}
    for group in _groups_with_figures(list(by_pk), [survey.pk for survey in surveys.values()], now, pulse=by_month):
        health[group.pk] = figures = GroupHealth(group=group, mentees=group.mentee_count)
        figures.held, figures.scheduled = group.held_count or 0, group.to_come or 0
        figures.first_held, figures.last_held = _datetime(group.first_held), _datetime(group.last_held)
        figures.marks, figures.present = group.marks or 0, group.present or 0
        figures.contract = group.contract_status or ""
        figures.goals = {status: n for status in GoalStatus.values if (n := getattr(group, f"goals_{status}") or 0)}
        figures.open_concerns = group.open_concerns or 0
        figures.asked, figures.answered = group.asked or 0, group.answered or 0
        if by_month:
            figures.satisfaction = pulse_average(group.pulse_people, group.pulse_average)

    months: dict[int, MonthFigures] = {}
    if by_month:
        for key, held, marks, present in _held_by_month(programmes[0], now):
            month = _month(months, key)
            month.held, month.marks, month.present = held, marks or 0, present or 0

    today_of = {pk: programme.today(now) for pk, programme in by_pk.items()}
    for figures in health.values():
        programme = by_pk[figures.group.programme_id]
        today = today_of[programme.pk]
        group = figures.group
        if group.plan_per_month is not None:  # the contract in force plans the sessions
            figures.planned = _planned(
                group.plan_per_month, _date(group.plan_starts_on), _date(group.plan_ends_on), today
            )
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


def _groups_with_figures(
    programme_ids: list[int], survey_ids: list[int], now: datetime.datetime, *, pulse: bool
) -> list[MentoringGroup]:
    """The mentor-led and peer groups of these programmes, by name, each with its figures as attributes: the columns
    of ``_figures_sql``, with ``pulse`` also the pulse's usefulness answers after sessions. One query.

    Written in SQL rather than built with the ORM: the database needs a millisecond for it, while building the same
    figures as six ORM queries took several times that in Python, on every view of the dashboard. PostgreSQL plans
    it once per connection (``mentoring.prepared``): planning took longer than running it."""
    sql = _figures_sql(pulse=pulse).format(
        programmes=", ".join(["%s"] * len(programme_ids)),
        rounds=", ".join(["%s"] * len(survey_ids)) or "NULL",  # "IN (NULL)" holds for no row
    )
    params = [
        *programme_ids,
        GroupKind.MENTOR_CIRCLE,
        VersionStatus.IN_FORCE,
        *OPEN_VERSION,
        *GoalStatus.values,
        GroupRole.MENTEE,
        connection.ops.adapt_datetimefield_value(now),
        MeetingKind.GROUP,
        MeetingStatus.SCHEDULED,
        ConcernStatus.OPEN,
        *survey_ids,
        *([USEFUL_KEY, *programme_ids] if pulse else []),  # only the programmes' own usefulness question
        VersionStatus.IN_FORCE,
    ]
    with prepared("group_figures", sql, params) as (sql, params):
        return list(MentoringGroup.objects.raw(sql, params))


FIGURE_COLUMNS = (
    "mentee",
    "held",
    "to_come",
    "held_at",
    "marks",
    "present",
    "goal_status",
    "concern",
    "asked",
    "answered",
    "pulse_number",
    "pulse_person",
)


def _counted(**columns: str) -> str:
    """A row of ``_figures_sql``'s union: these columns as given, the others nothing: 0, or NULL where the figure is
    a minimum, a maximum, an average or a count of distinct values. PostgreSQL types the union's columns branch by
    branch, so a number that is NULL in the first branches says it is a number."""
    none = "CAST(NULL AS INTEGER)"
    nothing = {"held_at": "NULL", "goal_status": "NULL", "pulse_number": none, "pulse_person": none}
    return ", ".join(f"{columns.get(name, nothing.get(name, '0'))} AS {name}" for name in FIGURE_COLUMNS)


@functools.cache
def _figures_sql(*, pulse: bool) -> str:
    """The SQL of ``_groups_with_figures``, "{programmes}" and "{rounds}" left for its lists of placeholders.

    Each group's memberships, sessions, goals, concerns and survey invitations are read as one union of rows, one
    column per figure, summed by group: the database plans that in half the time it takes for a join of five
    grouped tables. A contract's status is its version in force, else its open version's (there is one of each at
    most). The same SQL for SQLite and PostgreSQL: booleans are tested as conditions, counts are sums of CASE."""
    table = {model.__name__: model._meta.db_table for model in (MentoringGroup, GroupMembership, Meeting, Goal)}
    table |= {model.__name__: model._meta.db_table for model in (Concern, Respondent, Contract, ContractVersion)}
    table |= {model.__name__: model._meta.db_table for model in (Answer, Response, Question, Questionnaire)}
    in_scope = "group_id IN (SELECT id FROM scope)"
    sessions = _counted(
        held="CASE WHEN held THEN 1 ELSE 0 END",
        to_come="CASE WHEN starts_at > %s THEN 1 ELSE 0 END",
        held_at="CASE WHEN held THEN starts_at END",
        marks="CASE WHEN held THEN marks_count ELSE 0 END",
        present="CASE WHEN held THEN present_count ELSE 0 END",
    )
    answered = "CASE WHEN submitted_at IS NOT NULL THEN 1 ELSE 0 END"
    # A pulse response names its session's group (``response_pulse_has_group``): no need to read the sessions.
    pulses = f"""
        UNION ALL
        SELECT response.group_id, {_counted(pulse_number="answer.number", pulse_person="response.user_id")}
        FROM {table["Answer"]} answer
        JOIN {table["Response"]} response ON response.id = answer.response_id
        WHERE answer.number IS NOT NULL AND response.meeting_id IS NOT NULL AND response.{in_scope}
        AND answer.question_id IN (
            SELECT question.id FROM {table["Question"]} question
            JOIN {table["Questionnaire"]} questionnaire ON questionnaire.id = question.questionnaire_id
            WHERE question.key = %s AND questionnaire.programme_id IN ({{programmes}})
        )"""
    goals = ", ".join(
        f"SUM(CASE WHEN goal_status = %s THEN 1 ELSE 0 END) AS goals_{status}" for status in GoalStatus.values
    )
    return f"""
WITH scope AS (
    SELECT id, programme_id, name, kind, created FROM {table["MentoringGroup"]}
    WHERE programme_id IN ({{programmes}}) AND kind <> %s
)
SELECT g.id, g.programme_id, g.name, g.kind, g.created,
    COALESCE(figures.mentee_count, 0) AS mentee_count,
    figures.held_count, figures.to_come, figures.first_held, figures.last_held, figures.marks, figures.present,
    {", ".join(f"figures.goals_{status}" for status in GoalStatus.values)},
    figures.open_concerns, figures.asked, figures.answered, figures.pulse_people, figures.pulse_average,
    CASE WHEN plan.id IS NOT NULL THEN %s ELSE (
        SELECT MAX(pending.status) FROM {table["ContractVersion"]} pending
        WHERE pending.contract_id = contract.id AND pending.status IN (%s, %s)
    ) END AS contract_status,
    plan.sessions_per_month AS plan_per_month, plan.starts_on AS plan_starts_on, plan.ends_on AS plan_ends_on
FROM scope g
LEFT JOIN (
    SELECT group_id,
        SUM(mentee) AS mentee_count, SUM(held) AS held_count, SUM(to_come) AS to_come,
        MIN(held_at) AS first_held, MAX(held_at) AS last_held, SUM(marks) AS marks, SUM(present) AS present,
        {goals},
        SUM(concern) AS open_concerns, SUM(asked) AS asked, SUM(answered) AS answered,
        COUNT(DISTINCT pulse_person) AS pulse_people, AVG(pulse_number) AS pulse_average
    FROM (
        SELECT group_id, {_counted(mentee="1")} FROM {table["GroupMembership"]}
        WHERE left_at IS NULL AND role = %s AND {in_scope}
        UNION ALL
        SELECT group_id, {sessions} FROM {table["Meeting"]} WHERE kind = %s AND status = %s AND {in_scope}
        UNION ALL
        SELECT group_id, {_counted(goal_status="status")} FROM {table["Goal"]} WHERE {in_scope}
        UNION ALL
        SELECT group_id, {_counted(concern="1")} FROM {table["Concern"]} WHERE status = %s AND {in_scope}
        UNION ALL
        SELECT group_id, {_counted(asked="1", answered=answered)} FROM {table["Respondent"]}
        WHERE round_id IN ({{rounds}}) AND {in_scope}{pulses if pulse else ""}
    ) counted
    GROUP BY group_id
) figures ON figures.group_id = g.id
LEFT JOIN {table["Contract"]} contract ON contract.group_id = g.id
LEFT JOIN {table["ContractVersion"]} plan ON plan.contract_id = contract.id AND plan.status = %s
ORDER BY g.name, g.id
"""


def _datetime(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A time read by ``_groups_with_figures`` (SQLite gives its text, in UTC)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _date(value: datetime.date | str) -> datetime.date:
    """A day read by ``_groups_with_figures`` (SQLite gives its text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


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


def _held_by_month(programme: Programme, now: datetime.datetime) -> list[tuple[int, int, int | None, int | None]]:
    """The programme's held group sessions by the month they started in, where the programme runs: (month as year
    * 12 + month - 1, sessions, attendance marks, present). One query: on PostgreSQL a statement prepared once per
    connection (building it with the ORM took twice as long as running it), elsewhere built by the ORM."""
    if connection.vendor == "postgresql":
        params = [programme.time_zone, programme.time_zone, programme.pk, GroupKind.MENTOR_CIRCLE]
        params += [MeetingKind.GROUP, MeetingStatus.SCHEDULED]
        with prepared("held_by_month", _HELD_BY_MONTH_SQL, params) as (sql, params), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    held = Meeting.objects.filter(
        group__programme=programme, kind=MeetingKind.GROUP, status=MeetingStatus.SCHEDULED, held=True
    ).exclude(group__kind=GroupKind.MENTOR_CIRCLE)
    return list(
        held.order_by()
        .values_list(_month_key(programme, now))
        .annotate(n=Count("pk"), marks=Sum("marks_count"), present=Sum("present_count"))
    )


_HELD_BY_MONTH_SQL = f"""
SELECT CAST(EXTRACT(YEAR FROM meeting.starts_at AT TIME ZONE %s) * 12
        + EXTRACT(MONTH FROM meeting.starts_at AT TIME ZONE %s) - 1 AS INTEGER) AS month,
    COUNT(*), SUM(meeting.marks_count), SUM(meeting.present_count)
FROM {Meeting._meta.db_table} meeting
JOIN {MentoringGroup._meta.db_table} mentoring_group ON mentoring_group.id = meeting.group_id
WHERE mentoring_group.programme_id = %s AND mentoring_group.kind <> %s
    AND meeting.held AND meeting.kind = %s AND meeting.status = %s
GROUP BY 1
"""


def _month_key(programme: Programme, now: datetime.datetime) -> Case:
    """The month a session starts in, where the programme runs, as a number (year * 12 + month - 1), for SQLite,
    which converts each time to a zone in a Python function. The months from the programme's start to now are
    bounded in Python (midnight on the 1st, in the programme's zone), so the database only compares each time with
    the next month's start; only a session outside them is converted, to place it in its own month."""
    zone = programme.zone
    elsewhere = ExtractYear("starts_at", tzinfo=zone) * 12 + ExtractMonth("starts_at", tzinfo=zone) - 1
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
