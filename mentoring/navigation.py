"""What each person's roles give them to do: the navigation, and where home sends them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from groups.models import GroupMembership
from programmes.models import MembershipStatus, ProgrammeMembership, Role


@dataclass(frozen=True)
class Overview:
    coordinates: bool  # coordinates at least one programme
    group_ids: tuple[int, ...]  # up to two of the person's groups: enough to tell "one" from "several"

    @property
    def in_groups(self) -> bool:
        return bool(self.group_ids)


def overview_for(request: HttpRequest) -> Overview:
    """Two small indexed queries, made at most once per request; one where the request already found the person
    coordinating a programme (``known_to_coordinate``)."""
    cached = getattr(request, "_overview", None)
    if cached is not None:
        return cached
    user_id = request.user.pk
    coordinates = getattr(request, "_coordinates", None)
    if coordinates is None:
        coordinates = ProgrammeMembership.objects.filter(
            user_id=user_id, role=Role.COORDINATOR, status=MembershipStatus.ACTIVE
        ).exists()
    group_ids = tuple(
        GroupMembership.objects.current()
        .filter(user_id=user_id)
        .order_by("-joined_at")
        .values_list("group_id", flat=True)[:2]
    )
    request._overview = Overview(coordinates=coordinates, group_ids=group_ids)
    return request._overview


def known_to_coordinate(request: HttpRequest) -> None:
    """Tells the navigation that the person coordinates a programme (the programme's door found it out), so that it
    does not ask again."""
    request._coordinates = True
