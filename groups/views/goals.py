"""Goals: the group's common goals and each mentee's own, with their progress, for the group's members; and the
coordinator's counts of them, without any of their text.

Who may see or change which goal is decided in ``groups.services.goals`` only. The group's pages are for its
current members: a coordinator who is not a member gets 403 here (they have the counts under the programme's
Goals tab), anyone else 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from groups.access import MEMBER, GroupAccess, group_for
from groups.forms.goals import GoalForm, GoalUpdateForm
from groups.models import Goal, GoalStatus, MentoringGroup
from groups.services.forming import ProgrammeClosed
from groups.services.goals import (
    RECENT_DAYS,
    can_create,
    can_edit,
    can_post_update,
    create_goal,
    edit_goal,
    goal_board,
    goal_for,
    history,
    is_groups_mentor,
    leads_group,
    post_update,
    programme_goal_counts,
    shows_review_prompt,
)
from programmes.access import programme_for


def _closed(request: HttpRequest, group: MentoringGroup, goal: Goal | None = None) -> HttpResponse:
    messages.error(request, _("This programme is closed. Its goals can no longer be changed."))
    if goal is not None:
        return redirect("groups:goal", pk=group.pk, goal_pk=goal.pk)
    return redirect("groups:goals", pk=group.pk)


def _member(request: HttpRequest, pk: int) -> GroupAccess:
    return group_for(request, pk, roles=(MEMBER,))


@login_required
@require_safe
def goal_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's common goals, the reader's own, and the others they may see, each with its latest update."""
    access = _member(request, pk)
    group = access.group
    is_open = not group.programme.is_archived
    return render(
        request,
        "groups/goals/goal_list.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "board": goal_board(access, request.user),
            "is_mentor": is_groups_mentor(access),
            "leads": leads_group(access),
            "can_add_common": is_open and can_create(access, common=True),
            "can_add_own": is_open and can_create(access, common=False),
            "review_prompt": shows_review_prompt(access),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new goal: ``?common=1`` for one of the group's common goals (its leaders), otherwise the mentee's own."""
    access = _member(request, pk)
    group = access.group
    common = request.GET.get("common") == "1"
    if not can_create(access, common=common):
        raise PermissionDenied
    if group.programme.is_archived:
        return _closed(request, group)
    form = GoalForm(request.POST if request.method == "POST" else None, common=common, peer=group.is_peer)
    if request.method == "POST" and form.is_valid():
        try:
            goal = create_goal(access=access, user=request.user, common=common, **form.goal_fields())
        except ProgrammeClosed:
            return _closed(request, group)
        if common:
            messages.success(request, _("The common goal is added. Everyone in the group can see it."))
        elif goal.shared_with_group:
            messages.success(request, _("Your goal is added. Everyone in your group can see it."))
        else:
            messages.success(request, _("Your goal is added. Only you and your mentor can see it."))
        return redirect("groups:goal", pk=group.pk, goal_pk=goal.pk)
    return render(
        request,
        "groups/goals/goal_form.html",
        {"access": access, "group": group, "programme": group.programme, "form": form, "common": common, "goal": None},
    )


def _goal_page(
    request: HttpRequest, access: GroupAccess, goal: Goal, form: GoalUpdateForm | None = None
) -> HttpResponse:
    group = access.group
    is_open = not group.programme.is_archived
    may_update = is_open and can_post_update(access, request.user, goal)
    if may_update and form is None:
        form = GoalUpdateForm(goal=goal)
    return render(
        request,
        "groups/goals/goal_detail.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "goal": goal,
            "updates": history(goal),
            "is_mine": goal.owner_id == request.user.pk,
            "can_edit": is_open and can_edit(access, request.user, goal),
            "form": form if may_update else None,
        },
    )


@login_required
@require_safe
def goal_detail(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """The goal, its history of progress, and the form to add to it."""
    access = _member(request, pk)
    return _goal_page(request, access, goal_for(access, request.user, goal_pk))


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """The owner changes their goal; the group's leaders change a common goal."""
    access = _member(request, pk)
    group = access.group
    goal = goal_for(access, request.user, goal_pk)
    if not can_edit(access, request.user, goal):
        raise PermissionDenied
    if group.programme.is_archived:
        return _closed(request, group, goal)
    form = GoalForm(
        request.POST if request.method == "POST" else None, common=goal.is_common, peer=group.is_peer, goal=goal
    )
    if request.method == "POST" and form.is_valid():
        try:
            edit_goal(access=access, user=request.user, goal=goal, **form.goal_fields())
        except ProgrammeClosed:
            return _closed(request, group, goal)
        messages.success(request, _("The goal is saved."))
        return redirect("groups:goal", pk=group.pk, goal_pk=goal.pk)
    return render(
        request,
        "groups/goals/goal_form.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "form": form,
            "common": goal.is_common,
            "goal": goal,
        },
    )


@login_required
@require_POST
def goal_update(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """Progress on a goal: a new status and a short note, added to its history."""
    access = _member(request, pk)
    group = access.group
    goal = goal_for(access, request.user, goal_pk)
    if not can_post_update(access, request.user, goal):
        raise PermissionDenied
    if group.programme.is_archived:
        return _closed(request, group, goal)
    form = GoalUpdateForm(request.POST, goal=goal)
    if not form.is_valid():
        return _goal_page(request, access, goal, form)
    try:
        post_update(access=access, user=request.user, goal=goal, **form.cleaned_data)
    except ProgrammeClosed:
        return _closed(request, group, goal)
    if goal.status == GoalStatus.ACHIEVED:
        messages.success(request, _("Well done! The goal is marked as achieved."))
    else:
        messages.success(request, _("Thank you. Your update is saved."))
    return redirect("groups:goal", pk=group.pk, goal_pk=goal.pk)


@login_required
@require_safe
def programme_goals(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's view of the goals: numbers per group and status, never the goals' words."""
    programme = programme_for(request, pk).programme
    rows, total = programme_goal_counts(programme)
    return render(
        request,
        "groups/goals/programme_goals.html",
        {
            "programme": programme,
            "rows": rows,
            "total": total,
            "statuses": GoalStatus.choices,
            "recent_days": RECENT_DAYS,
        },
    )
