"""Scheduling a group's sessions: one at a time or as a series following the contract's rhythm, rescheduling and
cancelling, who is told, and what each person's calendar holds.

Who schedules is ``GroupAccess.leads`` (the mentor of a mentor-led group, any member of a peer group, the
supervisor of a mentor circle); the views check it, these functions trust their caller.

Times are entered in the programme's time zone and stored in UTC. A time that the clocks skip or pass twice on
that day (a change to or from summer time) is refused, never guessed (``local_moment``).

Every change is told by email with a calendar invitation, once per person and change: the outbox key names the
session, the person and the session's ``sequence``, which every change raises. A renderer finds the sequence of
its key and sends nothing when the session has changed again since, so people only get the latest news. A
series goes out as one email per person that lists every date, with one calendar file holding all of them.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from groups.models import (
    ContractVersion,
    GroupMembership,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MentoringGroup,
    VersionStatus,
)
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import queue_email
from programmes.models import Programme, ProgrammeEvent
from programmes.services.events import upcoming_events_for

INVITATION_EMAIL = "groups.session_invitation"
CHANGED_EMAIL = "groups.session_changed"
CANCELLED_EMAIL = "groups.session_cancelled"

MIN_SERIES = 2
MAX_SERIES = 24  # a number of sessions the leader chooses
MAX_UNTIL_END = 60  # "until the end date": a weekly rhythm over a long programme stops here
FEED_SINCE = datetime.timedelta(days=30)  # the calendar feed keeps the last month's sessions
# A session's people and group are checked by the functions below, not by one query each in ``clean_fields``.
RELATIONS = ("group", "with_member", "created_by", "logged_by")

# Days between two sessions of a series, by the number of sessions a month.
INTERVAL_DAYS = {1: 28, 2: 14, 3: 10, 4: 7}


class SchedulingError(Exception):
    """Base of the reasons a change to the schedule is refused; the page words its own message."""


class ProgrammeClosed(SchedulingError):
    pass


class NotChangeable(SchedulingError):
    """Only a scheduled session that is still to come and not logged can be changed or cancelled."""


class InThePast(SchedulingError):
    pass


class NotAMember(SchedulingError):
    """A check-in is with one current member of the group, other than the person scheduling it."""


class TimeSkipped(ValueError):
    """The clocks jump over this time on this day (the start of summer time)."""

    def __init__(self, day: datetime.date):
        super().__init__(day)
        self.day = day


class TimeRepeated(ValueError):
    """The clocks pass this time twice on this day (the end of summer time)."""

    def __init__(self, day: datetime.date):
        super().__init__(day)
        self.day = day


class EndBeforeStart(ValueError):
    pass


class TooMany(ValueError):
    pass


class Repeat(models.TextChoices):
    NONE = "none", _("Only this session")
    COUNT = "count", _("A number of sessions")
    UNTIL_END = "until_end", _("Until the end date")


# The rhythm ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """How often and how long the group meets, and until when: from the contract in force, else the programme."""

    sessions_per_month: int
    minutes: int
    ends_on: datetime.date
    from_contract: bool

    @property
    def interval(self) -> datetime.timedelta:
        return datetime.timedelta(days=INTERVAL_DAYS.get(self.sessions_per_month, 28))


def cadence(group: MentoringGroup) -> Cadence:
    """The group's rhythm. One query."""
    version = (
        ContractVersion.objects.filter(contract__group=group, status=VersionStatus.IN_FORCE)
        .only("sessions_per_month", "session_minutes", "ends_on")
        .first()
    )
    if version is not None:
        return Cadence(version.sessions_per_month, version.session_minutes, version.ends_on, from_contract=True)
    programme = group.programme
    return Cadence(programme.sessions_per_month, programme.session_minutes, programme.ends_on, from_contract=False)


