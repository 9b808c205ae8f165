"""Concerns raised with the coordinators, and the coordinator's overview of the sessions.

A concern is what a member of a group chooses to tell the programme's coordinators: its text is for the
coordinators and for the person who raised it, never for the rest of the group. The coordinators are told by
email that a concern was raised (the email has no text, only the link to their page); whoever resolves it may
note what was done, and the person who raised it is told by email.

The sessions overview follows the confidentiality rule of DESIGN.md: the coordinator sees dates, whether a session
was held, attendance and counts. The queries here never load a session's agenda, summary, topics or briefing, nor
its action items or reflections.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from groups.access import GroupAccess
from groups.models import (
    Attendance,
    AttendanceMark,
    Concern,
    ConcernStatus,
    GroupMembership,
    Meeting,
    MeetingStatus,
    MentoringGroup,
)
from groups.services.forming import ProgrammeClosed
from outbox.services import queue_email
from programmes.models import MembershipStatus, Programme, ProgrammeStatus, Role

CONCERN_RAISED_EMAIL = "groups.concern_raised"
CONCERN_RESOLVED_EMAIL = "groups.concern_resolved"
RECENT_DAYS = 30  # the overview lists the sessions of the last and the next 30 days


class NotAMember(PermissionDenied):
    """Only a current member of the group raises a concern about it (a view answers 403)."""


class AlreadyResolved(Exception):
    """Someone resolved the concern first; ``concern`` is as they left it."""

    def __init__(self, concern: Concern):
        super().__init__(concern.pk)
        self.concern = concern


# Raising a concern


def can_raise(access: GroupAccess) -> bool:
    """Any current member of the group: mentor, mentee, supervisor. A coordinator who is not a member may not."""
    return access.group_role is not None


def is_coordinator_of(user: User, programme_id: int) -> bool:
    return User.objects.filter(
        pk=user.pk,
        programme_memberships__programme_id=programme_id,
        programme_memberships__role=Role.COORDINATOR,
        programme_memberships__status=MembershipStatus.ACTIVE,
    ).exists()


def raised_email_key(concern: Concern, coordinator: User) -> str:
    return f"{CONCERN_RAISED_EMAIL}:{concern.pk}:{coordinator.pk}"


def resolved_email_key(concern: Concern) -> str:
    return f"{CONCERN_RESOLVED_EMAIL}:{concern.pk}"


@transaction.atomic
def raise_concern(*, access: GroupAccess, user: User, text: str) -> Concern:
    """Records a member's concern and emails each of the programme's coordinators once (a link, not the text).

    ``NotAMember`` for anyone who is not a current member of the group; ``ProgrammeClosed`` once the programme
    has closed."""
    if not can_raise(access):
        raise NotAMember
    group = access.group
    status = Programme.objects.filter(pk=group.programme_id).values_list("status", flat=True).first()
    if status == ProgrammeStatus.CLOSED:
        raise ProgrammeClosed(group.programme_id)
    concern = Concern.objects.create(group=group, raised_by=user, text=text)
    for coordinator in group.programme.coordinators():
        queue_email(
            kind=CONCERN_RAISED_EMAIL,
            obj=concern,
            to=coordinator.email,
            recipient=coordinator,
            key=raised_email_key(concern, coordinator),
            programme_id=group.programme_id,
        )
    return concern


def my_concerns(group: MentoringGroup, user: User) -> tuple[list[Concern], list[Concern]]:
    """The concerns this person raised in this group: the open ones (oldest first), then the resolved ones (the
    most recently resolved first), with who resolved them. One query."""
    concerns = list(
        Concern.objects.filter(group=group, raised_by=user).select_related("resolved_by").order_by("created_at", "pk")
    )
    open_ = [concern for concern in concerns if concern.status == ConcernStatus.OPEN]
    resolved = sorted(
        (concern for concern in concerns if concern.status == ConcernStatus.RESOLVED),
        key=lambda concern: (concern.resolved_at, concern.pk),
        reverse=True,
    )
    return open_, resolved


# The coordinator's concerns


def programme_concerns(programme: Programme) -> tuple[list[Concern], list[Concern]]:
    """The programme's concerns: the open ones, waiting longest first; then the resolved ones, the most recently
    resolved first. Each has its group, who raised it (with ``raised_role``, their role in the group) and who
    resolved it. One query, however many concerns."""
    role = (
        GroupMembership.objects.filter(group=OuterRef("group"), user=OuterRef("raised_by"))
        .order_by("-joined_at", "-pk")
        .values("role")[:1]
    )
    concerns = list(
        Concern.objects.filter(group__programme=programme)
        .select_related("group", "raised_by", "resolved_by")
        .annotate(raised_role=Subquery(role))
        .order_by("created_at", "pk")
    )
    open_ = [concern for concern in concerns if concern.status == ConcernStatus.OPEN]
    resolved = sorted(
        (concern for concern in concerns if concern.status == ConcernStatus.RESOLVED),
        key=lambda concern: (concern.resolved_at, concern.pk),
        reverse=True,
    )
    return open_, resolved


def open_concern_count(programme: Programme) -> int:
    """How many concerns wait for a coordinator in this programme. One query."""
    return Concern.objects.filter(group__programme=programme, status=ConcernStatus.OPEN).count()


def concern_of(programme: Programme, concern_pk: int) -> Concern:
    """The door to one concern, for a programme reached through ``programme_for``: 404 for a concern of a group
    of another programme."""
    concern = (
        Concern.objects.filter(pk=concern_pk, group__programme=programme)
        .select_related("group", "raised_by", "resolved_by")
        .first()
    )
    if concern is None:
        raise Http404("No such concern.")
    return concern


@transaction.atomic
def resolve_concern(*, concern: Concern, by: User, resolution: str = "") -> Concern:
    """Marks the concern as resolved, with what was done, and emails the person who raised it. Allowed in a closed
    programme too: it only records what happened. ``AlreadyResolved`` if someone resolved it first."""
    locked = Concern.objects.select_for_update().select_related("raised_by").get(pk=concern.pk)
    if locked.status == ConcernStatus.RESOLVED:
        raise AlreadyResolved(Concern.objects.select_related("resolved_by").get(pk=concern.pk))
    locked.status = ConcernStatus.RESOLVED
    locked.resolved_at = timezone.now()
    locked.resolved_by = by
    locked.resolution = resolution
    locked.save(update_fields=["status", "resolved_at", "resolved_by", "resolution"])
    author = locked.raised_by
    if author.anonymised_at is None and author.is_active:
        queue_email(
            kind=CONCERN_RESOLVED_EMAIL,
            obj=locked,
            to=author.email,
            recipient=author,
            key=resolved_email_key(locked),
            programme_id=locked.group.programme_id,
        )
    return locked


# The coordinator's sessions overview

_CANCELLED = Q(status=MeetingStatus.CANCELLED)
_SCHEDULED = Q(status=MeetingStatus.SCHEDULED)


@dataclass
class GroupSessions:
    """One group's sessions in numbers (all kinds: group sessions and one-to-one check-ins)."""

    group: MentoringGroup | None  # None for the programme's totals
    held: int = 0
    not_held: int = 0  # logged as not held
    planned: int = 0  # scheduled, still to come
    not_logged: int = 0  # scheduled, started already, and nobody has logged it yet
    cancelled: int = 0
    last_held: datetime.datetime | None = None
    present: int = 0  # attendance marks "present" at held sessions
    marks: int = 0  # all attendance marks at held sessions
    open_concerns: int = 0

    @property
    def attendance_rate(self) -> int | None:
        """Present out of all attendance marks of held sessions, as a whole percentage; None without marks."""
        if not self.marks:
            return None
        return round(100 * self.present / self.marks)

    @property
    def total(self) -> int:
        return self.held + self.not_held + self.planned + self.not_logged + self.cancelled


