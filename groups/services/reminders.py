"""Reminders by email: before a session, to a leader who has not logged a session a day after it, and when an
action item comes due. ``queue_due_reminders`` is the sweeper, run every few minutes from beat
(``groups.tasks.send_due_reminders``).

Every reminder is a row of the outbox with a unique key naming what, who and which kind, so two beats, a retried
task or a worker dying mid-batch never send one twice; the outbox claims each row before sending and retries a
failed send with backoff. Nothing waits on the broker for hours: the sweeper queues a reminder only once it is due.

- Session reminders: the programme's ``reminder_hours`` (e.g. 24 and 2). For a scheduled session that has not
  started, only the smallest offset that has been reached is queued, so a session scheduled three hours ahead gets
  the 2-hour reminder and not a late 24-hour one. A rescheduled session gets new reminders (its start is in the key).
- Log nudges: to the group's leaders (``GroupAccess.leads``) when a session ended more than a day ago (and less
  than ``NUDGE_UNTIL`` ago), was not cancelled and is not logged.
- Action items: to the owner of an open item due today or in the next ``ITEM_DAYS`` days, where the programme runs.

Each person turns each kind on or off (``User.remind_*``), on their profile or from the link in the email
(``unsubscribe_token``). The renderers (``groups.emails_reminders``) check again at send time.

Queries do not grow with the number of sessions or items: each kind takes a fixed number of queries, and the
reminders are written to the outbox a thousand rows per insert and delivered in batches (``outbox.services``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import ActionItem, GroupMembership, Meeting, MeetingKind, MeetingStatus
from outbox.models import OutgoingEmail
from outbox.services import NewEmail, queue_emails
from programmes.models import ProgrammeStatus
from programmes.models.core import REMINDER_HOURS_MAX

SESSION_REMINDER = "groups.session_reminder"
LOG_NUDGE = "groups.log_nudge"
ACTION_ITEM_DUE = "groups.action_item_due"

# The reminder kinds a person can turn off, and the preference each one follows.
PREFERENCES = {
    SESSION_REMINDER: "remind_sessions",
    LOG_NUDGE: "remind_logging",
    ACTION_ITEM_DUE: "remind_action_items",
}

NUDGE_AFTER = datetime.timedelta(hours=24)
NUDGE_UNTIL = datetime.timedelta(days=14)
ITEM_DAYS = 2  # an open item is reminded when due today or in the next two days
LONGEST_SESSION = datetime.timedelta(minutes=480)
UNSUBSCRIBE_SALT = "groups.reminders.unsubscribe"


# Keys ------------------------------------------------------------------------------------------------------------


def session_reminder_key(hours: int, meeting: Meeting, user_pk: int) -> str:
    return f"{SESSION_REMINDER}:{hours}:{meeting.pk}:{int(meeting.starts_at.timestamp())}:{user_pk}"


def log_nudge_key(meeting: Meeting, user_pk: int) -> str:
    return f"{LOG_NUDGE}:{meeting.pk}:{user_pk}"


def action_item_key(item: ActionItem) -> str:
    return f"{ACTION_ITEM_DUE}:{item.pk}:{item.due_on.isoformat()}"


def parse_session_key(key: str) -> tuple[int, int]:
    """The offset in hours and the session's start (a Unix timestamp) named in a session reminder's key."""
    _kind, hours, _meeting, starts, _user = key.split(":")
    return int(hours), int(starts)


# Who gets what ---------------------------------------------------------------------------------------------------


def wants(user: User | None, kind: str) -> bool:
    """Whether this person can and wants to get this kind of reminder."""
    return (
        user is not None
        and user.is_active
        and not user.anonymised_at
        and bool(user.email)
        and getattr(user, PREFERENCES[kind])
    )


def _memberships(group_ids: Iterable[int]) -> dict[int, list[GroupMembership]]:
    """The current memberships of these groups, with their people, by group. One query."""
    by_group: dict[int, list[GroupMembership]] = defaultdict(list)
    for membership in (
        GroupMembership.objects.current()
        .filter(group_id__in=set(group_ids))
        .select_related("user")
        .order_by("group_id", "user_id")
    ):
        by_group[membership.group_id].append(membership)
    return by_group


def _session_people(meeting: Meeting, memberships: list[GroupMembership]) -> list[User]:
    """As ``scheduling.participants``, from memberships already loaded."""
    people = [membership.user for membership in memberships]
    if meeting.kind == MeetingKind.CHECK_IN:
        people = [user for user in people if user.pk in (meeting.with_member_id, meeting.created_by_id)]
    return people


def reminder_offset(meeting: Meeting, now: datetime.datetime) -> int | None:
    """The reminder due now for a session still to come: the smallest offset (in hours) already reached, or None."""
    if meeting.starts_at <= now:
        return None
    left = meeting.starts_at - now
    for hours in meeting.group.programme.reminder_offsets:
        if left <= datetime.timedelta(hours=hours):
            return hours
    return None


def _live_meetings():
    scheduled = Meeting.objects.filter(status=MeetingStatus.SCHEDULED)
    return scheduled.exclude(group__programme__status=ProgrammeStatus.CLOSED)


def due_session_reminders(now: datetime.datetime) -> dict[str, tuple[Meeting, User]]:
    """Session reminders due now, by key. Two queries."""
    meetings = list(
        _live_meetings()
        .filter(starts_at__gt=now, starts_at__lte=now + datetime.timedelta(hours=REMINDER_HOURS_MAX))
        .select_related("group__programme")
    )
    due = [(meeting, hours) for meeting in meetings if (hours := reminder_offset(meeting, now)) is not None]
    if not due:
        return {}
    members = _memberships(meeting.group_id for meeting, _ in due)
    reminders = {}
    for meeting, hours in due:
        for user in _session_people(meeting, members[meeting.group_id]):
            if wants(user, SESSION_REMINDER):
                reminders[session_reminder_key(hours, meeting, user.pk)] = (meeting, user)
    return reminders


def due_log_nudges(now: datetime.datetime) -> dict[str, tuple[Meeting, User]]:
    """Log nudges due now, by key. Two queries."""
    meetings = [
        meeting
        for meeting in _live_meetings()
        .filter(
            logged_at__isnull=True,
            starts_at__lte=now - NUDGE_AFTER,
            starts_at__gt=now - NUDGE_UNTIL - LONGEST_SESSION,
        )
        .select_related("group__programme")
        if now - NUDGE_UNTIL < meeting.ends_at <= now - NUDGE_AFTER
    ]
    if not meetings:
        return {}
    members = _memberships(meeting.group_id for meeting in meetings)
    nudges = {}
    for meeting in meetings:
        for membership in members[meeting.group_id]:
            if meeting.group.led_by(membership.role) and wants(membership.user, LOG_NUDGE):
                nudges[log_nudge_key(meeting, membership.user_id)] = (meeting, membership.user)
    return nudges


def item_is_due(item: ActionItem, now: datetime.datetime) -> bool:
    """An item due today or in the next ``ITEM_DAYS`` days, where its programme runs."""
    today = item.meeting.group.programme.today(now)
    return item.due_on is not None and today <= item.due_on <= today + datetime.timedelta(days=ITEM_DAYS)


def due_action_items(now: datetime.datetime) -> dict[str, tuple[ActionItem, User]]:
    """Action item reminders due now, by key. Two queries."""
    utc_today = now.astimezone(datetime.UTC).date()
    items = [
        item
        for item in ActionItem.objects.filter(
            done_at__isnull=True,
            owner__isnull=False,
            # Wide enough for every zone on Earth; ``item_is_due`` then takes the programme's day.
            due_on__gte=utc_today - datetime.timedelta(days=1),
            due_on__lte=utc_today + datetime.timedelta(days=ITEM_DAYS + 1),
            meeting__status=MeetingStatus.SCHEDULED,
        )
        .exclude(meeting__group__programme__status=ProgrammeStatus.CLOSED)
        .select_related("owner", "meeting__group__programme")
        if item_is_due(item, now) and wants(item.owner, ACTION_ITEM_DUE)
    ]
    if not items:
        return {}
    current = set(
        GroupMembership.objects.current()
        .filter(group_id__in={item.meeting.group_id for item in items})
        .values_list("group_id", "user_id")
    )
    return {
        action_item_key(item): (item, item.owner) for item in items if (item.meeting.group_id, item.owner_id) in current
    }


def queue_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queues every reminder that is due and not queued before. Safe to run twice at once: the outbox key is
    unique and ``queue_emails`` leaves a key already there alone. Returns how many reminders were queued now."""
    now = now or timezone.now()
    due: dict[str, tuple[str, object, User, int]] = {}
    for kind, found in (
        (SESSION_REMINDER, due_session_reminders(now)),
        (LOG_NUDGE, due_log_nudges(now)),
        (ACTION_ITEM_DUE, due_action_items(now)),
    ):
        for key, (obj, user) in found.items():
            meeting = obj.meeting if isinstance(obj, ActionItem) else obj  # loaded with its group by the finders
            due[key] = (kind, obj, user, meeting.group.programme_id)
    if not due:
        return 0
    known = set(OutgoingEmail.objects.filter(key__in=due).values_list("key", flat=True))
    missing = [
        NewEmail(kind=kind, obj=obj, to=user.email, key=key, recipient=user, programme_id=programme_id)
        for key, (kind, obj, user, programme_id) in due.items()
        if key not in known
    ]
    if not missing:
        return 0
    with transaction.atomic():
        return queue_emails(missing)


