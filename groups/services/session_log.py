"""Logging a group's sessions: whether a session was held, who came, what was said, what was agreed, the briefing
for those who missed it, and the members' own reflections.

Every rule of who sees what is in this module, and the views and templates only ask it:

- A one-to-one check-in is seen only by the member it is with, the group's leaders and the programme's
  coordinators (``visible_meetings``; ``groups.access.meeting_for`` is the door to one session).
- The agenda, summary, topics, briefing, action items and reflections are the group's own (``can_see_notes``):
  its current members read them, a coordinator who is not a member never does. Coordinators see the facts a
  programme needs: dates, kind, held or not, attendance and counts (DESIGN.md, "Confidentiality").
- Reflections (``visible_reflections``): the author's own; the group's mentor (the supervisor of a mentor circle)
  reads all of them; other members read one only when its author shared it with the group. A peer group has no
  mentor, so there a reflection is its author's until they share it.
- The group's leaders (``GroupAccess.leads``) log sessions (``can_log``), once a session has started and unless
  it was cancelled; they and an action item's owner mark it done (``can_mark_done``).
- Members write a reflection on a session that has started, was not cancelled and was not logged as not held.

The changing functions check these rules again themselves, and refuse changes in a closed programme.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from groups.access import GroupAccess
from groups.models import (
    ActionItem,
    Attendance,
    AttendanceMark,
    GroupMembership,
    GroupRole,
    Meeting,
    MeetingStatus,
    MentoringGroup,
    Reflection,
)
from groups.services.forming import ProgrammeClosed
from groups.services.kinds import pass_facilitation
from outbox.models import OutgoingEmail
from outbox.services import queue_email
from programmes.models import Programme, ProgrammeStatus

BRIEFING_EMAIL = "groups.session_briefing"
MISSED = (AttendanceMark.EXCUSED, AttendanceMark.ABSENT)
# The group's own words about a session, which pages that show only facts never load.
NOTES_FIELDS = ("agenda", "summary", "topics", "briefing")


class SessionLogError(Exception):
    """Base of the reasons a session cannot be logged or reflected on now; the page words its own message."""


class NotStarted(SessionLogError):
    """The session has not started yet."""


class SessionCancelled(SessionLogError):
    """The session was cancelled."""


class NotHeld(SessionLogError):
    """The session was logged as not held: there is nothing to reflect on."""


class ActionItemDone(SessionLogError):
    """A done action item is part of the group's history and stays."""


class NotAllowed(PermissionDenied):
    """The person may see the session but not make this change (a view answers 403)."""


# Who is who


def is_member(access: GroupAccess) -> bool:
    """A current member of the group, whatever their role (a coordinator may be one too)."""
    return access.group_role is not None


def can_see_notes(access: GroupAccess) -> bool:
    """The agenda, summary, topics, briefing, action items and reflections are for the group's members only: a
    coordinator who is not a member sees the facts and never these."""
    return is_member(access)


def can_log(access: GroupAccess) -> bool:
    """The group's leaders log its sessions: the mentors of a mentor-led group, every member of a peer group, the
    supervisor of a mentor circle."""
    return access.leads


def reads_all_reflections(access: GroupAccess) -> bool:
    """Who reads every reflection, shared or not: the mentor of a mentor-led group, the supervisor of a mentor
    circle. A peer group has no mentor: there, nobody reads another member's reflection unless it is shared."""
    group = access.group
    if group.is_circle:
        return access.group_role == GroupRole.SUPERVISOR
    if group.is_peer:
        return False
    return access.group_role == GroupRole.MENTOR


def can_mark_done(access: GroupAccess, item: ActionItem, user: User) -> bool:
    """An action item's owner and the group's leaders mark it done (or not done after all)."""
    return can_see_notes(access) and (item.owner_id == user.pk or access.leads)


# What state a session is in


def has_started(meeting: Meeting, *, now: datetime.datetime | None = None) -> bool:
    return meeting.starts_at <= (now or timezone.now())


def check_loggable(meeting: Meeting, *, now: datetime.datetime | None = None) -> None:
    """Raises the reason a session cannot be logged now: it was cancelled, or it has not started yet."""
    if meeting.is_cancelled:
        raise SessionCancelled
    if not has_started(meeting, now=now):
        raise NotStarted


