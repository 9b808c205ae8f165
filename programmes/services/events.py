"""Programme events (trainings, the final common meeting and others): who is invited, planning, cancelling,
attendance, and the emails that tell the invitees.

Who is invited is one rule, written once in ``_invited_memberships``: an active member of the programme whose
role the event invites (all mentors, all mentees), or who is a current member of one of the invited groups.
The same rule answers "who is invited to this event", "how many are invited to each event" and "which events
is this person invited to", each in a single query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from groups.models import GroupMembership, MentoringGroup
from outbox.models import OutgoingEmail
from outbox.services import queue_email
from programmes.models import (
    AttendanceStatus,
    EventAttendance,
    MembershipStatus,
    Programme,
    ProgrammeEvent,
    ProgrammeMembership,
    Role,
)

EMAIL_INVITED = "programmes.event"
EMAIL_CHANGED = "programmes.event_changed"
EMAIL_CANCELLED = "programmes.event_cancelled"


class EventCancelled(Exception):
    """A cancelled event can no longer be changed, cancelled again, or have its attendance recorded."""


def _invited_memberships(event: ProgrammeEvent | None = None) -> QuerySet[ProgrammeMembership]:
    """The active programme memberships that an event invites.

    Given an event, for that event. Without one, for the event of the surrounding query (``OuterRef``), so that
    the rule can count invitees per event in a list, or find the events that invite one person.
    """
    if event is None:
        memberships = ProgrammeMembership.objects.filter(programme=OuterRef("programme")).alias(
            mentors_invited=ExpressionWrapper(OuterRef("for_mentors"), output_field=BooleanField()),
            mentees_invited=ExpressionWrapper(OuterRef("for_mentees"), output_field=BooleanField()),
        )
        event_ref = OuterRef(OuterRef("pk"))
    else:
        memberships = ProgrammeMembership.objects.filter(programme_id=event.programme_id).alias(
            mentors_invited=Value(event.for_mentors), mentees_invited=Value(event.for_mentees)
        )
        event_ref = event.pk
    in_an_invited_group = Exists(
        GroupMembership.objects.current().filter(user=OuterRef("user"), group__programme_events=event_ref)
    )
    return memberships.filter(status=MembershipStatus.ACTIVE).filter(
        Q(role=Role.MENTOR, mentors_invited=True) | Q(role=Role.MENTEE, mentees_invited=True) | in_an_invited_group
    )


def invitees(event: ProgrammeEvent) -> QuerySet[User]:
    """Everyone the event invites, each once, by name. One query."""
    return User.objects.filter(pk__in=_invited_memberships(event).values("user_id")).order_by("display_name", "email")


def invitee_count() -> Coalesce:
    """An annotation for a queryset of events: how many people each one invites."""
    counted = (
        _invited_memberships()
        .order_by()
        .values("programme_id")
        .annotate(people=Count("user_id", distinct=True))
        .values("people")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def upcoming_events_for(user: User, now: datetime.datetime) -> QuerySet[ProgrammeEvent]:
    """The events not cancelled and not yet over that invite this person, soonest first. One query."""
    return (
        ProgrammeEvent.objects.filter(
            cancelled_at__isnull=True,
            ends_at__gt=now,
            programme__in=ProgrammeMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
                "programme_id"
            ),
        )
        .filter(Exists(_invited_memberships().filter(user=user)))
        .select_related("programme")
        .order_by("starts_at", "pk")
    )


def _check_groups(programme: Programme, groups: Iterable[MentoringGroup]) -> list[MentoringGroup]:
    groups = list(groups)
    if any(group.programme_id != programme.pk for group in groups):
        raise ValueError("An event can only invite groups of its own programme.")
    return groups


@transaction.atomic
def create_event(
    *, programme: Programme, by: User, groups: Iterable[MentoringGroup] = (), notify: bool = False, **fields
) -> ProgrammeEvent:
    """Plans an event; with ``notify``, every invitee gets an email once the transaction commits."""
    groups = _check_groups(programme, groups)
    event = ProgrammeEvent(programme=programme, created_by=by, **fields)
    event.full_clean()
    event.save()
    event.groups.set(groups)
    if notify:
        _tell_invitees(event)
    return event


@transaction.atomic
def update_event(
    *, event: ProgrammeEvent, groups: Iterable[MentoringGroup] = (), notify: bool = False, **fields
) -> ProgrammeEvent:
    """Changes an event. With ``notify``, people who were told about it before hear about the change, and
    people told for the first time get the invitation."""
    locked = ProgrammeEvent.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise EventCancelled
    groups = _check_groups(locked.programme, groups)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    locked.groups.set(groups)
    if notify:
        _tell_invitees(locked, changed_at=timezone.now())
    return locked


@transaction.atomic
def cancel_event(*, event: ProgrammeEvent, notify: bool = False) -> ProgrammeEvent:
    """Cancels an event (it stays in the history). With ``notify``, every invitee gets an email."""
    locked = ProgrammeEvent.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise EventCancelled
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at"])
    if notify:
        for user in _reachable(locked):
            _queue(EMAIL_CANCELLED, locked, user, "cancelled")
    return locked


@transaction.atomic
def record_attendance(*, event: ProgrammeEvent, statuses: Mapping[int, str], by: User) -> list[EventAttendance]:
    """Records who came, by user id. People the event does not invite and unknown statuses are ignored; a
    person's earlier record is updated. A constant number of queries, however many people."""
    locked = ProgrammeEvent.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise EventCancelled
    invited = set(invitees(locked).values_list("pk", flat=True))
    wanted = {
        user_id: status
        for user_id, status in statuses.items()
        if user_id in invited and status in AttendanceStatus.values
    }
    existing = {record.user_id: record for record in locked.attendance.filter(user_id__in=wanted)}
    now = timezone.now()
    changed, created = [], []
    for user_id, status in wanted.items():
        record = existing.get(user_id)
        if record is None:
            created.append(
                EventAttendance(event=locked, user_id=user_id, status=status, recorded_by=by, recorded_at=now)
            )
        elif record.status != status:
            record.status, record.recorded_by, record.recorded_at = status, by, now
            changed.append(record)
    EventAttendance.objects.bulk_create(created)
    EventAttendance.objects.bulk_update(changed, ["status", "recorded_by", "recorded_at"])
    return created + changed


def _reachable(event: ProgrammeEvent) -> QuerySet[User]:
    """The invitees an email can reach: not anonymised, account still active."""
    return invitees(event).filter(is_active=True, anonymised_at__isnull=True).only("pk", "email", "language")


def _tell_invitees(event: ProgrammeEvent, *, changed_at: datetime.datetime | None = None) -> None:
    people = list(_reachable(event))
    if changed_at is None:
        for user in people:
            _queue(EMAIL_INVITED, event, user, "invited")
        return
    # An edit: who already had the invitation hears about the change; the others get the invitation.
    invited_keys = {_key(event, user, "invited") for user in people}
    told = set(OutgoingEmail.objects.filter(key__in=invited_keys).values_list("key", flat=True))
    for user in people:
        if _key(event, user, "invited") in told:
            _queue(EMAIL_CHANGED, event, user, f"changed:{changed_at.isoformat()}")
        else:
            _queue(EMAIL_INVITED, event, user, "invited")


def _key(event: ProgrammeEvent, user: User, what: str) -> str:
    return f"programmes.event:{event.pk}:{user.pk}:{what}"


def _queue(kind: str, event: ProgrammeEvent, user: User, what: str) -> None:
    queue_email(
        kind=kind,
        obj=event,
        key=_key(event, user, what),
        recipient=user,
        to=user.email,
        programme_id=event.programme_id,
    )