# Checks at send time ---------------------------------------------------------------------------------------------


def is_current_member(group_id: int, user: User) -> bool:
    return GroupMembership.objects.current().filter(group_id=group_id, user=user).exists()


def _sessions_to_remind():
    return Meeting.objects.select_related("group__programme", "with_member", "created_by")


def preload_sessions(emails: list[OutgoingEmail]) -> None:
    """For a batch of session reminders: their sessions and whether each person is still in the group, in two
    queries for the whole batch (``session_to_remind`` otherwise takes two per email)."""
    meetings = _sessions_to_remind().in_bulk({email.object_id for email in emails})
    members = set(
        GroupMembership.objects.current()
        .filter(
            group_id__in={meeting.group_id for meeting in meetings.values()},
            user_id__in={email.recipient_id for email in emails},
        )
        .values_list("group_id", "user_id")
    )
    for email in emails:
        meeting = meetings.get(email.object_id)
        email.preloaded = (meeting, meeting is not None and (meeting.group_id, email.recipient_id) in members)


def session_to_remind(email: OutgoingEmail) -> Meeting | None:
    """The session of a reminder that still applies at send time: not cancelled, not moved since it was queued, not
    started, the person still takes part and still wants it."""
    person = email.recipient
    if not wants(person, SESSION_REMINDER):
        return None
    _hours, starts = parse_session_key(email.key)
    preloaded = getattr(email, "preloaded", None)
    meeting = preloaded[0] if preloaded else _sessions_to_remind().filter(pk=email.object_id).first()
    if (
        meeting is None
        or meeting.status != MeetingStatus.SCHEDULED
        or meeting.group.programme.is_archived
        or int(meeting.starts_at.timestamp()) != starts
        or meeting.starts_at <= timezone.now()
    ):
        return None
    if meeting.kind == MeetingKind.CHECK_IN and person.pk not in (meeting.with_member_id, meeting.created_by_id):
        return None
    member = preloaded[1] if preloaded else is_current_member(meeting.group_id, person)
    return meeting if member else None


