"""Survey rounds: made from the programme's dates, opened on their day, reminded, closed on their deadline.

Every programme has a mid-point round and an end-of-programme round (``ensure_rounds``), with the programme's
default questionnaires. They follow the programme's dates (``sync_rounds``) until a coordinator sets their dates by
hand. Beat runs ``run_rounds`` every few minutes; each step is idempotent:

- a scheduled round whose opening day has come opens: every mentee and mentor of the programme becomes a
  ``Respondent`` and gets an invitation email; people who join while it is open are invited on the next run;
- a respondent who has not answered ``remind_after_days`` after the invitation gets one reminder;
- an open round whose last day has passed closes.

Each email is an outbox row with a key naming the round, the person and the kind (``feedback.survey_invitation``,
``feedback.survey_reminder``), so a second beat or a retried task sends nothing twice, and a failure is retried,
then shown to the coordinators with the programme's other undelivered emails.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from feedback.models import (
    Audience,
    Purpose,
    Respondent,
    RespondentRole,
    RoundKind,
    RoundStatus,
    SurveyRound,
)
from feedback.models.rounds import DEFAULT_OPEN_DAYS
from feedback.services.questionnaires import default_questionnaires
from outbox.services import NewEmail, queue_emails
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, ProgrammeStatus, Role

INVITATION_EMAIL = "feedback.survey_invitation"
REMINDER_EMAIL = "feedback.survey_reminder"
END_OPENS_BEFORE = datetime.timedelta(days=14)  # the end round opens two weeks before the programme ends
END_CLOSES_AFTER = datetime.timedelta(days=14)


class RoundClosed(Exception):
    """The programme is closed, or the round is: it can no longer change."""


class BadDates(ValueError):
    pass


def invitation_key(round_pk: int, user_pk: int) -> str:
    return f"{INVITATION_EMAIL}:{round_pk}:{user_pk}"


def reminder_key(round_pk: int, user_pk: int) -> str:
    return f"{REMINDER_EMAIL}:{round_pk}:{user_pk}"


# Dates ----------------------------------------------------------------------------------------------------------


def planned_dates(programme: Programme, kind: str) -> tuple[datetime.date, datetime.date]:
    """When a round of this kind opens and closes, from the programme's dates."""
    if kind == RoundKind.MIDPOINT:
        opens = programme.midpoint
        return opens, min(opens + datetime.timedelta(days=DEFAULT_OPEN_DAYS), programme.ends_on)
    opens = max(programme.ends_on - END_OPENS_BEFORE, programme.midpoint + datetime.timedelta(days=1))
    return opens, programme.ends_on + END_CLOSES_AFTER


@transaction.atomic
def ensure_rounds(programme: Programme, *, by=None) -> list[SurveyRound]:
    """The programme's mid-point and end-of-programme rounds, created with its default questionnaires if missing.
    Idempotent."""
    existing = {r.kind: r for r in programme.survey_rounds.filter(kind__in=[RoundKind.MIDPOINT, RoundKind.END])}
    if len(existing) == 2:
        return [existing[RoundKind.MIDPOINT], existing[RoundKind.END]]
    questionnaires = default_questionnaires(programme, by=by, language=getattr(by, "language", None))
    names = {RoundKind.MIDPOINT: Purpose.MIDPOINT.label, RoundKind.END: Purpose.END.label}
    for kind, purpose in ((RoundKind.MIDPOINT, Purpose.MIDPOINT), (RoundKind.END, Purpose.END)):
        if kind in existing:
            continue
        opens, closes = planned_dates(programme, kind)
        existing[kind] = SurveyRound.objects.create(
            programme=programme,
            kind=kind,
            name=str(names[kind]),
            mentee_questionnaire=questionnaires[(purpose, Audience.MENTEES)],
            mentor_questionnaire=questionnaires[(purpose, Audience.MENTORS)],
            opens_on=opens,
            closes_on=closes,
        )
    return [existing[RoundKind.MIDPOINT], existing[RoundKind.END]]


def sync_rounds(programme: Programme) -> int:
    """Moves the programme's scheduled rounds that follow its dates to the dates it has now. Returns how many
    moved."""
    moved = 0
    for survey_round in programme.survey_rounds.filter(
        status=RoundStatus.SCHEDULED, follows_programme=True, kind__in=[RoundKind.MIDPOINT, RoundKind.END]
    ):
        opens, closes = planned_dates(programme, survey_round.kind)
        if (opens, closes) != (survey_round.opens_on, survey_round.closes_on):
            SurveyRound.objects.filter(pk=survey_round.pk).update(opens_on=opens, closes_on=closes)
            moved += 1
    return moved


def _lock(survey_round: SurveyRound) -> SurveyRound:
    locked = SurveyRound.objects.select_for_update().select_related("programme").get(pk=survey_round.pk)
    if locked.programme.is_archived:
        raise RoundClosed(locked.pk)
    return locked


ROUND_FIELDS = (
    "name",
    "mentee_questionnaire",
    "mentor_questionnaire",
    "opens_on",
    "closes_on",
    "remind_after_days",
    "anonymous",
)


