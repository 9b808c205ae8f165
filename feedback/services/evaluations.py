"""The group leaders' evaluations of their groups, and the coordinators' interviews with participants.

Evaluations (``GroupEvaluation``): at mid-point and at the end of the programme, the leaders of a group write how
the group is going, what it achieved, its difficulties and their conclusions for the coordinator. The leaders are
those of ``groups.access.GroupAccess.leads``: the mentors of a mentor-led group, every member of a peer group. A
mentor circle writes none. A leader saves a draft as often as they like; the group's other leaders see it too (a
co-mentor, the other members of a peer group). "Send to the coordinator" sets ``submitted_at``; from then on the
evaluation never changes. Coordinators read only sent evaluations: the queries for them filter on ``submitted_at``,
so a draft is never loaded for them.

A stage can be written from the programme's mid-point (``Stage.MIDPOINT``) and from one month before its end
(``Stage.END``), or from the day a coordinator moves the programme to closing. A closed programme is read-only.

Interviews (``Interview``): a coordinator's confidential notes of a talk with one of the programme's mentees or
mentors. Only the programme's coordinators read them.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from feedback.models import GroupEvaluation, Interview, Stage
from feedback.services.pulse import PulseSummary, group_pulses
from groups.access import GroupAccess
from groups.models import GroupKind, MentoringGroup
from groups.services.forming import ProgrammeClosed
from outbox.services import queue_email
from programmes.models import MembershipStatus, Programme, ProgrammeStatus, Role

EVALUATION_SENT_EMAIL = "feedback.evaluation_sent"

TEXT_FIELDS = ("how_it_went", "achievements", "difficulties", "conclusions")
INTERVIEW_TEXT_FIELDS = ("accomplishments", "results", "comments", "concerns")
STAGES = (Stage.MIDPOINT, Stage.END)


class NotAllowed(PermissionDenied):
    """Only the group's leaders write its evaluation (a view answers 403)."""


class NotOpenYet(Exception):
    """The programme has not reached the stage yet; ``opens_on`` says when it does."""

    def __init__(self, opens_on: datetime.date):
        super().__init__(opens_on)
        self.opens_on = opens_on


class AlreadySent(Exception):
    """The evaluation was sent to the coordinator: it no longer changes."""


# When a stage opens


def _month_before(day: datetime.date) -> datetime.date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def opens_on(programme: Programme, stage: str) -> datetime.date:
    """The first day the leaders may write the evaluation of this stage: the programme's mid-point, or one month
    before its end."""
    if stage == Stage.MIDPOINT:
        return programme.midpoint
    return _month_before(programme.ends_on)


def is_open(programme: Programme, stage: str, *, today: datetime.date | None = None) -> bool:
    """Whether the stage has come: its day has passed, or the programme is closing (or closed)."""
    if programme.status in (ProgrammeStatus.CLOSING, ProgrammeStatus.CLOSED):
        return True
    return (today or programme.today()) >= opens_on(programme, stage)


def parse_stage(value: str) -> Stage:
    """The stage named in an address; 404 for anything else."""
    if value not in Stage.values:
        raise Http404("No such stage.")
    return Stage(value)


# Who writes


def has_evaluations(group: MentoringGroup) -> bool:
    """Mentor-led and peer groups are evaluated; a mentor circle is not."""
    return not group.is_circle


def can_write(access: GroupAccess) -> bool:
    """The group's leaders: the mentors of a mentor-led group, every member of a peer group."""
    return has_evaluations(access.group) and access.leads


def writer_access(access: GroupAccess) -> GroupAccess:
    """The door's second half for the evaluation pages: 404 for a mentor circle (it has no evaluation), 403 for a
    member who does not lead the group."""
    if not has_evaluations(access.group):
        raise Http404("A mentor circle has no evaluation.")
    if not can_write(access):
        raise NotAllowed
    return access


def evaluation_of(group: MentoringGroup, stage: str) -> GroupEvaluation | None:
    """The group's evaluation of this stage, draft or sent, for its leaders."""
    return group.evaluations.filter(stage=stage).select_related("author").first()


