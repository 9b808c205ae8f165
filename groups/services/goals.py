"""Goals: who sees and changes which goal, the changes themselves, the coordinator's counts, and the review of
goals at the programme's mid-point.

Every rule of who may see a goal is in ``visible_goals`` (and ``goal_for``, the door to one goal, built on it);
who may change one is in ``can_create``, ``can_edit`` and ``can_post_update``, which the changing functions
check again themselves. Views and templates ask these functions and never decide on their own.

- A common goal (no owner) is the whole group's: every current member sees it and may post progress on it; the
  group's leaders create and edit it (``leads_group``).
- An individual goal is a mentee's: they and the group's mentors see it, and the whole group if they share it.
  Only the owner edits it and changes its sharing; the owner and the mentors post progress on it.
- Coordinators see none of this text: ``programme_goal_counts`` gives them numbers only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from groups.access import GroupAccess
from groups.models import Goal, GoalStatus, GoalUpdate, GroupKind, GroupMembership, GroupRole, MentoringGroup
from groups.services.forming import ProgrammeClosed
from outbox.models import OutgoingEmail
from outbox.services import queue_email
from programmes.models import Programme, ProgrammeStatus

GOAL_REVIEW_EMAIL = "groups.goal_review"
REVIEW_PROMPT_DAYS = 21  # the prompt shows on the pages for three weeks from the mid-point
REVIEW_EMAIL_DAYS = 7  # the email goes out on the mid-point, or up to a week later if the sweeper was away
RECENT_DAYS = 30  # the coordinator's count of recent progress updates
# Who reviews their goals at the mid-point: mentees and mentors of mentor-led and peer groups (a mentor circle
# is the mentors' own supervision, not a group with goals of its mentees).
REVIEW_KINDS = (GroupKind.MENTOR_LED, GroupKind.PEER)
REVIEW_ROLES = (GroupRole.MENTOR, GroupRole.MENTEE)


class NotAllowed(PermissionDenied):
    """The person may see the goal but not make this change (a view answers 403)."""


# Who is who in the group


def is_groups_mentor(access: GroupAccess) -> bool:
    """The person mentors this group (in a mentor circle, the mentors are its members, not its mentors)."""
    return access.group_role == GroupRole.MENTOR and not access.group.is_circle


def leads_group(access: GroupAccess) -> bool:
    """The group's leaders, who create and edit its common goals (see ``GroupAccess.leads``)."""
    return access.leads


def can_create(access: GroupAccess, *, common: bool) -> bool:
    """Common goals are added by the group's leaders; individual goals by a mentee, for themselves."""
    return leads_group(access) if common else access.group_role == GroupRole.MENTEE


def can_edit(access: GroupAccess, user: User, goal: Goal) -> bool:
    """The leaders edit a common goal; only its owner edits an individual goal (their mentor may not)."""
    return leads_group(access) if goal.is_common else goal.owner_id == user.pk


def can_post_update(access: GroupAccess, user: User, goal: Goal) -> bool:
    """Every member posts progress on a common goal; the owner and the group's mentors on an individual goal."""
    if goal.is_common:
        return access.group_role is not None
    return goal.owner_id == user.pk or is_groups_mentor(access)


# Seeing goals


def visible_goals(access: GroupAccess, user: User) -> QuerySet[Goal]:
    """The group's goals this person may read. Coordinators who are not members read none."""
    if access.group_role is None:
        return Goal.objects.none()
    goals = Goal.objects.filter(group=access.group)
    if is_groups_mentor(access):
        return goals
    return goals.filter(Q(owner__isnull=True) | Q(owner_id=user.pk) | Q(shared_with_group=True))


def goal_for(access: GroupAccess, user: User, goal_pk: int) -> Goal:
    """The door to one goal: 404 for a goal of another group or one this person may not see."""
    goal = visible_goals(access, user).select_related("owner", "created_by").filter(pk=goal_pk).first()
    if goal is None:
        raise Http404("No such goal.")
    return goal