def _check(programme: Programme, fields: dict) -> None:
    if fields["closes_on"] < fields["opens_on"]:
        raise BadDates("closes before it opens")
    for name in ("mentee_questionnaire", "mentor_questionnaire"):
        questionnaire = fields.get(name)
        if questionnaire is not None and questionnaire.programme_id != programme.pk:
            raise ValueError("a questionnaire of another programme")


@transaction.atomic
def create_round(programme: Programme, *, open_now_too: bool = False, **fields) -> SurveyRound:
    """A round the coordinator adds by hand (kind "other"), scheduled, or opened at once."""
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.is_archived:
        raise RoundClosed(None)
    _check(locked, fields)
    survey_round = SurveyRound.objects.create(programme=locked, kind=RoundKind.OTHER, follows_programme=False, **fields)
    if open_now_too:
        return open_now(survey_round)
    return survey_round


@transaction.atomic
def change_round(survey_round: SurveyRound, **fields) -> SurveyRound:
    """A coordinator changes a scheduled round: its questionnaires, dates, reminder and anonymity. Set by hand, its
    dates no longer follow the programme's."""
    locked = _lock(survey_round)
    if locked.status != RoundStatus.SCHEDULED:
        raise RoundClosed(locked.pk)
    _check(locked.programme, fields)
    if (fields["opens_on"], fields["closes_on"]) != (locked.opens_on, locked.closes_on):
        locked.follows_programme = False
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    return locked


@transaction.atomic
def set_dates(survey_round: SurveyRound, *, opens_on: datetime.date, closes_on: datetime.date) -> SurveyRound:
    """A coordinator sets a scheduled round's dates; it no longer follows the programme's."""
    locked = _lock(survey_round)
    if locked.status != RoundStatus.SCHEDULED:
        raise RoundClosed(locked.pk)
    if closes_on < opens_on:
        raise BadDates("closes before it opens")
    locked.opens_on, locked.closes_on, locked.follows_programme = opens_on, closes_on, False
    locked.save(update_fields=["opens_on", "closes_on", "follows_programme"])
    return locked


@transaction.atomic
def extend(survey_round: SurveyRound, *, closes_on: datetime.date) -> SurveyRound:
    """Moves the last day to answer later. A closed round opens again until then."""
    locked = _lock(survey_round)
    today = locked.programme.today()
    if closes_on < today or closes_on < locked.closes_on or closes_on < locked.opens_on:
        raise BadDates("not later")
    locked.closes_on = closes_on
    locked.follows_programme = False
    fields = ["closes_on", "follows_programme"]
    if locked.status == RoundStatus.CLOSED:
        locked.status, locked.closed_at = RoundStatus.OPEN, None
        fields += ["status", "closed_at"]
    locked.save(update_fields=fields)
    return locked


# Who is asked ---------------------------------------------------------------------------------------------------