@dataclass(frozen=True)
class StageState:
    """One stage of a group's evaluation as its leaders see it on the group's page."""

    stage: Stage
    is_open: bool
    opens_on: datetime.date
    evaluation: GroupEvaluation | None

    @property
    def is_sent(self) -> bool:
        return self.evaluation is not None and self.evaluation.submitted_at is not None

    @property
    def is_draft(self) -> bool:
        return self.evaluation is not None and self.evaluation.submitted_at is None


def group_section(access: GroupAccess, *, today: datetime.date | None = None) -> list[StageState] | None:
    """What the group's page shows its leaders about the evaluations: each stage that has come or has an
    evaluation, with its state. None for anyone else (no query). One query for a leader."""
    if not can_write(access):
        return None
    group = access.group
    programme = group.programme
    # Only the columns the state needs: the texts stay in the database.
    written = {
        evaluation.stage: evaluation
        for evaluation in group.evaluations.only("pk", "group_id", "stage", "updated", "submitted_at").order_by()
    }
    today = today or programme.today()
    states = [
        StageState(stage, is_open(programme, stage, today=today), opens_on(programme, stage), written.get(stage))
        for stage in STAGES
    ]
    return [state for state in states if state.is_open or state.evaluation is not None]


# Writing


def _clean_texts(texts: dict) -> dict:
    return {name: (texts.get(name) or "").strip() for name in TEXT_FIELDS}


def save_evaluation(
    *,
    access: GroupAccess,
    stage: str,
    user: User,
    texts: dict,
    send: bool = False,
    now: datetime.datetime | None = None,
) -> GroupEvaluation:
    """Saves the leaders' draft of the stage's evaluation, or saves and sends it to the coordinator.

    ``NotAllowed`` for anyone who does not lead the group, ``ProgrammeClosed`` once the programme has closed,
    ``NotOpenYet`` before the stage has come, ``AlreadySent`` once it was sent (a second tab, a double click).
    The group's row is locked while the evaluation is read and written, so two leaders saving at once each see
    the other's result."""
    if not can_write(access):
        raise NotAllowed
    now = now or timezone.now()
    with transaction.atomic():
        group = (
            MentoringGroup.objects.select_for_update(of=("self",)).select_related("programme").get(pk=access.group.pk)
        )
        programme = group.programme
        if programme.is_archived:
            raise ProgrammeClosed(programme.pk)
        if not is_open(programme, stage, today=programme.today(now)):
            raise NotOpenYet(opens_on(programme, stage))
        evaluation = GroupEvaluation.objects.filter(group=group, stage=stage).first()
        if evaluation is not None and evaluation.submitted_at is not None:
            raise AlreadySent(evaluation.pk)
        if evaluation is None:
            evaluation = GroupEvaluation(group=group, stage=stage, created=now)
        for name, value in _clean_texts(texts).items():
            setattr(evaluation, name, value)
        evaluation.author = user  # who wrote it last: the coordinator sees who sent it
        evaluation.updated = now
        if send:
            evaluation.submitted_at = now
        evaluation.save()
        if send:
            for coordinator in programme.coordinators():
                queue_email(
                    kind=EVALUATION_SENT_EMAIL,
                    obj=evaluation,
                    to=coordinator.email,
                    recipient=coordinator,
                    key=f"{EVALUATION_SENT_EMAIL}:{evaluation.pk}:{coordinator.pk}",
                    programme_id=programme.pk,
                )
    return evaluation


# The coordinator's evaluations


@dataclass
class EvaluationRow:
    group: MentoringGroup
    sent: dict[str, GroupEvaluation]  # by stage; sent evaluations only

    def stages(self) -> list[tuple[Stage, GroupEvaluation | None]]:
        return [(stage, self.sent.get(stage)) for stage in STAGES]


@dataclass
class EvaluationsPage:
    rows: list[EvaluationRow]  # the evaluated groups (no mentor circles)
    pulses: list[tuple[MentoringGroup, PulseSummary | None]]  # every group, with its pulse if anyone answered

    @property
    def sent_count(self) -> int:
        return sum(len(row.sent) for row in self.rows)


