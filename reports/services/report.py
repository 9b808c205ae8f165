"""The end-of-programme report, for the organisation and its funders: who took part, the sessions held and their
attendance, the goals by status, the mid-point and end surveys side by side, and the mentors' conclusions.

Funders get figures. Nothing confidential is read or shown (DESIGN.md): no session notes, action items,
reflections, concerns, goal titles, interview notes, written survey answers, nor the name of any mentee or mentor.
Survey figures are shown only from ``ANONYMITY_THRESHOLD`` responses, named rounds too: the report leaves the
organisation. The one text written by participants is the ``conclusions`` field of the evaluations the mentors
sent to the coordinators, under a heading that says whose it is; their other fields are never loaded.

A fixed number of queries, however many groups, sessions, answers and evaluations.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from feedback.defaults import shown
from feedback.models import ANONYMITY_THRESHOLD, Audience, GroupEvaluation, QuestionKind, RoundKind, Stage, SurveyRound
from feedback.services.results import QuestionnaireResults, round_results
from feedback.services.results_compare import ComparedRate, compared_rates
from groups.models import GoalStatus, GroupKind, GroupMembership, GroupRole
from programmes.models import MembershipStatus, Programme, Role
from reports.services.health import Health, programme_health

AUDIENCE_ORDER = (Audience.MENTEES, Audience.MENTORS, Audience.BOTH)


@dataclass
class Participation:
    mentees: int = 0  # active in the programme
    mentees_withdrawn: int = 0
    mentors: int = 0
    mentors_withdrawn: int = 0
    mentees_in_groups: int = 0  # in a group now
    mentors_in_groups: int = 0
    groups: list[tuple[str, int]] = field(default_factory=list)  # (kind's label, count), every kind

    @property
    def group_total(self) -> int:
        return sum(count for _label, count in self.groups)


@dataclass
class GoalFigures:
    by_status: list[tuple[str, int]]  # (status label, count), every status
    achieved: int = 0

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.by_status)

    @property
    def achieved_percent(self) -> int | None:
        return round(100 * self.achieved / self.total) if self.total else None


@dataclass
class SurveySide:
    """One round's figures for one audience, shown only from ``ANONYMITY_THRESHOLD`` responses."""

    responses: int = 0
    shown: bool = False
    recommendation: str = ""  # the signed score, e.g. "+25"; "" without answers
    means: dict[str, float] = field(default_factory=dict)  # agreement questions' means, by key


@dataclass
class OutcomeRow:
    text: str
    midpoint: float | None
    end: float | None


@dataclass
class SurveyAudience:
    label: str
    midpoint: SurveySide | None  # None: the round has no questionnaire for them
    end: SurveySide | None
    outcomes: list[OutcomeRow] = field(default_factory=list)


@dataclass
class Surveys:
    midpoint: SurveyRound | None
    end: SurveyRound | None
    rates: list[ComparedRate] = field(default_factory=list)
    audiences: list[SurveyAudience] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return self.midpoint is not None or self.end is not None


@dataclass
class Conclusion:
    group: str
    stage: str  # a ``Stage`` value
    text: str

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)


@dataclass
class Report:
    programme: Programme
    produced_at: datetime.datetime
    coordinators: list[str]
    participation: Participation
    health: Health
    goals: GoalFigures
    surveys: Surveys
    conclusions: list[Conclusion]