def participants(survey_round: SurveyRound) -> dict[int, tuple[str, int | None, object]]:
    """Everyone the round asks now, by user id: (role, their group in the programme or None, the user). The
    programme's active mentees and mentors who can be emailed, for whichever role the round has a questionnaire.
    Two queries."""
    from groups.models import GroupKind, GroupMembership

    roles = {}
    if survey_round.mentee_questionnaire_id:
        roles[Role.MENTEE] = RespondentRole.MENTEE
    if survey_round.mentor_questionnaire_id:
        roles[Role.MENTOR] = RespondentRole.MENTOR
    memberships = (
        ProgrammeMembership.objects.filter(
            programme_id=survey_round.programme_id,
            status=MembershipStatus.ACTIVE,
            role__in=list(roles),
            user__is_active=True,
            user__anonymised_at__isnull=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("role", "user_id")  # mentee before mentor: someone who is both answers as a mentee
    )
    people = {}
    for membership in memberships:
        people.setdefault(membership.user_id, (roles[membership.role], None, membership.user))
    if not people:
        return {}
    groups = (
        GroupMembership.objects.current()
        .filter(group__programme_id=survey_round.programme_id, user_id__in=list(people))
        .exclude(group__kind=GroupKind.MENTOR_CIRCLE)
        .order_by("joined_at")
        .values_list("user_id", "group_id")
    )
    for user_id, group_id in groups:
        role, _group, user = people[user_id]
        people[user_id] = (role, group_id, user)
    return people


def invite(survey_round: SurveyRound, *, now: datetime.datetime | None = None) -> int:
    """Adds everyone the open round asks and has not asked yet, and queues their invitations. Idempotent. Returns
    how many people were invited now. A fixed number of queries per thousand people."""
    now = now or timezone.now()
    asked = set(Respondent.objects.filter(round=survey_round).values_list("user_id", flat=True))
    new = {user_id: person for user_id, person in participants(survey_round).items() if user_id not in asked}
    if not new:
        return 0
    with transaction.atomic():
        Respondent.objects.bulk_create(
            [
                Respondent(round=survey_round, user_id=user_id, role=role, group_id=group_id, invited_at=now)
                for user_id, (role, group_id, _user) in new.items()
            ],
            batch_size=1000,
            ignore_conflicts=True,
        )
        queue_emails(
            [
                NewEmail(
                    kind=INVITATION_EMAIL,
                    obj=survey_round,
                    to=user.email,
                    key=invitation_key(survey_round.pk, user_id),
                    recipient=user,
                    programme_id=survey_round.programme_id,
                )
                for user_id, (_role, _group, user) in new.items()
            ]
        )
    return len(new)


# Opening, reminding, closing --------------------------------------------------------------------------------------


def open_round(survey_round: SurveyRound, *, now: datetime.datetime | None = None) -> bool:
    """Opens a scheduled round: freezes its questionnaires and invites everyone. Returns whether it opened now."""
    now = now or timezone.now()
    with transaction.atomic():
        opened = SurveyRound.objects.filter(pk=survey_round.pk, status=RoundStatus.SCHEDULED).update(
            status=RoundStatus.OPEN, opened_at=now
        )
        if not opened:
            return False
        survey_round.refresh_from_db()
        for questionnaire in (survey_round.mentee_questionnaire, survey_round.mentor_questionnaire):
            if questionnaire is not None:
                questionnaire.freeze(now)
        invite(survey_round, now=now)
    return True


@transaction.atomic
def open_now(survey_round: SurveyRound) -> SurveyRound:
    """A coordinator opens a scheduled round by hand, today."""
    locked = _lock(survey_round)
    if locked.status != RoundStatus.SCHEDULED:
        raise RoundClosed(locked.pk)
    today = locked.programme.today()
    locked.opens_on = min(locked.opens_on, today)
    locked.closes_on = max(locked.closes_on, today)
    locked.follows_programme = False
    locked.save(update_fields=["opens_on", "closes_on", "follows_programme"])
    open_round(locked)
    locked.refresh_from_db()
    return locked


def remind(*, now: datetime.datetime | None = None) -> int:
    """Queues one reminder to each respondent of an open round who has not answered ``remind_after_days`` after
    their invitation. Idempotent. Returns how many were queued now. Two queries per open round, and the writes."""
    now = now or timezone.now()
    queued = 0
    for survey_round in SurveyRound.objects.filter(status=RoundStatus.OPEN, remind_after_days__gt=0).exclude(
        programme__status=ProgrammeStatus.CLOSED
    ):
        due = list(
            Respondent.objects.filter(
                round=survey_round,
                submitted_at__isnull=True,
                reminded_at__isnull=True,
                invited_at__lte=now - datetime.timedelta(days=survey_round.remind_after_days),
                user__is_active=True,
                user__anonymised_at__isnull=True,
            )
            .select_related("user")
            .order_by("pk")
        )
        if not due:
            continue
        with transaction.atomic():
            queue_emails(
                [
                    NewEmail(
                        kind=REMINDER_EMAIL,
                        obj=survey_round,
                        to=respondent.user.email,
                        key=reminder_key(survey_round.pk, respondent.user_id),
                        recipient=respondent.user,
                        programme_id=survey_round.programme_id,
                    )
                    for respondent in due
                ]
            )
            Respondent.objects.filter(pk__in=[respondent.pk for respondent in due]).update(reminded_at=now)
        queued += len(due)
    return queued


def close_due(*, now: datetime.datetime | None = None) -> int:
    """Closes every open round whose last day has passed where its programme runs."""
    now = now or timezone.now()
    closing = [
        survey_round
        for survey_round in SurveyRound.objects.filter(
            status=RoundStatus.OPEN, closes_on__lt=now.date() + datetime.timedelta(days=1)
        ).select_related("programme")
        if survey_round.closes_at() <= now
    ]
    return SurveyRound.objects.filter(pk__in=[r.pk for r in closing], status=RoundStatus.OPEN).update(
        status=RoundStatus.CLOSED, closed_at=now
    )


def run_rounds(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """What beat runs: makes missing rounds, opens the rounds due, invites newcomers, reminds, closes."""
    now = now or timezone.now()
    made = 0
    for programme in Programme.objects.exclude(status__in=[ProgrammeStatus.CLOSED, ProgrammeStatus.DRAFT]).exclude(
        survey_rounds__kind=RoundKind.MIDPOINT
    ):
        ensure_rounds(programme)
        made += 1
    opened = 0
    for survey_round in SurveyRound.objects.filter(
        status=RoundStatus.SCHEDULED,
        opens_on__lte=now.date() + datetime.timedelta(days=1),
        programme__status__in=[ProgrammeStatus.RUNNING, ProgrammeStatus.CLOSING],
    ).select_related("programme"):
        if survey_round.opens_on <= survey_round.programme.today(now):
            opened += open_round(survey_round, now=now)
    invited = 0
    for survey_round in SurveyRound.objects.filter(status=RoundStatus.OPEN).exclude(
        programme__status=ProgrammeStatus.CLOSED
    ):
        invited += invite(survey_round, now=now)
    return {
        "made": made,
        "opened": opened,
        "invited": invited,
        "reminded": remind(now=now),
        "closed": close_due(now=now),
    }