def local_moment(day: datetime.date, time: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The moment a clock in ``zone`` shows ``time`` on ``day``, in UTC. Raises ``TimeSkipped`` for a time that does
    not exist that day and ``TimeRepeated`` for one that happens twice."""
    moment = datetime.datetime.combine(day, time, tzinfo=zone)
    if moment.utcoffset() != moment.replace(fold=1).utcoffset():
        round_trip = moment.astimezone(datetime.UTC).astimezone(zone)
        if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
            raise TimeSkipped(day)
        raise TimeRepeated(day)
    return moment.astimezone(datetime.UTC)


def series_days(
    first: datetime.date, *, interval: datetime.timedelta, count: int | None = None, until: datetime.date | None = None
) -> list[datetime.date]:
    """The days of a series: ``count`` of them, or every one up to ``until`` (inclusive)."""
    if count is not None:
        return [first + interval * n for n in range(count)]
    if until is None:
        return [first]
    if until < first:
        raise EndBeforeStart
    days = []
    day = first
    while day <= until:
        if len(days) == MAX_UNTIL_END:
            raise TooMany
        days.append(day)
        day += interval
    return days


def plan_starts(
    *,
    programme: Programme,
    day: datetime.date,
    time: datetime.time,
    repeat: str,
    rhythm: Cadence,
    count: int | None = None,
) -> list[datetime.datetime]:
    """The starts of the sessions to schedule, in UTC, each at the same clock time in the programme's zone."""
    if repeat == Repeat.COUNT:
        days = series_days(day, interval=rhythm.interval, count=count)
    elif repeat == Repeat.UNTIL_END:
        days = series_days(day, interval=rhythm.interval, until=rhythm.ends_on)
    else:
        days = [day]
    zone = programme.zone
    return [local_moment(each, time, zone) for each in days]


# Who takes part --------------------------------------------------------------------------------------------------


def check_in_partners(group: MentoringGroup, leader: User) -> QuerySet[User]:
    """Who a leader can have a one-to-one check-in with: the group's other current members, by name."""
    return (
        User.objects.filter(
            pk__in=GroupMembership.objects.current().filter(group=group).exclude(user=leader).values("user_id")
        )
        .filter(is_active=True)
        .order_by("display_name", "email")
    )


def participants(meeting: Meeting) -> QuerySet[User]:
    """Who takes part and is told: every current member for a group session; for a check-in, the member it is with
    and the leader who scheduled it (while they are still in the group). Reachable people only, by name."""
    members = GroupMembership.objects.current().filter(group_id=meeting.group_id)
    if meeting.kind == MeetingKind.CHECK_IN:
        members = members.filter(user_id__in=[meeting.with_member_id, meeting.created_by_id])
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True, anonymised_at__isnull=True).order_by(
        "display_name", "email"
    )


def takes_part(meeting: Meeting, user: User) -> bool:
    return participants(meeting).filter(pk=user.pk).exists()


def other_person(meeting: Meeting, viewer: User | None) -> User | None:
    """In a check-in, the person the viewer meets: the member for the leader, the leader for the member."""
    if meeting.kind != MeetingKind.CHECK_IN:
        return None
    if viewer is not None and meeting.with_member_id == viewer.pk:
        return meeting.created_by
    return meeting.with_member


# Scheduling, rescheduling, cancelling ----------------------------------------------------------------------------