def check_reflectable(meeting: Meeting, *, now: datetime.datetime | None = None) -> None:
    """Raises the reason nobody can reflect on a session now: cancelled, not started yet, or not held."""
    check_loggable(meeting, now=now)
    if meeting.held is False:
        raise NotHeld


def _passes(check, meeting: Meeting, now: datetime.datetime | None) -> bool:
    try:
        check(meeting, now=now)
    except SessionLogError:
        return False
    return True


def may_log(access: GroupAccess, meeting: Meeting, *, now: datetime.datetime | None = None) -> bool:
    """Whether the page offers this person to log the session (or change its log) now."""
    return can_log(access) and not access.group.programme.is_archived and _passes(check_loggable, meeting, now)


def may_reflect(access: GroupAccess, meeting: Meeting, *, now: datetime.datetime | None = None) -> bool:
    """Whether the page offers this person to write (or change) their reflection on the session now."""
    return is_member(access) and not access.group.programme.is_archived and _passes(check_reflectable, meeting, now)


# Seeing sessions


def visible_meetings(access: GroupAccess, user: User) -> QuerySet[Meeting]:
    """The group's sessions this person sees: all of them, except one-to-one check-ins with someone else (which
    only the group's leaders and the programme's coordinators see besides the member they are with)."""
    meetings = Meeting.objects.filter(group=access.group)
    if not (access.leads or access.is_coordinator):
        meetings = meetings.filter(Q(with_member__isnull=True) | Q(with_member_id=user.pk))
    return meetings


def _with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Each session with ``excused_count`` and ``absent_count`` besides the counts it keeps (``marks_count`` and
    ``present_count``)."""
    excused = Count("attendance", filter=Q(attendance__status=AttendanceMark.EXCUSED))
    return meetings.annotate(excused_count=excused, absent_count=F("marks_count") - F("present_count") - excused)


@dataclass
class SessionList:
    upcoming: list[Meeting] = field(default_factory=list)  # not started yet, the soonest first
    past: list[Meeting] = field(default_factory=list)  # started, the most recent first


def sessions_for(access: GroupAccess, user: User, *, now: datetime.datetime | None = None) -> SessionList:
    """The group's sessions for its sessions page, with attendance counts and, on each session, ``has_started``
    and ``can_be_logged`` (for this reader). No notes are loaded. One query, however many sessions."""
    now = now or timezone.now()
    meetings = (
        _with_counts(visible_meetings(access, user))
        .select_related("with_member")
        .defer(*NOTES_FIELDS)
        .order_by("starts_at", "pk")
    )
    sessions = SessionList()
    for meeting in meetings:
        meeting.has_started = has_started(meeting, now=now)
        meeting.can_be_logged = may_log(access, meeting, now=now)
        meeting.recorded_count = meeting.marks_count
        (sessions.past if meeting.has_started else sessions.upcoming).append(meeting)
    sessions.past.reverse()
    return sessions


def next_session(access: GroupAccess, user: User, *, now: datetime.datetime | None = None) -> Meeting | None:
    """The next scheduled session this person sees (one in progress counts), without its notes. One query."""
    now = now or timezone.now()
    candidates = (
        visible_meetings(access, user)
        .filter(status=MeetingStatus.SCHEDULED, starts_at__gt=now - datetime.timedelta(hours=8))
        .select_related("with_member")
        .defer(*NOTES_FIELDS)
        .order_by("starts_at", "pk")
    )
    return next((meeting for meeting in candidates[:20] if meeting.ends_at > now), None)


def summary_section(access: GroupAccess, user: User) -> dict:
    """The sessions' part of the group's page: the next session, and whether its place and link are shown (to
    members only). One query."""
    return {"next": next_session(access, user), "notes": can_see_notes(access)}


def attendance_of(meeting: Meeting) -> list[Attendance]:
    """The attendance recorded for a session, by name. A fact: coordinators see it too."""
    return list(meeting.attendance.select_related("user").order_by("user__display_name", "user_id"))


def visible_reflections(access: GroupAccess, meeting: Meeting, user: User) -> QuerySet[Reflection]:
    """The reflections on the session this person may read: their own, the shared ones, and all of them for the
    group's mentor (``reads_all_reflections``). None for a coordinator who is not a member."""
    if not can_see_notes(access):
        return Reflection.objects.none()
    reflections = Reflection.objects.filter(meeting=meeting)
    if reads_all_reflections(access):
        return reflections
    return reflections.filter(Q(author_id=user.pk) | Q(shared_with_group=True))