def evaluations_page(programme: Programme) -> EvaluationsPage:
    """Every group of the programme; for the evaluated ones their sent evaluations by stage (dates and authors, not
    the texts; drafts are never loaded); for all, their pulse after sessions. Three queries, however many groups,
    evaluations and answers."""
    groups = list(programme.groups.order_by("name", "pk"))
    rows = {group.pk: EvaluationRow(group, {}) for group in groups if has_evaluations(group)}
    sent = (
        GroupEvaluation.objects.filter(group__programme=programme, submitted_at__isnull=False)
        .only(
            "pk", "group_id", "stage", "submitted_at", "author__display_name", "author__email", "author__anonymised_at"
        )
        .select_related("author")
    )
    for evaluation in sent:
        if evaluation.group_id in rows:
            rows[evaluation.group_id].sent[evaluation.stage] = evaluation
    pulses = group_pulses(programme)
    return EvaluationsPage(rows=list(rows.values()), pulses=[(group, pulses.get(group.pk)) for group in groups])


def sent_evaluation(programme: Programme, group_pk: int, stage: str) -> GroupEvaluation:
    """The door to one sent evaluation, for a programme reached through ``programme_for``: 404 for a draft, a
    mentor circle, or a group of another programme."""
    evaluation = (
        GroupEvaluation.objects.filter(
            group_id=group_pk, group__programme=programme, stage=parse_stage(stage), submitted_at__isnull=False
        )
        .exclude(group__kind=GroupKind.MENTOR_CIRCLE)
        .select_related("group", "author")
        .first()
    )
    if evaluation is None:
        raise Http404("No such evaluation.")
    return evaluation


# Interviews


def interviewees(programme: Programme, *, keep: int | None = None) -> QuerySet[User]:
    """The people a coordinator may interview: the programme's active mentees and mentors, by name (and ``keep``,
    the person of an interview being changed, even if they have left since)."""
    active = Q(
        programme_memberships__programme=programme,
        programme_memberships__role__in=(Role.MENTEE, Role.MENTOR),
        programme_memberships__status=MembershipStatus.ACTIVE,
        anonymised_at__isnull=True,
    )
    people = User.objects.filter(active)
    if keep is not None:
        people = User.objects.filter(Q(pk__in=people.values("pk")) | Q(pk=keep))
    return people.distinct().order_by("display_name", "pk")


def programme_interviews(programme: Programme) -> list[Interview]:
    """The programme's interviews, the most recent first, with who was interviewed and by whom (not the notes).
    One query, however many."""
    return list(
        programme.interviews.only(
            "pk",
            "programme_id",
            "stage",
            "held_on",
            "updated",
            "person__display_name",
            "person__email",
            "person__anonymised_at",
            "interviewer__display_name",
            "interviewer__email",
            "interviewer__anonymised_at",
        )
        .select_related("person", "interviewer")
        .order_by("-held_on", "-pk")
    )


def interview_of(programme: Programme, pk: int) -> Interview:
    """The door to one interview, for a programme reached through ``programme_for``; 404 for any other."""
    interview = programme.interviews.filter(pk=pk).select_related("person", "interviewer").first()
    if interview is None:
        raise Http404("No such interview.")
    interview.programme = programme
    return interview


def _refuse_if_closed(programme: Programme) -> None:
    status = Programme.objects.filter(pk=programme.pk).values_list("status", flat=True).first()
    if status == ProgrammeStatus.CLOSED:
        raise ProgrammeClosed(programme.pk)


def _interview_fields(fields: dict) -> dict:
    values = {name: (fields.get(name) or "").strip() for name in INTERVIEW_TEXT_FIELDS}
    values.update(person=fields["person"], stage=fields["stage"], held_on=fields["held_on"])
    return values


@transaction.atomic
def record_interview(*, programme: Programme, by: User, fields: dict) -> Interview:
    """Records a coordinator's interview notes. ``ProgrammeClosed`` once the programme has closed."""
    _refuse_if_closed(programme)
    now = timezone.now()
    return Interview.objects.create(
        programme=programme, interviewer=by, created=now, updated=now, **_interview_fields(fields)
    )


@transaction.atomic
def change_interview(*, interview: Interview, fields: dict) -> Interview:
    """Changes the notes of an interview; the interviewer stays who held it. ``ProgrammeClosed`` once the
    programme has closed."""
    _refuse_if_closed(interview.programme)
    for name, value in _interview_fields(fields).items():
        setattr(interview, name, value)
    interview.updated = timezone.now()
    interview.save()
    return interview
