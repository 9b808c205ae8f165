"""The pulse after a session: two quick questions each member answers once, shown only in aggregate.

- Who answers: every current member of the group who does not lead it (``GroupAccess.leads``): the mentees of a
  mentor-led group, the mentors of a mentor circle. In a peer group everyone leads, so nobody is asked.
- When: after a group session has started, unless it was cancelled or logged as not held, and while the
  programme is not closed. One-to-one check-ins have no pulse: with one person, no answer could stay anonymous.
- The questions: the programme's pulse questionnaire (``Purpose.PULSE``, for mentees and mentors), the newest
  one not archived, made from the product's default the first time it is needed.
- Each member answers once (``Response`` is unique per session and person); a second answer changes nothing.
- Who sees what: the group's leaders see, on the session's page, how many members answered, the average
  usefulness and the notes, without names, only from ``THRESHOLD`` answers. The programme's coordinators see each
  group's number of answers and average usefulness over all its sessions, only from ``THRESHOLD`` people. Nobody
  sees who answered what.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Prefetch, Q
from django.utils import timezone

from accounts.models import User
from feedback.forms.response import ResponseForm
from feedback.models import (
    ANONYMITY_THRESHOLD,
    TEXT_KINDS,
    Answer,
    Audience,
    Purpose,
    Question,
    Questionnaire,
    RespondentRole,
    Response,
)
from feedback.services.questionnaires import default_questionnaires
from feedback.services.responding import answer_values
from groups.access import GroupAccess
from groups.models import GroupRole, Meeting, MeetingKind
from groups.services.forming import ProgrammeClosed
from groups.services.session_log import SessionLogError, check_reflectable
from programmes.models import Programme

USEFUL_KEY = "pulse_useful"  # the agreement question whose average the leaders and coordinators see
THRESHOLD = ANONYMITY_THRESHOLD  # results show only from this many answers
FORM_IDS = "pulse-%s"


class NotAllowed(PermissionDenied):
    """The group's leaders do not answer the pulse of their own session (a view answers 403)."""


class CheckIn(SessionLogError):
    """A one-to-one check-in has no pulse."""


class AlreadyAnswered(Exception):
    """The member has answered this session's pulse already: the first answer stays."""


# Who answers, and when


def answers_pulse(access: GroupAccess) -> bool:
    """A current member of the group who does not lead it."""
    return access.group_role is not None and not access.leads


def check_answerable(access: GroupAccess, meeting: Meeting, *, now: datetime.datetime | None = None) -> None:
    """Raises the reason nobody can answer this session's pulse now: ``ProgrammeClosed``, ``CheckIn``, or the
    session's own reason (cancelled, not started, not held; see ``groups.services.session_log``)."""
    if access.group.programme.is_archived:
        raise ProgrammeClosed(access.group.programme_id)
    if meeting.kind != MeetingKind.GROUP:
        raise CheckIn
    check_reflectable(meeting, now=now)


def _is_due(meeting: Meeting, now: datetime.datetime | None) -> bool:
    """A group session that has started, was not cancelled and was not logged as not held."""
    if meeting.kind != MeetingKind.GROUP:
        return False
    try:
        check_reflectable(meeting, now=now)
    except SessionLogError:
        return False
    return True


def pulse_questionnaire(programme: Programme) -> Questionnaire:
    """The programme's pulse questionnaire, with its questions in order (``questionnaire.ordered``). Two queries;
    the first time, the default is copied into the programme."""
    questions = Prefetch("questions", queryset=Question.objects.order_by("position", "pk"), to_attr="ordered")
    questionnaire = (
        programme.questionnaires.filter(purpose=Purpose.PULSE, audience=Audience.BOTH, archived_at__isnull=True)
        .order_by("-created", "-pk")
        .prefetch_related(questions)
        .first()
    )
    if questionnaire is None:
        questionnaire = default_questionnaires(programme)[(Purpose.PULSE, Audience.BOTH)]
        questionnaire.ordered = list(questionnaire.questions.order_by("position", "pk"))
    return questionnaire


def pulse_form(questionnaire: Questionnaire, data=None) -> ResponseForm:
    return ResponseForm(data, questions=questionnaire.ordered, submitting=True, auto_id=FORM_IDS)


def my_answer(meeting: Meeting, user: User) -> Response | None:
    """This person's pulse for this session, if they answered."""
    return (
        Response.objects.filter(meeting=meeting, user=user).only("pk", "meeting_id", "user_id", "submitted_at").first()
    )


# Answering


def _role(access: GroupAccess) -> str:
    return RespondentRole.MENTOR if access.group_role == GroupRole.MENTOR else RespondentRole.MENTEE