def history(goal: Goal) -> list[GoalUpdate]:
    """The goal's progress updates, the newest first."""
    return list(goal.updates.select_related("author").order_by("-created_at", "-pk"))


@dataclass
class GoalBoard:
    """The goals one member sees on the group's goals page, in the sections the page shows."""

    common: list[Goal] = field(default_factory=list)
    mine: list[Goal] = field(default_factory=list)
    # For the group's mentor: every current mentee, with their goals (an empty list when they have none yet).
    by_mentee: list[tuple[User, list[Goal]]] = field(default_factory=list)
    # Goals other members shared with the group (for the mentor, goals of people no longer in the group).
    others: list[Goal] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.common or self.mine or self.others or any(goals for _, goals in self.by_mentee))


def goal_board(access: GroupAccess, user: User) -> GoalBoard:
    """The goals page: each visible goal with its latest update (``goal.latest_update``, or None), sorted into
    sections. A fixed number of queries, however many goals and updates."""
    latest = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")[:1]
    goals = list(
        visible_goals(access, user)
        .select_related("owner")
        .annotate(latest_update_id=Subquery(latest))
        .order_by("created_at", "pk")
    )
    update_ids = [goal.latest_update_id for goal in goals if goal.latest_update_id]
    updates = (
        {update.pk: update for update in GoalUpdate.objects.filter(pk__in=update_ids).select_related("author")}
        if update_ids
        else {}
    )
    board = GoalBoard()
    for goal in goals:
        goal.latest_update = updates.get(goal.latest_update_id)
    board.common = [goal for goal in goals if goal.is_common]
    individual = [goal for goal in goals if not goal.is_common]
    if is_groups_mentor(access):
        mentees = [
            membership.user
            for membership in access.group.memberships.current()
            .filter(role=GroupRole.MENTEE)
            .select_related("user")
            .order_by("user__display_name", "user_id")
        ]
        ids = {mentee.pk for mentee in mentees}
        board.by_mentee = [(mentee, [goal for goal in individual if goal.owner_id == mentee.pk]) for mentee in mentees]
        board.others = [goal for goal in individual if goal.owner_id not in ids]
    else:
        board.mine = [goal for goal in individual if goal.owner_id == user.pk]
        board.others = [goal for goal in individual if goal.owner_id != user.pk]
    return board


@dataclass(frozen=True)
class GoalSummary:
    """A member's view of the group's goals in numbers, for the group's page."""

    common: int
    mine: int
    others: int
    achieved: int

    @property
    def total(self) -> int:
        return self.common + self.mine + self.others


def goal_summary(access: GroupAccess, user: User) -> GoalSummary:
    """How many goals the person sees on the goals page: common, their own, and the others'. One query."""
    counts = visible_goals(access, user).aggregate(
        common=Count("pk", filter=Q(owner__isnull=True)),
        mine=Count("pk", filter=Q(owner_id=user.pk)),
        others=Count("pk", filter=Q(owner__isnull=False) & ~Q(owner_id=user.pk)),
        achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)),
    )
    return GoalSummary(**counts)


# Changing goals


def _refuse_if_closed(group: MentoringGroup) -> None:
    status = Programme.objects.filter(pk=group.programme_id).values_list("status", flat=True).first()
    if status == ProgrammeStatus.CLOSED:
        raise ProgrammeClosed