@dataclass
class Notes:
    """The group's own part of a session's page: for members only."""

    agenda: str
    summary: str
    topics: str
    briefing: str
    action_items: list[ActionItem]
    reflections: list[Reflection]
    my_reflection: Reflection | None
    reads_all_reflections: bool


@dataclass
class SessionPage:
    meeting: Meeting
    attendance: list[Attendance]
    counts: dict[str, int]
    notes: Notes | None  # None for a coordinator who is not a member
    has_started: bool
    can_log: bool
    can_reflect: bool


def session_page(
    access: GroupAccess, meeting: Meeting, user: User, *, now: datetime.datetime | None = None
) -> SessionPage:
    """One session as this person may see it: the facts and attendance for everyone; the notes, action items and
    readable reflections for members. A fixed number of queries, however many members, items and reflections."""
    attendance = attendance_of(meeting)
    counts = dict.fromkeys(AttendanceMark.values, 0)
    for mark in attendance:
        counts[mark.status] += 1
    notes = None
    if can_see_notes(access):
        items = list(meeting.action_items.select_related("owner").order_by("due_on", "pk"))
        for item in items:
            item.can_mark_done = not access.group.programme.is_archived and can_mark_done(access, item, user)
        reflections = list(
            visible_reflections(access, meeting, user)
            .select_related("author")
            .order_by("author__display_name", "author_id")
        )
        notes = Notes(
            agenda=meeting.agenda,
            summary=meeting.summary,
            topics=meeting.topics,
            briefing=meeting.briefing,
            action_items=items,
            reflections=reflections,
            my_reflection=next((r for r in reflections if r.author_id == user.pk), None),
            reads_all_reflections=reads_all_reflections(access),
        )
    return SessionPage(
        meeting=meeting,
        attendance=attendance,
        counts=counts,
        notes=notes,
        has_started=has_started(meeting, now=now),
        can_log=may_log(access, meeting, now=now),
        can_reflect=may_reflect(access, meeting, now=now),
    )


def reflection_of(meeting: Meeting, user: User) -> Reflection | None:
    return Reflection.objects.filter(meeting=meeting, author=user).first()


def action_item_for(access: GroupAccess, item_pk: int, user: User) -> ActionItem:
    """The door to one action item: 404 unless it belongs to a session of this group that the person sees and the
    person may read the group's notes."""
    if not can_see_notes(access):
        raise Http404("No such action item.")
    item = (
        ActionItem.objects.filter(pk=item_pk, meeting__in=visible_meetings(access, user))
        .select_related("meeting")
        .first()
    )
    if item is None:
        raise Http404("No such action item.")
    return item


# Logging a session


def current_members(group_id: int) -> list[GroupMembership]:
    """The group's current memberships with their people, for ``log_people`` and ``item_owners``. One query."""
    return list(GroupMembership.objects.current().filter(group_id=group_id).select_related("user").order_by())


def log_people(meeting: Meeting, members: list[GroupMembership] | None = None) -> list[User]:
    """Whose attendance the log records: the group's current members (``members``, else read), or for a check-in
    the member it is with (while they are in the group). Leaders first, then by name."""
    members = current_members(meeting.group_id) if members is None else members
    if meeting.with_member_id:
        members = [membership for membership in members if membership.user_id == meeting.with_member_id]
    order = {GroupRole.SUPERVISOR: 0, GroupRole.MENTOR: 1, GroupRole.MENTEE: 2}
    ordered = sorted(members, key=lambda m: (order.get(m.role, 3), m.user.display_name.casefold(), m.user_id))
    return [membership.user for membership in ordered]


def item_owners(group: MentoringGroup, members: list[GroupMembership] | None = None) -> list[User]:
    """Who may own an action item: the group's current members (``members``, else read), by name."""
    members = current_members(group.pk) if members is None else members
    return [
        membership.user for membership in sorted(members, key=lambda m: (m.user.display_name.casefold(), m.user_id))
    ]