def answer_pulse(
    *,
    access: GroupAccess,
    meeting: Meeting,
    user: User,
    questionnaire: Questionnaire,
    answers: dict[int, object],
    now: datetime.datetime | None = None,
) -> Response:
    """Records a member's answers (by question id, as the response form cleaned them) to the session's pulse.

    ``NotAllowed`` for a leader or a non-member; the reasons of ``check_answerable``; ``AlreadyAnswered`` if the
    person answered first in another tab or request (the unique constraint decides, and the first answer stays).
    """
    if not answers_pulse(access):
        raise NotAllowed
    now = now or timezone.now()
    check_answerable(access, meeting, now=now)
    if Response.objects.filter(meeting=meeting, user=user).exists():
        raise AlreadyAnswered
    try:
        with transaction.atomic():
            response = Response.objects.create(
                meeting=meeting,
                user=user,
                round=None,
                questionnaire=questionnaire,
                role=_role(access),
                group=access.group,
                started=now,
                submitted_on=access.group.programme.today(now),
                submitted_at=now,
            )
            rows = []
            for question in questionnaire.ordered:
                values = answer_values(question, answers.get(question.pk))
                if values["number"] is not None or values["text"] or values["choices"]:
                    rows.append(Answer(response=response, question=question, **values))
            Answer.objects.bulk_create(rows)
            questionnaire.freeze(now)  # answered: its questions no longer change
    except IntegrityError:
        if Response.objects.filter(meeting=meeting, user=user).exists():
            raise AlreadyAnswered from None
        raise
    return response


# What the leaders and the coordinators see


@dataclass
class PulseSummary:
    """Answers in aggregate. ``average`` and ``notes`` are empty below the threshold."""

    answers: int = 0
    average: float | None = None
    notes: list[str] = field(default_factory=list)
    threshold: int = THRESHOLD

    @property
    def shown(self) -> bool:
        return self.answers >= self.threshold


def session_summary(meeting: Meeting) -> PulseSummary:
    """How many members answered the session's pulse and, from ``THRESHOLD`` answers, the average usefulness and
    the notes, in alphabetical order (not the order they came in). One query."""
    rows = list(
        Answer.objects.filter(response__meeting=meeting)
        .filter(Q(question__key=USEFUL_KEY) | Q(question__kind__in=TEXT_KINDS))
        .values_list("response_id", "question__key", "number", "text")
    )
    answers = len({response_id for response_id, _key, _number, _text in rows})
    summary = PulseSummary(answers=answers)
    if not summary.shown:
        return summary
    useful = [number for _id, key, number, _text in rows if key == USEFUL_KEY and number is not None]
    if useful:
        summary.average = round(sum(useful) / len(useful), 1)
    summary.notes = sorted(
        (text.strip() for _id, key, _n, text in rows if key != USEFUL_KEY and text.strip()), key=str.casefold
    )
    return summary


def group_pulses(programme: Programme) -> dict[int, PulseSummary]:
    """Each group's pulse over all its sessions, by group id: the number of answers and, when at least
    ``THRESHOLD`` different people answered, the average usefulness. One query, however many groups and sessions."""
    counts = (
        Answer.objects.filter(
            response__meeting__group__programme=programme,
            # Implied by the line above, but it lets the database start from this programme's questions rather
            # than from the pulse answers of every programme.
            question__questionnaire__programme=programme,
            question__key=USEFUL_KEY,
            number__isnull=False,
        )
        .values("response__meeting__group_id")
        .annotate(count=Count("pk"), people=Count("response__user_id", distinct=True), average=Avg("number"))
        .order_by()
    )
    return {
        row["response__meeting__group_id"]: PulseSummary(
            answers=row["count"], average=pulse_average(row["people"], row["average"])
        )
        for row in counts
    }


def pulse_average(people: int, average: float | Decimal | None) -> float | None:
    """The average usefulness of a group's pulse answers, to one decimal, shown only when ``THRESHOLD`` different
    people answered."""
    if average is None or people < THRESHOLD:
        return None
    return round(float(average), 1)


# The session's page


@dataclass
class PulseSection:
    """The pulse on a session's page: the questions for a member who may answer (``form``), their thanks once they
    did (``answered``), or the summary for the group's leaders (``summary``)."""

    meeting: Meeting
    questionnaire: Questionnaire | None = None
    form: ResponseForm | None = None
    answered: Response | None = None
    summary: PulseSummary | None = None
    threshold: int = THRESHOLD


def session_section(
    access: GroupAccess, meeting: Meeting, user: User, *, now: datetime.datetime | None = None
) -> PulseSection | None:
    """What the session's page shows of the pulse to this person; None when nothing (no query). A member who may
    answer: three queries (their answer, the questionnaire and its questions), one once they answered; a leader:
    one."""
    if access.group_role is None or not _is_due(meeting, now):
        return None
    if access.leads:
        return PulseSection(meeting, summary=session_summary(meeting))
    answered = my_answer(meeting, user)
    if answered is not None:
        return PulseSection(meeting, answered=answered)
    if access.group.programme.is_archived:
        return None
    questionnaire = pulse_questionnaire(access.group.programme)
    return PulseSection(meeting, questionnaire=questionnaire, form=pulse_form(questionnaire))
