"""The signed-in home page as the person's next step: one function per section, each a fixed, small number of
queries however many groups, sessions, goals and action items there are.

The sections start from the person's current group memberships (loaded once by the view, with their groups and
programmes), so no function looks the groups up again. Groups of a closed programme are left out: there is nothing
left to do in them. The rules of who leads, who signs and who sees what come from the models and the other
services (``MentoringGroup.led_by``, ``contracts.group_contracts``, ``goals.visible_goals``,
``session_log.MISSED``); the functions here only gather across groups.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import User
from groups.models import ActionItem, Goal, GoalStatus, GroupMembership, GroupRole, Meeting, MentoringGroup
from groups.models.contracts import VersionStatus
from groups.models.meetings import MeetingKind, MeetingStatus
from groups.services.contracts import group_contracts
from groups.services.session_log import MISSED, NOTES_FIELDS

SESSIONS_SHOWN = 5
TO_LOG_AFTER = datetime.timedelta(hours=2)  # a session is "waiting to be logged" this long after it started
IN_PROGRESS = datetime.timedelta(hours=8)  # as in session_log.next_session: a session under way still counts
BRIEFINGS_SINCE = datetime.timedelta(days=60)
LIST_SHOWN = 10  # to log, action items, goals, briefings: the page shows at most this many of each
OPEN_GOALS = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)
MENTOR_ROLES = (GroupRole.MENTOR, GroupRole.SUPERVISOR)


# Which groups each part of the page is about (no queries: the memberships are loaded)


def _live(memberships: Sequence[GroupMembership]) -> list[GroupMembership]:
    return [m for m in memberships if not m.group.programme.is_archived]


def mentor_memberships(memberships: Sequence[GroupMembership]) -> list[GroupMembership]:
    """The groups someone takes part in as a mentor: those they mentor, their mentor circle, the circle they
    supervise."""
    return [m for m in _live(memberships) if m.role in MENTOR_ROLES]


def mentee_memberships(memberships: Sequence[GroupMembership]) -> list[GroupMembership]:
    return [m for m in _live(memberships) if m.role == GroupRole.MENTEE]


def led_memberships(memberships: Sequence[GroupMembership]) -> list[GroupMembership]:
    """The groups whose sessions the person logs (``MentoringGroup.led_by``): a mentee of a peer group too."""
    return [m for m in _live(memberships) if m.group.led_by(m.role)]


def _ids(memberships: Sequence[GroupMembership]) -> list[int]:
    return [m.group_id for m in memberships]


def _takes_part(user: User) -> Q:
    """The sessions a person is part of: the group's sessions, and the check-ins with them or that they set up
    (as in ``scheduling.participants``)."""
    return Q(kind=MeetingKind.GROUP) | Q(with_member_id=user.pk) | Q(created_by_id=user.pk)


# Sessions


def next_sessions(
    user: User, memberships: Sequence[GroupMembership], *, now: datetime.datetime | None = None, limit: int = 5
) -> list[Meeting]:
    """The next scheduled sessions of these groups that the person takes part in, the soonest first (one under way
    counts). Without their notes. One query, none without groups."""
    if not memberships:
        return []
    now = now or timezone.now()
    candidates = (
        Meeting.objects.filter(group_id__in=_ids(memberships), status=MeetingStatus.SCHEDULED)
        .filter(starts_at__gt=now - IN_PROGRESS)
        .filter(_takes_part(user))
        .select_related("group__programme", "with_member")
        .defer(*NOTES_FIELDS)
        .order_by("starts_at", "pk")
    )
    return [meeting for meeting in candidates[: limit + 10] if meeting.ends_at > now][:limit]


def sessions_to_log(
    user: User, memberships: Sequence[GroupMembership], *, now: datetime.datetime | None = None
) -> list[Meeting]:
    """Sessions of the groups the person leads that started more than two hours ago and are not logged yet, the
    most recent first. One query, none for someone who leads no group."""
    led = led_memberships(memberships)
    if not led:
        return []
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(group_id__in=_ids(led), status=MeetingStatus.SCHEDULED, logged_at__isnull=True)
        .filter(starts_at__lte=now - TO_LOG_AFTER)
        .filter(_takes_part(user))
        .select_related("group", "with_member")
        .defer(*NOTES_FIELDS)
        .order_by("-starts_at", "-pk")[:LIST_SHOWN]
    )


def missed_briefings(
    user: User, memberships: Sequence[GroupMembership], *, now: datetime.datetime | None = None
) -> list[Meeting]:
    """Sessions of the last 60 days that the person missed (absent, with notice or not) and that have a briefing
    for them, the most recent first. One query."""
    if not memberships:
        return []
    now = now or timezone.now()
    return list(
        Meeting.objects.filter(group_id__in=_ids(memberships), held=True, status=MeetingStatus.SCHEDULED)
        .filter(starts_at__gte=now - BRIEFINGS_SINCE, starts_at__lte=now)
        .filter(attendance__user_id=user.pk, attendance__status__in=MISSED)
        .exclude(briefing="")
        .select_related("group")
        .defer("agenda", "summary", "topics", "briefing")
        .order_by("-starts_at", "-pk")[:LIST_SHOWN]
    )


# Action items and goals


def open_action_items(user: User, memberships: Sequence[GroupMembership]) -> list[ActionItem]:
    """The action items the person owns and has not done, in their current groups, the earliest due first (those
    without a date last). One query."""
    if not memberships:
        return []
    return list(
        ActionItem.objects.filter(owner_id=user.pk, done_at__isnull=True, meeting__group_id__in=_ids(memberships))
        .select_related("meeting__group")
        .only("text", "due_on", "meeting__starts_at", "meeting__group__name")
        .order_by(F("due_on").asc(nulls_last=True), "meeting__starts_at", "pk")[:LIST_SHOWN]
    )


def my_goals(user: User, memberships: Sequence[GroupMembership]) -> list[Goal]:
    """A mentee's goals still open: their own and the common goals of their groups (a subset of what
    ``goals.visible_goals`` lets a mentee see; the others' shared goals stay on the goals page). One query."""
    groups = mentee_memberships(memberships)
    if not groups:
        return []
    return list(
        Goal.objects.filter(group_id__in=_ids(groups), status__in=OPEN_GOALS)
        .filter(Q(owner_id=user.pk) | Q(owner__isnull=True))
        .select_related("group")
        .only("title", "status", "target_date", "owner_id", "group__name")
        .order_by(F("target_date").asc(nulls_last=True), "created_at", "pk")[:LIST_SHOWN]
    )