@transaction.atomic
def create_goal(
    *,
    access: GroupAccess,
    user: User,
    common: bool,
    title: str,
    description: str = "",
    target_date: datetime.date | None = None,
    status: str = GoalStatus.NOT_STARTED,
    shared_with_group: bool = False,
) -> Goal:
    """A new common goal of the group (``common=True``), or an individual goal of ``user``."""
    if not can_create(access, common=common):
        raise NotAllowed
    _refuse_if_closed(access.group)
    now = timezone.now()
    return Goal.objects.create(
        group=access.group,
        owner=None if common else user,
        title=title,
        description=description,
        target_date=target_date,
        status=status,
        shared_with_group=True if common else shared_with_group,
        created_by=user,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def edit_goal(
    *,
    access: GroupAccess,
    user: User,
    goal: Goal,
    title: str,
    description: str,
    target_date: datetime.date | None,
    shared_with_group: bool | None = None,
) -> Goal:
    """Changes a goal's words, target date and (an individual goal's owner only) its sharing. The status changes
    only through progress updates, so that the history tells how it came about."""
    if not can_edit(access, user, goal):
        raise NotAllowed
    _refuse_if_closed(access.group)
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    locked.title = title
    locked.description = description
    locked.target_date = target_date
    if not locked.is_common and shared_with_group is not None:
        locked.shared_with_group = shared_with_group
    locked.updated_at = timezone.now()
    locked.save(update_fields=["title", "description", "target_date", "shared_with_group", "updated_at"])
    return locked


@transaction.atomic
def post_update(*, access: GroupAccess, user: User, goal: Goal, status: str, note: str = "") -> GoalUpdate:
    """Records progress on a goal: the update joins the history, and the goal takes its status and time, in the
    same transaction."""
    if not can_post_update(access, user, goal):
        raise NotAllowed
    if status not in GoalStatus.values:
        raise ValueError(f"Unknown goal status {status!r}.")
    _refuse_if_closed(access.group)
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    update = GoalUpdate.objects.create(goal=locked, author=user, status=status, note=note)
    Goal.objects.filter(pk=locked.pk).update(status=status, updated_at=update.created_at)
    goal.status, goal.updated_at = status, update.created_at
    return update


# The coordinator's counts


@dataclass
class GroupGoalCounts:
    """One group's goals in numbers: common and individual goals by status, and recent progress updates."""

    group: MentoringGroup | None  # None for the programme's totals
    common: dict[str, int]
    individual: dict[str, int]
    recent_updates: int = 0

    @property
    def common_total(self) -> int:
        return sum(self.common.values())

    @property
    def individual_total(self) -> int:
        return sum(self.individual.values())

    def common_by_status(self) -> list[int]:
        return [self.common[status] for status in GoalStatus.values]

    def individual_by_status(self) -> list[int]:
        return [self.individual[status] for status in GoalStatus.values]


def _by_status() -> dict[str, int]:
    return dict.fromkeys(GoalStatus.values, 0)


def programme_goal_counts(
    programme: Programme, *, now: datetime.datetime | None = None
) -> tuple[list[GroupGoalCounts], GroupGoalCounts]:
    """Every group of the programme with its goals counted, and the programme's totals (``group`` None). Numbers
    only: no title, description or note leaves the database. Three queries, however many groups."""
    since = (now or timezone.now()) - datetime.timedelta(days=RECENT_DAYS)
    rows = {group.pk: GroupGoalCounts(group, _by_status(), _by_status()) for group in programme.groups.order_by("name")}
    total = GroupGoalCounts(None, _by_status(), _by_status())
    goal_counts = (
        Goal.objects.filter(group__programme=programme)
        .values("group_id", "status")
        .annotate(
            common=Count("pk", filter=Q(owner__isnull=True)), individual=Count("pk", filter=Q(owner__isnull=False))
        )
        .order_by()
    )
    for count in goal_counts:
        row = rows[count["group_id"]]
        for bucket in (row, total):
            bucket.common[count["status"]] += count["common"]
            bucket.individual[count["status"]] += count["individual"]
    update_counts = (
        GoalUpdate.objects.filter(goal__group__programme=programme, created_at__gte=since)
        .values("goal__group_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for count in update_counts:
        rows[count["goal__group_id"]].recent_updates = count["count"]
        total.recent_updates += count["count"]
    return list(rows.values()), total


# The review of goals at the programme's mid-point


def programme_today(programme: Programme, *, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date where the programme runs."""
    return programme.today(now)


def days_since_midpoint(programme: Programme, *, today: datetime.date | None = None) -> int:
    return ((today or programme_today(programme)) - programme.midpoint).days


def shows_review_prompt(access: GroupAccess, *, today: datetime.date | None = None) -> bool:
    """Whether the group's pages prompt this member to review their goals: a mentee or mentor of a mentor-led or
    peer group, in a running programme, from its mid-point for ``REVIEW_PROMPT_DAYS`` days."""
    group = access.group
    programme = group.programme
    return (
        access.group_role in REVIEW_ROLES
        and group.kind in REVIEW_KINDS
        and programme.status == ProgrammeStatus.RUNNING
        and 0 <= days_since_midpoint(programme, today=today) < REVIEW_PROMPT_DAYS
    )


def review_memberships(programmes) -> QuerySet[GroupMembership]:
    """The current memberships of the people asked to review their goals in these programmes."""
    return GroupMembership.objects.current().filter(
        group__programme__in=programmes,
        group__kind__in=REVIEW_KINDS,
        role__in=REVIEW_ROLES,
        user__is_active=True,
        user__anonymised_at__isnull=True,
    )


def review_groups(*, programme: Programme, user: User) -> list[GroupMembership]:
    """The person's memberships that make them review their goals in this programme (empty once they left)."""
    return list(
        review_memberships([programme]).filter(user=user).select_related("group").order_by("group__name", "group_id")
    )


def review_email_key(programme: Programme, user: User) -> str:
    return f"{GOAL_REVIEW_EMAIL}:{programme.pk}:{user.pk}"


def queue_goal_reviews(*, today: datetime.date | None = None) -> int:
    """Queues the mid-point email to every current mentee and mentor of the mentor-led and peer groups of each
    running programme whose mid-point is today or up to ``REVIEW_EMAIL_DAYS`` days ago, where the programme runs
    (``today`` overrides the date for every programme). One email per person and programme, ever: the outbox key
    is unique, so running twice queues nothing new. Returns how many emails were queued now."""
    if today is None:
        latest = timezone.now().date() + datetime.timedelta(days=1)  # the earliest and latest dates on Earth
        earliest = latest - datetime.timedelta(days=2)
    else:
        latest = earliest = today
    candidates = Programme.objects.filter(
        status=ProgrammeStatus.RUNNING,
        starts_on__lte=latest,
        ends_on__gte=earliest - datetime.timedelta(days=REVIEW_EMAIL_DAYS),
    )
    due = {
        programme.pk: programme
        for programme in candidates
        if 0 <= days_since_midpoint(programme, today=today) <= REVIEW_EMAIL_DAYS
    }
    if not due:
        return 0
    people: dict[str, tuple[Programme, User]] = {}
    for membership in review_memberships(due.values()).select_related("user", "group").order_by("user_id", "pk"):
        programme = due[membership.group.programme_id]
        people.setdefault(review_email_key(programme, membership.user), (programme, membership.user))
    sent = set(OutgoingEmail.objects.filter(key__in=people).values_list("key", flat=True))
    queued = 0
    with transaction.atomic():
        for key, (programme, user) in people.items():
            if key in sent:
                continue
            queue_email(
                kind=GOAL_REVIEW_EMAIL, obj=programme, to=user.email, key=key, recipient=user, programme_id=programme.pk
            )
            queued += 1
    return queued


def summary_section(access: GroupAccess, user: User) -> dict | None:
    """The goals' part of the group's page, for members only: a coordinator who is not a member sees nothing of
    the goals and the database is not asked."""
    if access.group_role is None:
        return None
    is_open = not access.group.programme.is_archived
    return {
        "summary": goal_summary(access, user),
        "is_mentor": is_groups_mentor(access),
        "can_add_common": is_open and can_create(access, common=True),
        "can_add_own": is_open and can_create(access, common=False),
        "review_prompt": shows_review_prompt(access),
    }
