"""Forming groups: the accepted mentees without a group, a proposal for them, and confirming it.

The proposal itself is computed by ``groups.proposals`` (pure, no database); this module feeds it from the
database and saves what the coordinator confirms. Nothing is saved before that: the page keeps the proposal as
``Proposal.to_data()`` in the coordinator's session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import User
from groups.models import GroupKind, GroupMembership, GroupRole, MentoringGroup
from groups.proposals import NAME_MAX_LENGTH, Proposal, ProposedGroup, propose_groups
from groups.services.wishes import start_wishes
from groups.similarity import Mentee, SizeRules
from programmes.models import Application, ApplicationStatus, MembershipStatus, Programme, ProgrammeMembership, Role


class StaleProposal(Exception):
    """The proposal no longer fits the data: someone was placed, left or joined since it was made."""


class NameTaken(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class ProgrammeClosed(Exception):
    pass


class EmptyProposal(Exception):
    """The proposal has no groups: every mentee in it is left without one."""


def name_formats() -> tuple[str, str]:
    """The suggested names of proposed groups, in the coordinator's language."""
    return (_("Group {number}: {topic}"), _("Group {number}"))


def unplaced_mentees(programme: Programme) -> QuerySet[User]:
    """The programme's active mentees who are in none of its groups, by name."""
    in_a_group = GroupMembership.objects.current().filter(
        group__programme=programme, user=OuterRef("pk"), role=GroupRole.MENTEE
    )
    mentee = ProgrammeMembership.objects.filter(
        programme=programme, user=OuterRef("pk"), role=Role.MENTEE, status=MembershipStatus.ACTIVE
    )
    return User.objects.filter(Exists(mentee), ~Exists(in_a_group)).order_by(Lower("display_name"), "pk")


def _applications(programme: Programme) -> QuerySet[Application]:
    return Application.objects.filter(
        programme=programme, role=Role.MENTEE, status=ApplicationStatus.ACCEPTED
    ).prefetch_related("goal_areas")


def mentee_values(programme: Programme, users: QuerySet[User] | None = None) -> dict[int, Mentee]:
    """What the algorithm needs to know about each mentee, from their accepted application (a mentee invited
    without one is known by name only). Three queries, whatever the number of mentees."""
    users = unplaced_mentees(programme) if users is None else users
    people = list(
        users.prefetch_related(
            Prefetch("applications", queryset=_applications(programme), to_attr="accepted_applications")
        )
    )
    values = {}
    for person in people:
        application = person.accepted_applications[0] if person.accepted_applications else None
        if application is None:
            values[person.pk] = Mentee(id=person.pk, name=person.shown_name)
            continue
        values[person.pk] = Mentee(
            id=person.pk,
            name=person.shown_name,
            goal_areas=frozenset(area.name for area in application.goal_areas.all()),
            field=application.field,
            languages=application.languages,
            availability=frozenset(application.availability),
        )
    return values


def propose(programme: Programme, *, seed: int = 0) -> Proposal:
    """A fresh proposal for the programme's unplaced mentees."""
    mentees = list(mentee_values(programme).values())
    return propose_groups(mentees, SizeRules.from_programme(programme), seed=seed, name_formats=name_formats())


def load_proposal(programme: Programme, data: Mapping[str, Any]) -> Proposal:
    """The saved proposal with fresh data; mentees accepted since come back unplaced. ValueError if it no longer
    fits (someone in it was placed in a group or left the programme)."""
    return Proposal.from_data(
        data, mentee_values(programme), sizes=SizeRules.from_programme(programme), name_formats=name_formats()
    )


def _focus(group: ProposedGroup) -> str:
    explanation = group.explanation()
    shared = [share.label for share in explanation.goal_areas if share.count * 2 > share.total]
    return ", ".join(shared)[:300]


def _unique(name: str, taken: set[str]) -> str:
    """A suggested name that an existing group already has gets a number: "Group 1: Careers (2)"."""
    candidate, copy = name, 1
    while candidate.casefold() in taken:
        copy += 1
        suffix = f" ({copy})"
        candidate = name[: NAME_MAX_LENGTH - len(suffix)] + suffix
    return candidate


def _mentioned(data: Mapping[str, Any]) -> set[int]:
    """The mentee ids a saved proposal names (``Proposal.from_data`` has checked its shape)."""
    ids = {mentee_id for group in data["groups"] for mentee_id in group["members"]}
    return ids | set(data.get("unplaced", []))


@transaction.atomic
def confirm_proposal(*, programme: Programme, data: Mapping[str, Any], by: User) -> list[MentoringGroup]:
    """Creates the proposal's groups with their members, all or nothing.

    The programme's row is locked so that two coordinators confirming at once cannot place a mentee twice; the
    proposal is then checked against the data as it is now. Raises ``StaleProposal`` if it no longer fits (a mentee
    in it was placed or left, or a mentee joined whom it does not name), ``EmptyProposal`` if it has no groups,
    ``NameTaken`` if a group of that name already exists, ``ProgrammeClosed`` for a closed programme.
    """
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.is_archived:
        raise ProgrammeClosed
    unplaced = mentee_values(locked)
    try:
        proposal = Proposal.from_data(
            data, unplaced, sizes=SizeRules.from_programme(locked), name_formats=name_formats()
        )
    except ValueError as error:
        raise StaleProposal(str(error)) from error
    # ``from_data`` adds the mentees accepted since as unplaced: the coordinator has not seen them, so the data
    # itself must name every unplaced mentee.
    if _mentioned(data) != set(unplaced):
        raise StaleProposal("Mentees have joined since the proposal was made.")
    if not proposal.groups:
        raise EmptyProposal
    taken = {name.casefold() for name in MentoringGroup.objects.filter(programme=locked).values_list("name", flat=True)}
    for group in proposal.groups:
        if group.custom_name and group.name.casefold() in taken:
            raise NameTaken(group.name)
    taken |= {group.name.casefold() for group in proposal.groups if group.custom_name}
    created = []
    for group in proposal.groups:
        name = group.name if group.custom_name else _unique(group.name, taken)
        taken.add(name.casefold())
        made = MentoringGroup.objects.create(
            programme=locked, name=name, kind=GroupKind.MENTOR_LED, focus=_focus(group)
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(group=made, user_id=member.id, role=GroupRole.MENTEE) for member in group.members
        )
        start_wishes(made)
        created.append(made)
    return created