@dataclass(frozen=True)
class ItemChange:
    """One row of the log's action items: a new one (``pk`` None), a change to one, or its removal."""

    pk: int | None
    text: str = ""
    owner_id: int | None = None
    due_on: datetime.date | None = None
    delete: bool = False


@dataclass(frozen=True)
class LogResult:
    meeting: Meeting
    briefings_queued: int


def _refuse_if_closed(group: MentoringGroup) -> None:
    status = Programme.objects.filter(pk=group.programme_id).values_list("status", flat=True).first()
    if status == ProgrammeStatus.CLOSED:
        raise ProgrammeClosed


def _locked(access: GroupAccess, meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk, group=access.group)


@transaction.atomic
def log_session(
    *,
    access: GroupAccess,
    meeting: Meeting,
    user: User,
    held: bool,
    summary: str = "",
    topics: str = "",
    briefing: str = "",
    attendance: dict[int, str] | None = None,
    items: Sequence[ItemChange] = (),
    now: datetime.datetime | None = None,
) -> LogResult:
    """Writes (or rewrites) the log of a session, all or nothing: whether it was held, the attendance marks of
    the people in ``attendance`` (user id → mark; a mark recorded earlier is replaced, a person not given keeps
    theirs), the summary, topics and briefing, and the action items (new ones added, existing ones changed, open
    ones removed when asked). Sets ``logged_at`` and ``logged_by``.

    A session logged as not held keeps only its summary (why it was not held): its attendance marks are removed,
    topics and briefing are emptied, and the action items are left as they are.

    When a briefing is written, each member marked absent (with or without notice) is emailed it once: the
    outbox key holds the session and the person, so saving the log again sends nobody a second email; someone
    marked absent only on a later save gets theirs then."""
    if not can_log(access):
        raise NotAllowed
    _refuse_if_closed(access.group)
    now = now or timezone.now()
    locked = _locked(access, meeting)
    check_loggable(locked, now=now)
    if held:
        _record_attendance(locked, attendance or {})
        _save_items(locked, items, now=now)
    else:
        locked.attendance.all().delete()
        topics = briefing = ""
    locked.recount_attendance()
    first_log = locked.logged_at is None
    locked.held = held
    locked.summary = summary
    locked.topics = topics
    locked.briefing = briefing
    locked.logged_at = now
    locked.logged_by = user
    locked.save(update_fields=["held", "summary", "topics", "briefing", "logged_at", "logged_by"])
    queued = _queue_briefings(locked, logged_by=user) if held and briefing else 0
    if first_log and held and access.group.is_peer:  # the next member of the rota facilitates next time
        pass_facilitation(group=access.group)
    return LogResult(meeting=locked, briefings_queued=queued)


def _record_attendance(meeting: Meeting, marks: dict[int, str]) -> None:
    allowed = {person.pk for person in log_people(meeting)}
    if set(marks) - allowed:
        raise ValueError(f"Not among the session's people: {sorted(set(marks) - allowed)}.")
    if set(marks.values()) - set(AttendanceMark.values):
        raise ValueError(f"Unknown attendance marks: {sorted(set(marks.values()) - set(AttendanceMark.values))}.")
    recorded = {mark.user_id: mark for mark in meeting.attendance.filter(user_id__in=marks)}
    changed = []
    for user_id, status in marks.items():
        mark = recorded.get(user_id)
        if mark is not None and mark.status != status:
            mark.status = status
            changed.append(mark)
    Attendance.objects.bulk_update(changed, ["status"])
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, user_id=user_id, status=status)
            for user_id, status in marks.items()
            if user_id not in recorded
        ]
    )


def _save_items(meeting: Meeting, changes: Iterable[ItemChange], *, now: datetime.datetime) -> None:
    existing = {item.pk: item for item in meeting.action_items.all()}
    owners = {person.pk for person in item_owners(meeting.group)} | {
        item.owner_id for item in existing.values() if item.owner_id
    }
    for change in changes:
        if change.pk is not None and change.pk not in existing:
            raise ValueError(f"Action item {change.pk} is not one of this session's.")
        if change.owner_id is not None and change.owner_id not in owners:
            raise ValueError(f"User {change.owner_id} cannot own an action item of this group.")
        item = existing.get(change.pk)
        if change.delete:
            if item is None:
                continue
            if item.done_at is not None:
                raise ActionItemDone
            item.delete()
            continue
        if not change.text:
            continue
        if item is None:
            ActionItem.objects.create(
                meeting=meeting, text=change.text, owner_id=change.owner_id, due_on=change.due_on, created_at=now
            )
        elif (item.text, item.owner_id, item.due_on) != (change.text, change.owner_id, change.due_on):
            item.text, item.owner_id, item.due_on = change.text, change.owner_id, change.due_on
            item.save(update_fields=["text", "owner", "due_on"])


