"""The one door to a mentoring group.

A group is seen by its current members and by the coordinators of its programme. Everyone else gets 404, so
that a mentee cannot learn about other groups by guessing numbers; a member without the role a view needs
gets 403. Anonymous visitors are sent to sign in by ``login_required`` on the view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest

from groups.models import GroupMembership, Meeting, MentorAssignment, MentoringGroup
from mentoring.navigation import coordinating, known_in_a_group, known_to_coordinate
from programmes.models import MembershipStatus, ProgrammeMembership, Role

COORDINATOR = "coordinator"
MEMBER = "member"  # any current member of the group, whatever their role in it


@dataclass(frozen=True)
class GroupAccess:
    group: MentoringGroup
    group_role: str | None  # the person's role in the group, None when they only coordinate the programme
    is_coordinator: bool

    @property
    def leads(self) -> bool:
        """The group's leaders, who schedule and log its sessions and set its common goals: the mentors of a
        mentor-led group, every member of a peer group, the supervisor of a mentor circle."""
        return self.group.led_by(self.group_role)

    @property
    def roles(self) -> frozenset[str]:
        held = set()
        if self.group_role:
            held |= {MEMBER, self.group_role}
        if self.is_coordinator:
            held.add(COORDINATOR)
        return frozenset(held)


def group_for(request: HttpRequest, pk: int, *, roles: Iterable[str] = (MEMBER, COORDINATOR)) -> GroupAccess:
    user_id = request.user.pk
    coordinator = coordinating(user_id)
    group = (
        MentoringGroup.objects.filter(pk=pk)
        .select_related("programme")
        .annotate(
            my_role=Subquery(
                GroupMembership.objects.current()
                .filter(group=OuterRef("pk"), user_id=user_id)
                .order_by()  # one at most; without the default order's joins
                .values("role")[:1]
            ),
            i_coordinate=Exists(coordinator.filter(programme=OuterRef("programme"))),
            # For the navigation, which then asks nothing more.
            coordinating_anywhere=Exists(coordinator),
        )
        .first()
    )
    if group is None or (group.my_role is None and not group.i_coordinate):
        raise Http404("No such group.")
    if group.my_role is not None:
        known_in_a_group(request)
    known_to_coordinate(request, group.coordinating_anywhere)
    access = GroupAccess(group=group, group_role=group.my_role, is_coordinator=group.i_coordinate)
    if not access.roles.intersection(roles):
        raise PermissionDenied
    return access


def programme_group(programme, group_pk: int) -> MentoringGroup:
    """A group of a programme the person coordinates (reached through ``programme_for``); 404 for any other."""
    group = programme.groups.filter(pk=group_pk).first()
    if group is None:
        raise Http404("No such group.")
    return group


def request_for(request: HttpRequest, pk: int) -> MentorAssignment:
    """The door to a request asking a mentor to take a group: the mentor asked answers it; the programme's
    coordinators see it on their matching page (403 here); everyone else gets 404."""
    assignment = (
        MentorAssignment.objects.filter(pk=pk)
        .select_related("group__programme", "mentor", "assigned_by")
        .annotate(
            i_coordinate=Exists(
                ProgrammeMembership.objects.filter(
                    programme=OuterRef("group__programme"),
                    user_id=request.user.pk,
                    role=Role.COORDINATOR,
                    status=MembershipStatus.ACTIVE,
                )
            )
        )
        .first()
    )
    if assignment is None:
        raise Http404("No such request.")
    if assignment.mentor_id != request.user.pk:
        if assignment.i_coordinate:
            raise PermissionDenied
        raise Http404("No such request.")
    return assignment


def meeting_for(access: GroupAccess, meeting_pk: int, user_pk: int) -> Meeting:
    """A session of the group reached through ``group_for``. A one-to-one check-in is seen only by the member it is
    with, the group's leaders and the programme's coordinators; anything else is 404."""
    meeting = access.group.meetings.filter(pk=meeting_pk).select_related("with_member", "logged_by").first()
    if meeting is None:
        raise Http404("No such session.")
    if meeting.with_member_id and not (access.leads or access.is_coordinator or meeting.with_member_id == user_pk):
        raise Http404("No such session.")
    return meeting
