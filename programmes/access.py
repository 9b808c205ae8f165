"""The one door to a programme.

Every view that shows or changes a programme, or anything inside it, reaches it through ``programme_for``:
anonymous visitors are sent to sign in (by ``login_required`` on the view), people with no active role in the
programme get 404 so that they learn nothing about it, and members without the role the view needs get 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import User
from mentoring.navigation import coordinating, in_a_group, known_in_a_group, known_to_coordinate, overview_for
from programmes.models import MembershipStatus, MentorProfile, Programme, ProgrammeMembership, Role


@dataclass(frozen=True)
class ProgrammeAccess:
    programme: Programme
    roles: frozenset[str]

    @property
    def is_coordinator(self) -> bool:
        return Role.COORDINATOR in self.roles


def programme_for(request: HttpRequest, pk: int, *, roles: Iterable[str] = (Role.COORDINATOR,)) -> ProgrammeAccess:
    memberships = list(
        ProgrammeMembership.objects.filter(programme_id=pk, user_id=request.user.pk, status=MembershipStatus.ACTIVE)
        .select_related("programme")
        .annotate(in_a_group=in_a_group(request.user.pk))  # for the navigation: it asks a coordinator nothing more
        .order_by()  # a role or two: any order, without joining the people to sort them by name
    )
    if not memberships:
        raise Http404("No such programme.")
    held = frozenset(m.role for m in memberships)
    known_in_a_group(request, memberships[0].in_a_group)
    if Role.COORDINATOR in held:
        known_to_coordinate(request)
    if not held.intersection(roles):
        raise PermissionDenied
    return ProgrammeAccess(programme=memberships[0].programme, roles=held)


def can_create_programmes(request: HttpRequest) -> bool:
    """Coordinators start new programmes; the admin grants the right to anyone else who should."""
    if not request.user.is_authenticated:
        return False
    return overview_for(request).coordinates or request.user.has_perm("programmes.add_programme")


@dataclass(frozen=True)
class BankAccess:
    """The mentor data bank as one coordinator may use it: every mentor's profile (the bank spans programmes),
    and the programmes this coordinator may invite into or write feedback for."""

    user: User
    programme_ids: frozenset[int]

    @property
    def programmes(self) -> QuerySet[Programme]:
        return Programme.objects.filter(pk__in=self.programme_ids)

    @property
    def profiles(self) -> QuerySet[MentorProfile]:
        """The bank: every mentor profile but those of erased people.

        Erased people are few: "not one of them" is read from the small partial index of erased accounts
        (``accounts_user_erased_idx``) instead of joining every account to test it, which read the whole table."""
        erased = User.objects.filter(pk=OuterRef("user_id"), anonymised_at__isnull=False)
        return MentorProfile.objects.filter(~Exists(erased))

    def profile(self, user_pk: int) -> MentorProfile:
        try:
            return self.profiles.select_related("user").get(user_id=user_pk)
        except MentorProfile.DoesNotExist:
            raise Http404("No such mentor.") from None


def bank_for(request: HttpRequest) -> BankAccess:
    """The door to the mentor data bank: open to anyone who coordinates a programme, 403 for everyone else."""
    rows = list(
        coordinating(request.user.pk)
        .order_by()
        .values_list("programme_id", in_a_group(request.user.pk))  # the navigation's second question, answered here
    )
    if not rows:
        raise PermissionDenied
    known_to_coordinate(request)
    known_in_a_group(request, rows[0][1])
    programme_ids = frozenset(programme_id for programme_id, _in_group in rows)
    return BankAccess(user=request.user, programme_ids=programme_ids)