def briefing_key(meeting: Meeting, user: User) -> str:
    return f"{BRIEFING_EMAIL}:{meeting.pk}:{user.pk}"


def _queue_briefings(meeting: Meeting, *, logged_by: User) -> int:
    """Queues the briefing for each current member marked absent who has not been sent it (or queued it) yet.
    Returns how many were queued now."""
    members = GroupMembership.objects.current().filter(group_id=meeting.group_id).values("user_id")
    missed = (
        meeting.attendance.filter(status__in=MISSED, user_id__in=members)
        .exclude(user_id=logged_by.pk)
        .filter(user__is_active=True, user__anonymised_at__isnull=True)
        .select_related("user")
    )
    people = {briefing_key(meeting, mark.user): mark.user for mark in missed if mark.user.email}
    known = set(OutgoingEmail.objects.filter(key__in=people).values_list("key", flat=True))
    queued = 0
    for key, person in people.items():
        if key not in known:
            queue_email(
                kind=BRIEFING_EMAIL,
                obj=meeting,
                to=person.email,
                key=key,
                recipient=person,
                programme_id=meeting.group.programme_id,
            )
            queued += 1
    return queued


def briefing_to_send(meeting_pk: int, user: User | None) -> Meeting | None:
    """The session whose briefing this person should still get at send time, or None: the session is gone,
    cancelled, not held or in a closed programme; the briefing was emptied; the person left the group, was
    erased, or is now marked present."""
    if user is None or user.anonymised_at or not user.is_active:
        return None
    meeting = Meeting.objects.select_related("group__programme", "logged_by").filter(pk=meeting_pk).first()
    if (
        meeting is None
        or meeting.is_cancelled
        or not meeting.held
        or not meeting.briefing.strip()
        or meeting.group.programme.is_archived
    ):
        return None
    if not GroupMembership.objects.current().filter(group_id=meeting.group_id, user=user).exists():
        return None
    mark = meeting.attendance.filter(user=user).values_list("status", flat=True).first()
    return meeting if mark in MISSED else None


# Reflections


@transaction.atomic
def save_reflection(
    *,
    access: GroupAccess,
    meeting: Meeting,
    user: User,
    text: str,
    shared_with_group: bool,
    now: datetime.datetime | None = None,
) -> Reflection:
    """Writes the member's reflection on a session, or changes the one they wrote (one per person and session)."""
    if not is_member(access):
        raise NotAllowed
    _refuse_if_closed(access.group)
    now = now or timezone.now()
    locked = _locked(access, meeting)
    check_reflectable(locked, now=now)
    reflection = Reflection.objects.select_for_update().filter(meeting=locked, author=user).first()
    if reflection is None:
        return Reflection.objects.create(
            meeting=locked,
            author=user,
            text=text,
            shared_with_group=shared_with_group,
            created_at=now,
            updated_at=now,
        )
    reflection.text = text
    reflection.shared_with_group = shared_with_group
    reflection.updated_at = now
    reflection.save(update_fields=["text", "shared_with_group", "updated_at"])
    return reflection


# Action items


@transaction.atomic
def set_action_item_done(
    *, access: GroupAccess, item: ActionItem, user: User, done: bool, now: datetime.datetime | None = None
) -> bool:
    """Marks an action item done (or not done after all). Returns whether anything changed: marking a done item
    done again keeps its first time."""
    if not can_mark_done(access, item, user):
        raise NotAllowed
    _refuse_if_closed(access.group)
    items = ActionItem.objects.filter(pk=item.pk)
    if done:
        changed = items.filter(done_at__isnull=True).update(done_at=now or timezone.now())
    else:
        changed = items.filter(done_at__isnull=False).update(done_at=None)
    return bool(changed)
