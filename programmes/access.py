"""The one door to a programme.

Every view that shows or changes a programme, or anything inside it, reaches it through ``programme_for``:
anonymous visitors are sent to sign in (by ``login_required`` on the view), people with no active role in the
programme get 404 so that they learn nothing about it, and members without the role the view needs get 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from mentoring.navigation import overview_for
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, Role


@dataclass(frozen=True)
class ProgrammeAccess:
    programme: Programme
    roles: frozenset[str]

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.roles


def programme_for(request: HttpRequest, pk: int, *, roles: Iterable[str] = (Role.COORDINATOR,)) -> ProgrammeAccess:
    memberships = list(
        ProgrammeMembership.objects.filter(
            programme_id=pk, user_id=request.user.pk, status=MembershipStatus.ACTIVE
        ).select_related("programme")
    )
    if not memberships:
        raise Http404("No such programme.")
    held = frozenset(m.role for m in memberships)
    if not held.intersection(roles):
        raise PermissionDenied
    return ProgrammeAccess(programme=memberships[0].programme, roles=held)


def can_create_programmes(request: HttpRequest) -> bool:
    """Coordinators start new programmes; the admin grants the right to anyone else who should."""
    if not request.user.is_authenticated:
        return False
    return overview_for(request).coordinates or request.user.has_perm("programmes.add_programme")
