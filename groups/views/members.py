"""A person's groups, and a group's own page (for its members and the programme's coordinators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from feedback.services import evaluations
from groups.access import group_for
from groups.forms.kinds import FacilitatorForm
from groups.models import AssignmentStatus, GroupMembership, GroupRole, MentoringGroup
from groups.services import contracts, goals, session_log
from groups.services.wishes import agreement, wishes_of


@login_required
@require_safe
def group_list(request: HttpRequest) -> HttpResponse:
    """The groups the person belongs to, in every programme."""
    groups = (
        MentoringGroup.objects.filter(
            Exists(GroupMembership.objects.current().filter(group=OuterRef("pk"), user_id=request.user.pk))
        )
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.current().select_related("user"),
                to_attr="current_memberships",
            )
        )
        .order_by("-programme__starts_on", "programme__name", "name")
    )
    rows = []
    for group in groups:
        mine = next(m for m in group.current_memberships if m.user_id == request.user.pk)
        mentors = [m.user for m in group.current_memberships if m.role == GroupRole.MENTOR]
        supervisors = [m.user for m in group.current_memberships if m.role == GroupRole.SUPERVISOR]
        mentee_count = sum(1 for m in group.current_memberships if m.role == GroupRole.MENTEE)
        rows.append(
            {
                "group": group,
                "my_role": mine.get_role_display(),
                "mentors": mentors,
                "supervisors": supervisors,
                "mentee_count": mentee_count,
            }
        )
    return render(request, "groups/group_list.html", {"rows": rows})


@login_required
@require_safe
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's page: its people, by the kind of group, and what the reader can do next."""
    access = group_for(request, pk)
    group = access.group
    memberships = list(group.memberships.current().select_related("user").order_by("role", "user__display_name"))
    by_role = {role: [m for m in memberships if m.role == role] for role in GroupRole.values}
    context = {
        "access": access,
        "group": group,
        "programme": group.programme,
        "can_change": not group.programme.is_archived,
        "mentors": by_role[GroupRole.MENTOR],
        "mentees": by_role[GroupRole.MENTEE],
        "supervisors": by_role[GroupRole.SUPERVISOR],
    }
    context["contract"] = contracts.summary(group, request.user, access.group_role)
    context["goals"] = goals.summary_section(access, request.user)
    context["session_summary"] = session_log.summary_section(access, request.user)
    context["evaluations"] = evaluations.group_section(access)  # leaders only: one query
    if group.has_mentor:
        context.update(_mentor_led(request, group, context["mentors"], context["mentees"]))
    elif group.is_peer:
        context.update(_peer(group, context["mentees"]))
    return render(request, "groups/group_detail.html", context)


def _mentor_led(request: HttpRequest, group: MentoringGroup, mentors: list, mentees: list) -> dict:
    pending = None
    if not mentors:
        pending = group.mentor_assignments.filter(status=AssignmentStatus.PENDING).select_related("mentor").first()
    wishes = wishes_of(group, mentee_ids=[membership.user_id for membership in mentees])
    agreed = agreement(wishes, [membership.user for membership in mentees])
    i_am_mentee = any(membership.user_id == request.user.pk for membership in mentees)
    return {
        "pending": pending,
        "unmatched": not mentors and pending is None,
        "wishes": wishes,
        "agreement": agreed,
        "i_must_agree": i_am_mentee and any(person.pk == request.user.pk for person in agreed.waiting),
    }


def _peer(group: MentoringGroup, members: list[GroupMembership]) -> dict:
    rota = group.facilitation_rota(members)
    next_up = next((m for m in rota if m.user_id == group.next_facilitator_id), None)
    return {
        "rota": rota,
        "next_up": next_up,
        "facilitator_form": FacilitatorForm(rota=rota, initial={"facilitator": next_up.user_id if next_up else None}),
    }