# Contracts and the mentor circle


class ContractStatus:
    IN_FORCE = "in_force"
    WAITING = "waiting"  # proposed, some signatories have not agreed yet
    DRAFT = "draft"  # being written, not proposed yet
    NONE = "none"


@dataclass(frozen=True)
class ContractLine:
    group: MentoringGroup
    status: str
    waiting: int = 0  # how many have not agreed to the proposal (or, in force, the newcomers)


def contract_lines(memberships: Sequence[GroupMembership]) -> list[ContractLine]:
    """The contract's state of each group the person mentors or leads (``contracts.group_contracts``: three
    queries whatever the number of groups, none without groups)."""
    groups = [m.group for m in _live(memberships) if m.role in MENTOR_ROLES or m.group.led_by(m.role)]
    lines = []
    for row in group_contracts(groups):
        if row.open is not None and row.open.version.status == VersionStatus.PROPOSED:
            lines.append(ContractLine(row.group, ContractStatus.WAITING, len(row.open.waiting)))
        elif row.in_force is not None:
            lines.append(ContractLine(row.group, ContractStatus.IN_FORCE, len(row.in_force.waiting)))
        elif row.open is not None:
            lines.append(ContractLine(row.group, ContractStatus.DRAFT))
        else:
            lines.append(ContractLine(row.group, ContractStatus.NONE))
    return lines


@dataclass
class Circle:
    group: MentoringGroup
    next_pk: int | None = None
    next_starts_at: datetime.datetime | None = field(default=None)


def mentor_circles(memberships: Sequence[GroupMembership], *, now: datetime.datetime | None = None) -> list[Circle]:
    """The mentor circles the person is in (as a mentor or its supervisor), each with its next group session.
    One query, none outside a circle."""
    circles = [m.group for m in mentor_memberships(memberships) if m.group.is_circle]
    if not circles:
        return []
    now = now or timezone.now()
    upcoming = Meeting.objects.filter(
        group=OuterRef("pk"), kind=MeetingKind.GROUP, status=MeetingStatus.SCHEDULED, starts_at__gte=now
    ).order_by("starts_at", "pk")
    found = {
        row["pk"]: row
        for row in MentoringGroup.objects.filter(pk__in=[g.pk for g in circles])
        .annotate(
            next_pk=Subquery(upcoming.values("pk")[:1]), next_starts_at=Subquery(upcoming.values("starts_at")[:1])
        )
        .values("pk", "next_pk", "next_starts_at")
    }
    return [
        Circle(group, found.get(group.pk, {}).get("next_pk"), found.get(group.pk, {}).get("next_starts_at"))
        for group in circles
    ]


# The whole page


@dataclass
class NextSteps:
    is_mentor: bool = False
    is_mentee: bool = False
    leads: bool = False
    mentor_sessions: list[Meeting] = field(default_factory=list)
    to_log: list[Meeting] = field(default_factory=list)
    contracts: list[ContractLine] = field(default_factory=list)
    circles: list[Circle] = field(default_factory=list)
    mentee_groups: list[MentoringGroup] = field(default_factory=list)
    mentee_next: Meeting | None = None
    goals: list[Goal] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    briefings: list[Meeting] = field(default_factory=list)


def next_steps(
    user: User, memberships: Sequence[GroupMembership], *, now: datetime.datetime | None = None
) -> NextSteps:
    """Every section of the home page for this person's roles. The number of queries depends only on which roles
    they hold (mentor, mentee, leader, in a circle), never on how many groups, sessions or items there are."""
    now = now or timezone.now()
    as_mentor = mentor_memberships(memberships)
    as_mentee = mentee_memberships(memberships)
    led = led_memberships(memberships)
    live = _live(memberships)
    mentee_next = next_sessions(user, as_mentee, now=now, limit=1)
    return NextSteps(
        is_mentor=bool(as_mentor),
        is_mentee=bool(as_mentee),
        leads=bool(led),
        mentor_sessions=next_sessions(user, as_mentor, now=now, limit=SESSIONS_SHOWN),
        to_log=sessions_to_log(user, led, now=now),
        contracts=contract_lines(memberships) if as_mentor or led else [],
        circles=mentor_circles(memberships, now=now),
        mentee_groups=[m.group for m in as_mentee],
        mentee_next=mentee_next[0] if mentee_next else None,
        goals=my_goals(user, as_mentee),
        action_items=open_action_items(user, live),
        briefings=missed_briefings(user, live, now=now),
    )