def _participation(programme: Programme) -> Participation:
    """Three queries: programme memberships by role and status, group memberships by role, groups by kind."""
    figures = Participation()
    for row in (
        programme.memberships.filter(role__in=[Role.MENTEE, Role.MENTOR])
        .values("role", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        withdrawn = row["status"] == MembershipStatus.WITHDRAWN
        name = ("mentees" if row["role"] == Role.MENTEE else "mentors") + ("_withdrawn" if withdrawn else "")
        setattr(figures, name, getattr(figures, name) + row["n"])
    for row in (
        GroupMembership.objects.current()
        .filter(group__programme=programme, role__in=[GroupRole.MENTEE, GroupRole.MENTOR])
        .values("role")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    ):
        if row["role"] == GroupRole.MENTEE:
            figures.mentees_in_groups = row["n"]
        else:
            figures.mentors_in_groups = row["n"]
    kinds = dict(programme.groups.values_list("kind").annotate(n=Count("pk")).order_by())
    figures.groups = [(str(label), kinds.get(kind, 0)) for kind, label in GroupKind.choices]
    return figures


def _goals(health: Health) -> GoalFigures:
    """The goals of every group by status, from the health figures (counts only: no query, no title)."""
    counts: dict[str, int] = {}
    for group in health.groups:
        for status, n in group.goals.items():
            counts[status] = counts.get(status, 0) + n
    return GoalFigures(
        by_status=[(str(label), counts.get(status, 0)) for status, label in GoalStatus.choices],
        achieved=counts.get(GoalStatus.ACHIEVED, 0),
    )


def _side(section: QuestionnaireResults | None) -> SurveySide | None:
    if section is None:
        return None
    side = SurveySide(responses=section.responses)
    side.shown = section.shown and section.responses >= ANONYMITY_THRESHOLD
    if side.shown:
        recommendation = section.recommendation
        side.recommendation = recommendation.signed if recommendation is not None else ""
        side.means = {
            result.question.key: result.mean
            for result in section.questions
            if result.question.kind == QuestionKind.AGREEMENT and result.question.key and result.mean is not None
        }
    return side


def _texts(section: QuestionnaireResults | None) -> dict[str, str]:
    """The agreement questions of a section shown, by key, with their text (written by the coordinators)."""
    if section is None:
        return {}
    return {
        result.question.key: shown(result.question.text)
        for result in section.questions
        if result.question.kind == QuestionKind.AGREEMENT and result.question.key
    }


def _surveys(programme: Programme) -> Surveys:
    """The mid-point and end rounds side by side: response rates, recommendation scores and the agreement
    questions' means, for each audience. Nine queries at most (one, and four per round)."""
    rounds: dict[str, SurveyRound] = {}
    for survey_round in (
        programme.survey_rounds.filter(kind__in=[RoundKind.MIDPOINT, RoundKind.END])
        .select_related("mentee_questionnaire", "mentor_questionnaire")
        .order_by("opens_on", "pk")
    ):
        survey_round.programme = programme
        rounds[survey_round.kind] = survey_round  # the latest of each kind
    mid_round, end_round = rounds.get(RoundKind.MIDPOINT), rounds.get(RoundKind.END)
    mid = round_results(mid_round, texts=False) if mid_round else None
    end = round_results(end_round, texts=False) if end_round else None
    surveys = Surveys(midpoint=mid_round, end=end_round)

    surveys.rates = compared_rates(mid, end)

    mid_sections = {section.audience_key: section for section in (mid.sections if mid else [])}
    end_sections = {section.audience_key: section for section in (end.sections if end else [])}
    for audience in AUDIENCE_ORDER:
        mid_section, end_section = mid_sections.get(audience), end_sections.get(audience)
        if mid_section is None and end_section is None:
            continue
        compared = SurveyAudience(label=str(audience.label), midpoint=_side(mid_section), end=_side(end_section))
        mid_texts = _texts(mid_section)
        texts = mid_texts | {key: text for key, text in _texts(end_section).items() if key not in mid_texts}
        mid_means = compared.midpoint.means if compared.midpoint else {}
        end_means = compared.end.means if compared.end else {}
        compared.outcomes = [
            OutcomeRow(text, mid_means.get(key), end_means.get(key))
            for key, text in texts.items()
            if key in mid_means or key in end_means
        ]
        surveys.audiences.append(compared)
    return surveys


def _conclusions(programme: Programme) -> list[Conclusion]:
    """The conclusions of the evaluations the mentors sent: the end stage's, else the mid-point's, one per group by
    group name. One query; no other field of an evaluation is read."""
    chosen: dict[int, dict] = {}
    for row in (
        GroupEvaluation.objects.filter(group__programme=programme, submitted_at__isnull=False)
        .exclude(group__kind=GroupKind.MENTOR_CIRCLE)
        .exclude(conclusions="")
        .values("group_id", "group__name", "stage", "conclusions")
        .order_by()
    ):
        if row["group_id"] not in chosen or row["stage"] == Stage.END:
            chosen[row["group_id"]] = row
    rows = sorted(chosen.values(), key=lambda row: (row["group__name"].casefold(), row["group_id"]))
    return [Conclusion(group=row["group__name"], stage=row["stage"], text=row["conclusions"]) for row in rows]


def programme_report(programme: Programme, *, now: datetime.datetime | None = None) -> Report:
    """Everything the end-of-programme report shows. A fixed number of queries."""
    now = now or timezone.now()
    health = programme_health(programme, now=now)
    return Report(
        programme=programme,
        produced_at=now,
        coordinators=[person.shown_name for person in programme.coordinators()],
        participation=_participation(programme),
        health=health,
        goals=_goals(health),
        surveys=_surveys(programme),
        conclusions=_conclusions(programme),
    )
