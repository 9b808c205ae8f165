"""The group's wishes for its mentor: the mentees change them and agree to them; the mentor and the programme's
coordinators read them, with who has agreed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from groups.access import GroupAccess, group_for
from groups.forms.wishes import AgreeForm, WishesForm
from groups.models import GroupRole, GroupWishes, MentoringGroup
from groups.services.mentors import unmatched_groups
from groups.services.wishes import (
    NotAMentee,
    OutdatedVersion,
    agree,
    agreement,
    start_wishes,
    update_wishes,
    wishes_of,
)


def _refuse(request: HttpRequest, group: MentoringGroup) -> HttpResponse | None:
    """Only mentor-led groups wish for a mentor; a closed programme's wishes stay as they are."""
    if not group.has_mentor:
        if group.is_circle:
            messages.info(request, _("A mentor circle has a supervisor, so it has no wishes for a mentor."))
        else:
            messages.info(request, _("A peer group has no mentor, so it has no wishes for one."))
        return redirect("groups:detail", pk=group.pk)
    return None


def _refuse_if_closed(request: HttpRequest, group: MentoringGroup) -> HttpResponse | None:
    if group.programme.is_archived:
        messages.error(request, _("This programme is closed. The group's wishes can no longer be changed."))
        return redirect("groups:wishes", pk=group.pk)
    return None


def _mentees(group: MentoringGroup) -> list[User]:
    return [
        membership.user
        for membership in group.memberships.current()
        .filter(role=GroupRole.MENTEE)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    ]


def _outdated(form: WishesForm, wishes: GroupWishes) -> WishesForm:
    """The mentee's changes, kept, on top of the version another mentee saved meanwhile."""
    data = form.data.copy()
    data["version"] = wishes.version
    rebased = WishesForm(data, initial=WishesForm.initial_from(wishes))
    rebased.is_valid()
    rebased.add_error(
        None,
        _(
            "Someone in your group changed the wishes while you were writing. Read their version above. "
            "If you still want your changes, save them again."
        ),
    )
    return rebased


def _page(request: HttpRequest, access: GroupAccess, wishes: GroupWishes, form: WishesForm | None) -> HttpResponse:
    group = access.group
    mentees = _mentees(group)
    agreed = agreement(wishes, mentees)
    is_mentee = access.group_role == GroupRole.MENTEE
    can_change = is_mentee and not group.programme.is_archived
    if can_change and form is None:
        form = WishesForm(initial=WishesForm.initial_from(wishes))
    return render(
        request,
        "groups/wishes.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "wishes": wishes,
            "agreement": agreed,
            "mentee_count": len(mentees),
            "is_mentee": is_mentee,
            "i_agreed": any(person.pk == request.user.pk for person in agreed.agreed),
            "can_change": can_change,
            "form": form if can_change else None,
            "needs_mentor": access.is_coordinator and unmatched_groups(group.programme).filter(pk=group.pk).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_wishes(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone in the group and its coordinators read the wishes; only the group's mentees change them."""
    access = group_for(request, pk)
    group = access.group
    if request.method == "POST" and access.group_role != GroupRole.MENTEE:
        raise PermissionDenied
    if refused := _refuse(request, group):
        return refused
    wishes = wishes_of(group)
    if request.method == "GET":
        return _page(request, access, wishes, None)
    if refused := _refuse_if_closed(request, group):
        return refused
    form = WishesForm(request.POST, initial=WishesForm.initial_from(wishes))
    if not form.is_valid():
        return _page(request, access, wishes, form)
    wishes = start_wishes(group)  # the draft is saved when a mentee first changes it
    try:
        saved = update_wishes(wishes=wishes, by=request.user, version=form.cleaned_data["version"], **form.wishes())
    except OutdatedVersion:
        wishes.refresh_from_db()
        return _page(request, access, wishes, _outdated(form, wishes))
    except NotAMentee:  # left the group a moment ago
        raise PermissionDenied from None
    if saved.version == wishes.version:
        messages.info(request, _("You did not change anything."))
    else:
        messages.success(
            request,
            _("The wishes are saved, and you agree to them. The others in your group are asked to read them again."),
        )
    return redirect("groups:wishes", pk=group.pk)


@login_required
@require_POST
def agree_to_wishes(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentee agrees to the version of the wishes they read."""
    access = group_for(request, pk, roles=(GroupRole.MENTEE,))
    group = access.group
    if refused := _refuse(request, group) or _refuse_if_closed(request, group):
        return refused
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please read the wishes, then press “I agree to these wishes” below them."))
        return redirect("groups:wishes", pk=group.pk)
    wishes = start_wishes(group)  # the draft is saved when a mentee first agrees to it
    try:
        agree(wishes=wishes, user=request.user, version=form.cleaned_data["version"])
    except OutdatedVersion:
        messages.error(request, _("The wishes changed while you were reading them; read them again."))
        return redirect("groups:wishes", pk=group.pk)
    except NotAMentee:  # left the group a moment ago
        raise PermissionDenied from None
    if agreement(wishes, _mentees(group)).by_all:
        messages.success(request, _("Thank you. Everyone in the group has now agreed to the wishes."))
    else:
        messages.success(request, _("Thank you. You agree to the group's wishes."))
    return redirect("groups:wishes", pk=group.pk)
