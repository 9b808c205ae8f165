"""What each person's roles give them to do: the navigation, and where home sends them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists
from django.http import HttpRequest

from groups.models import GroupMembership
from programmes.models import MembershipStatus, ProgrammeMembership, Role


@dataclass(frozen=True)
class Overview:
    coordinates: bool  # coordinates at least one programme
    in_groups: bool  # a current member of at least one group


def coordinating(user_id: int):
    """The person's active coordinator memberships: whether they coordinate a programme, and which."""
    return ProgrammeMembership.objects.filter(user_id=user_id, role=Role.COORDINATOR, status=MembershipStatus.ACTIVE)


def in_a_group(user_id: int) -> Exists:
    """Whether the person is a current member of a group, as an expression a door's query can carry."""
    return Exists(GroupMembership.objects.current().filter(user_id=user_id))


def overview_for(request: HttpRequest) -> Overview:
    """One small query, made at most once per request, for what the request has not found out already: a
    programme's door that found the person coordinating it (``known_to_coordinate``), a group's door that found
    them in the group (``known_in_a_group``). None when both are known."""
    cached = getattr(request, "_overview", None)
    if cached is not None:
        return cached
    user_id = request.user.pk
    known = {"coordinates": getattr(request, "_coordinates", None), "in_groups": getattr(request, "_in_groups", None)}
    unknown = {}
    if known["coordinates"] is None:
        unknown["coordinates"] = Exists(coordinating(user_id))
    if known["in_groups"] is None:
        unknown["in_groups"] = in_a_group(user_id)
    if unknown:
        known |= get_user_model().objects.filter(pk=user_id).values(**unknown).get()
    request._overview = Overview(**known)
    return request._overview


def known_to_coordinate(request: HttpRequest, coordinates: bool = True) -> None:
    """Tells the navigation whether the person coordinates a programme (a door found it out), so that it does not
    ask again."""
    request._coordinates = coordinates


def known_in_a_group(request: HttpRequest, in_groups: bool = True) -> None:
    """Tells the navigation whether the person is in a group now (a door found it out)."""
    request._in_groups = in_groups