@dataclass
class SessionsOverview:
    rows: list[GroupSessions]
    total: GroupSessions
    recent: list[Meeting] = field(default_factory=list)  # the last RECENT_DAYS days, the most recent first
    coming: list[Meeting] = field(default_factory=list)  # the next RECENT_DAYS days, the soonest first

    @property
    def has_sessions(self) -> bool:
        return self.total.total > 0


def session_state(meeting: Meeting, now: datetime.datetime) -> str:
    """What the overview says of a session: cancelled, held, not_held, not_logged (it started and nobody logged
    it) or planned."""
    if meeting.status == MeetingStatus.CANCELLED:
        return "cancelled"
    if meeting.logged_at is not None:
        return "held" if meeting.held else "not_held"
    if meeting.starts_at <= now:
        return "not_logged"
    return "planned"


# The only columns of a session the overview reads: no agenda, summary, topics or briefing.
_FACTS = ("pk", "group", "kind", "starts_at", "minutes", "status", "held", "logged_at")


def sessions_overview(programme: Programme, *, now: datetime.datetime | None = None) -> SessionsOverview:
    """Every group of the programme with its sessions counted, the programme's totals, and the sessions of the
    last and next ``RECENT_DAYS`` days with their attendance counts. Facts only. Five queries, however many
    groups and sessions."""
    now = now or timezone.now()
    groups = list(programme.groups.order_by("name", "pk"))
    rows = {group.pk: GroupSessions(group) for group in groups}
    total = GroupSessions(None)
    meetings = Meeting.objects.filter(group__programme=programme)
    logged_held = _SCHEDULED & Q(logged_at__isnull=False, held=True)
    counts = (
        meetings.values("group_id")
        .annotate(  # named apart from the model's fields ("held"), which the filters refer to
            n_held=Count("pk", filter=logged_held),
            n_not_held=Count("pk", filter=_SCHEDULED & Q(logged_at__isnull=False, held=False)),
            n_planned=Count("pk", filter=_SCHEDULED & Q(logged_at__isnull=True, starts_at__gt=now)),
            n_not_logged=Count("pk", filter=_SCHEDULED & Q(logged_at__isnull=True, starts_at__lte=now)),
            n_cancelled=Count("pk", filter=_CANCELLED),
            last_held_at=Max("starts_at", filter=logged_held),
        )
        .order_by()
    )
    for count in counts:
        row = rows[count["group_id"]]
        for name in ("held", "not_held", "planned", "not_logged", "cancelled"):
            setattr(row, name, count[f"n_{name}"])
            setattr(total, name, getattr(total, name) + count[f"n_{name}"])
        row.last_held = count["last_held_at"]
        if row.last_held and (total.last_held is None or row.last_held > total.last_held):
            total.last_held = row.last_held
    marks = (
        Attendance.objects.filter(
            meeting__group__programme=programme,
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__logged_at__isnull=False,
            meeting__held=True,
        )
        .values("meeting__group_id")
        .annotate(present=Count("pk", filter=Q(status=AttendanceMark.PRESENT)), marks=Count("pk"))
        .order_by()
    )
    for count in marks:
        row = rows[count["meeting__group_id"]]
        row.present, row.marks = count["present"], count["marks"]
        total.present += count["present"]
        total.marks += count["marks"]
    concerns = (
        Concern.objects.filter(group__programme=programme, status=ConcernStatus.OPEN)
        .values("group_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for count in concerns:
        rows[count["group_id"]].open_concerns = count["count"]
        total.open_concerns += count["count"]
    window = datetime.timedelta(days=RECENT_DAYS)
    listed = list(
        meetings.filter(starts_at__gte=now - window, starts_at__lte=now + window)
        .only(*_FACTS, "group__name", "group__kind")
        .select_related("group")
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=AttendanceMark.PRESENT)),
            excused=Count("attendance", filter=Q(attendance__status=AttendanceMark.EXCUSED)),
            absent=Count("attendance", filter=Q(attendance__status=AttendanceMark.ABSENT)),
        )
        .order_by("starts_at", "pk")
    )
    for meeting in listed:
        meeting.state = session_state(meeting, now)
        meeting.marks = meeting.present + meeting.excused + meeting.absent
    recent = [meeting for meeting in listed if meeting.starts_at <= now]
    recent.reverse()
    coming = [meeting for meeting in listed if meeting.starts_at > now]
    return SessionsOverview(rows=list(rows.values()), total=total, recent=recent, coming=coming)