def session_to_log(email: OutgoingEmail) -> Meeting | None:
    """The session a leader is nudged to log, if it still needs it: not cancelled, not logged, the person still
    leads the group and still wants the nudge."""
    person = email.recipient
    if not wants(person, LOG_NUDGE):
        return None
    meeting = Meeting.objects.select_related("group__programme").filter(pk=email.object_id).first()
    if (
        meeting is None
        or meeting.status != MeetingStatus.SCHEDULED
        or meeting.is_logged
        or meeting.group.programme.is_archived
    ):
        return None
    role = (
        GroupMembership.objects.current()
        .filter(group_id=meeting.group_id, user=person)
        .values_list("role", flat=True)
        .first()
    )
    return meeting if meeting.group.led_by(role) else None


def item_to_remind(email: OutgoingEmail) -> ActionItem | None:
    """The action item, if it is still open, still the person's, still due on the date in the key, and the person
    is still in the group and wants the reminder."""
    person = email.recipient
    if not wants(person, ACTION_ITEM_DUE):
        return None
    item = ActionItem.objects.select_related("meeting__group__programme").filter(pk=email.object_id).first()
    if (
        item is None
        or item.done_at is not None
        or item.owner_id != person.pk
        or item.due_on is None
        or action_item_key(item) != email.key
        or item.meeting.is_cancelled
        or item.meeting.group.programme.is_archived
    ):
        return None
    return item if is_current_member(item.meeting.group_id, person) else None


# Turning reminders off -------------------------------------------------------------------------------------------


def unsubscribe_token(user: User, kind: str) -> str:
    """The credential in a reminder's "stop these reminders" link: signed, so it cannot be forged or changed to
    another person or kind. It does not expire: an old email's link still works."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and the kind of reminder a token names, or None when it is forged, broken or no longer anyone's."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in PREFERENCES or not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True, anonymised_at__isnull=True).first()
    return (user, data["k"]) if user is not None else None


def turn_off(user: User, kind: str) -> None:
    field = PREFERENCES[kind]
    User.objects.filter(pk=user.pk).update(**{field: False})
    setattr(user, field, False)