def is_changeable(meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    """Whether a leader may still reschedule or cancel the session: scheduled, not logged, still to come."""
    now = now or timezone.now()
    return (
        meeting.status == MeetingStatus.SCHEDULED
        and not meeting.is_logged
        and meeting.starts_at > now
        and not meeting.group.programme.is_archived
    )


@transaction.atomic
def schedule_sessions(
    *,
    group: MentoringGroup,
    by: User,
    starts: Sequence[datetime.datetime],
    minutes: int,
    place: str = "",
    video_link: str = "",
    agenda: str = "",
    with_member: User | None = None,
) -> list[Meeting]:
    """Schedules one session, or a series (several starts) sharing a ``series`` id, all or none; everyone taking
    part gets one invitation once the transaction commits (for a series, one listing every date)."""
    if group.programme.is_archived:
        raise ProgrammeClosed
    if not starts:
        raise ValueError("Nothing to schedule.")
    now = timezone.now()
    if any(start <= now for start in starts):
        raise InThePast
    if with_member is not None and not check_in_partners(group, by).filter(pk=with_member.pk).exists():
        raise NotAMember
    series = uuid.uuid4() if len(starts) > 1 else None
    meetings = []
    for start in sorted(starts):
        meeting = Meeting(
            group=group,
            kind=MeetingKind.CHECK_IN if with_member else MeetingKind.GROUP,
            with_member=with_member,
            starts_at=start,
            minutes=minutes,
            place=place,
            video_link=video_link,
            agenda=agenda,
            series=series,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        meeting.clean_fields(exclude=RELATIONS)  # the length and the link; the database holds the rest
        meeting.save()
        meetings.append(meeting)
    _tell(meetings[0], INVITATION_EMAIL)
    return meetings


@dataclass(frozen=True)
class Changed:
    meeting: Meeting
    changed: bool  # False when the form said the same as before: nobody is told


CHANGEABLE_FIELDS = ("starts_at", "minutes", "place", "video_link", "agenda")


@transaction.atomic
def reschedule(*, meeting: Meeting, by: User, **fields) -> Changed:
    """Changes the time, length, place or agenda of a session still to come. The session keeps its calendar UID and
    its ``sequence`` goes up, so calendars update the event; everyone taking part is told."""
    unknown = set(fields) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not a field a leader changes: {', '.join(sorted(unknown))}")
    locked = _lock(meeting)
    now = timezone.now()
    if not is_changeable(locked, now):
        raise NotChangeable
    if "starts_at" in fields and fields["starts_at"] <= now:
        raise InThePast
    if all(getattr(locked, name) == value for name, value in fields.items()):
        return Changed(locked, changed=False)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.sequence += 1
    locked.updated_at = now
    locked.clean_fields(exclude=RELATIONS)
    locked.save(update_fields=[*fields, "sequence", "updated_at"])
    _tell(locked, CHANGED_EMAIL)
    return Changed(locked, changed=True)


@transaction.atomic
def cancel_session(*, meeting: Meeting, by: User) -> Meeting:
    """Cancels a session still to come. It stays in the history, and in calendars as cancelled; everyone taking part
    is told."""
    locked = _lock(meeting)
    now = timezone.now()
    if not is_changeable(locked, now):
        raise NotChangeable
    locked.status = MeetingStatus.CANCELLED
    locked.cancelled_at = now
    locked.sequence += 1
    locked.updated_at = now
    locked.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    _tell(locked, CANCELLED_EMAIL)
    return locked


def _lock(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group__programme", "with_member", "created_by")
        .get(pk=meeting.pk)
    )


# The emails ------------------------------------------------------------------------------------------------------


def email_key(kind: str, meeting: Meeting, user: User, sequence: int) -> str:
    return f"{kind}:{meeting.pk}:{user.pk}:{sequence}"


def sequence_of(email: OutgoingEmail) -> int:
    """The session's ``sequence`` when the email was queued, from the email's key."""
    return int(email.key.rsplit(":", 1)[1])


def _tell(meeting: Meeting, kind: str) -> None:
    for person in participants(meeting).only("pk", "email", "language"):
        queue_email(
            kind=kind,
            obj=meeting,
            to=person.email,
            recipient=person,
            key=email_key(kind, meeting, person, meeting.sequence),
            programme_id=meeting.group.programme_id,
        )


def invited_meetings(meeting: Meeting, *, sequence: int, now: datetime.datetime | None = None) -> list[Meeting]:
    """What an invitation about ``meeting`` still has to say: the session (for a series, every session scheduled
    with it) as long as it is scheduled, still to come, and unchanged since (the ``sequence`` of the email's key).
    A session changed meanwhile is left out: its own email tells its new details."""
    now = now or timezone.now()
    if meeting.series is None:
        sessions = Meeting.objects.filter(pk=meeting.pk)
    else:
        sessions = Meeting.objects.filter(group_id=meeting.group_id, series=meeting.series)
    return list(
        sessions.filter(status=MeetingStatus.SCHEDULED, sequence=sequence, starts_at__gt=now)
        .select_related("group__programme", "with_member", "created_by")
        .order_by("starts_at", "pk")
    )


def told_before(meeting: Meeting, user: User) -> bool:
    """Whether the person has had an email about this session: its invitation or a change. A series' invitation
    lists the sessions unchanged when it went out, so it told of this one if it went out before the session's first
    change (known when the session has changed once; later, any sent invitation counts). One query."""
    if meeting.series is None:
        invitation = Q(kind=INVITATION_EMAIL, object_id=meeting.pk)
    else:
        series = Meeting.objects.filter(group_id=meeting.group_id, series=meeting.series).values("pk")
        invitation = Q(kind=INVITATION_EMAIL, object_id__in=series)
        if meeting.sequence == 1:
            invitation &= Q(sent_at__lt=meeting.updated_at)
    return OutgoingEmail.objects.filter(
        invitation | Q(kind=CHANGED_EMAIL, object_id=meeting.pk), recipient=user, status=EmailStatus.SENT
    ).exists()


# The calendar feed -----------------------------------------------------------------------------------------------


def feed_sessions(user: User, *, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """A person's sessions for their calendar: those of their current groups from a month ago on, group sessions
    and the check-ins they are part of, cancelled ones too (calendars then show them cancelled). One query."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(
            group__in=GroupMembership.objects.current().filter(user=user).values("group_id"),
            starts_at__gte=now - FEED_SINCE,
        )
        .filter(Q(kind=MeetingKind.GROUP) | Q(with_member=user) | Q(created_by=user))
        .select_related("group__programme", "with_member", "created_by")
        .order_by("starts_at", "pk")
    )


def feed_events(user: User, *, now: datetime.datetime | None = None) -> QuerySet[ProgrammeEvent]:
    """The programme events that invite the person, from a month ago on. One query."""
    now = now or timezone.now()
    return upcoming_events_for(user, now - FEED_SINCE)
