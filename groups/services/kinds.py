"""Peer groups (no mentor; the members take turns facilitating) and mentor circles (three to five mentors with a
supervisor, who is one of the programme's coordinators or a supervisor invited to it)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower

from accounts.models import User
from groups.models import AssignmentStatus, GroupKind, GroupMembership, GroupRole, MentoringGroup
from groups.services.forming import NameTaken, ProgrammeClosed
from groups.services.mentors import programme_mentors
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, Role

CIRCLE_MIN = 3
CIRCLE_MAX = 5


class HasMentor(Exception):
    """A group with a mentor, or a request waiting for one, cannot become a peer group."""


class NotAMember(Exception):
    pass


class CircleError(Exception):
    pass


def supervisor_choices(programme: Programme) -> QuerySet[User]:
    """Who may lead a mentor circle: the programme's coordinators and the supervisors invited to it."""
    leads = ProgrammeMembership.objects.filter(
        programme=programme,
        user=OuterRef("pk"),
        role__in=[Role.COORDINATOR, Role.SUPERVISOR],
        status=MembershipStatus.ACTIVE,
    )
    return User.objects.filter(Exists(leads), anonymised_at__isnull=True).order_by(Lower("display_name"), "pk")


@transaction.atomic
def create_circle(
    *, programme: Programme, name: str, mentors: Sequence[User], supervisor: User, focus: str = ""
) -> MentoringGroup:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.is_archived:
        raise ProgrammeClosed
    ids = {mentor.pk for mentor in mentors}
    if not CIRCLE_MIN <= len(ids) <= CIRCLE_MAX:
        raise CircleError("size")
    if programme_mentors(locked).filter(pk__in=ids).count() != len(ids):
        raise CircleError("not a mentor")
    if supervisor.pk in ids or not supervisor_choices(locked).filter(pk=supervisor.pk).exists():
        raise CircleError("supervisor")
    name = " ".join(name.split())
    if locked.groups.filter(name__iexact=name).exists():
        raise NameTaken(name)
    circle = MentoringGroup.objects.create(programme=locked, name=name, kind=GroupKind.MENTOR_CIRCLE, focus=focus)
    GroupMembership.objects.bulk_create(
        [
            *(GroupMembership(group=circle, user_id=pk, role=GroupRole.MENTOR) for pk in sorted(ids)),
            GroupMembership(group=circle, user=supervisor, role=GroupRole.SUPERVISOR),
        ]
    )
    return circle


@transaction.atomic
def change_kind(*, group: MentoringGroup, kind: str) -> MentoringGroup:
    """Turns a mentor-led group into a peer group or back. A group with a mentor or a waiting request stays
    mentor-led (``HasMentor``); mentor circles keep their kind."""
    locked = MentoringGroup.objects.select_for_update().select_related("programme").get(pk=group.pk)
    if locked.programme.is_archived:
        raise ProgrammeClosed
    if kind not in (GroupKind.MENTOR_LED, GroupKind.PEER) or locked.is_circle:
        raise ValueError(f"A {locked.kind} group cannot become {kind!r}.")
    if kind == locked.kind:
        return locked
    if kind == GroupKind.PEER:
        has_mentor = locked.memberships.current().filter(role=GroupRole.MENTOR).exists()
        if has_mentor or locked.mentor_assignments.filter(status=AssignmentStatus.PENDING).exists():
            raise HasMentor
    locked.kind = kind
    locked.next_facilitator = None
    locked.save(update_fields=["kind", "next_facilitator"])
    return locked


@transaction.atomic
def update_group(*, group: MentoringGroup, name: str, focus: str) -> MentoringGroup:
    """Renames the group and changes its focus. The name must be unique in the programme, whatever the case
    (``NameTaken``); a closed programme's groups stay as they are (``ProgrammeClosed``). The programme's row is
    locked, as when groups are created, so that two groups cannot take the same name at once."""
    programme = Programme.objects.select_for_update().get(pk=group.programme_id)
    if programme.is_archived:
        raise ProgrammeClosed
    locked = MentoringGroup.objects.select_for_update().get(pk=group.pk)
    name = " ".join(name.split())
    if programme.groups.exclude(pk=locked.pk).filter(name__iexact=name).exists():
        raise NameTaken(name)
    locked.name, locked.focus = name, focus.strip()
    locked.full_clean(exclude=["programme", "next_facilitator"], validate_unique=False, validate_constraints=False)
    locked.save(update_fields=["name", "focus"])
    return locked


@transaction.atomic
def save_settings(*, group: MentoringGroup, name: str, focus: str, kind: str | None = None) -> MentoringGroup:
    """The group's settings page: name, focus and (for groups that are not mentor circles) kind, all or nothing.
    Raises what ``change_kind`` and ``update_group`` raise."""
    if kind is not None:
        change_kind(group=group, kind=kind)
    return update_group(group=group, name=name, focus=focus)


def _peer_members(group: MentoringGroup) -> list[GroupMembership]:
    return list(group.memberships.current().filter(role=GroupRole.MENTEE).select_related("user"))


@transaction.atomic
def set_next_facilitator(*, group: MentoringGroup, user_id: int) -> MentoringGroup:
    """Who facilitates the peer group's next session: one of its current members."""
    locked = MentoringGroup.objects.select_for_update().select_related("programme").get(pk=group.pk)
    if locked.programme.is_archived:
        raise ProgrammeClosed
    if not locked.is_peer:
        raise ValueError("Only peer groups take turns facilitating.")
    if user_id not in {member.user_id for member in _peer_members(locked)}:
        raise NotAMember(user_id)
    locked.next_facilitator_id = user_id
    locked.save(update_fields=["next_facilitator"])
    return locked


@transaction.atomic
def pass_facilitation(*, group: MentoringGroup) -> MentoringGroup:
    """The turn goes to the next member of the rota (the sessions issue calls this when a session is logged)."""
    locked = MentoringGroup.objects.select_for_update().get(pk=group.pk)
    if not locked.is_peer:
        raise ValueError("Only peer groups take turns facilitating.")
    after = locked.facilitator_after(_peer_members(locked))
    locked.next_facilitator_id = after.user_id if after else None
    locked.save(update_fields=["next_facilitator"])
    return locked
