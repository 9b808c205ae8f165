"""Concerns raised with the coordinators, and the coordinator's overview of the sessions.

A member raises a concern from the group's pages; only the programme's coordinators and the member read it. The
coordinators see the open concerns and resolve them under the programme's Sessions tab, where they also see the
groups' sessions in facts and numbers: dates, held or not, attendance, never what was said.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.models import AuditAction
from audit.services import record
from groups.access import MEMBER, group_for
from groups.forms.concerns import ConcernForm, ResolveForm
from groups.models import Concern, MentoringGroup
from groups.services.concerns import (
    RECENT_DAYS,
    AlreadyResolved,
    concern_of,
    my_concerns,
    raise_concern,
    resolve_concern,
    sessions_overview,
)
from groups.services.concerns import programme_concerns as concern_lists
from groups.services.forming import ProgrammeClosed
from outbox.services import undelivered
from programmes.access import programme_for
from programmes.models import Programme


def _closed(request: HttpRequest, group: MentoringGroup) -> HttpResponse:
    messages.error(request, _("This programme is closed. You can no longer raise a concern in it."))
    return redirect("groups:concern_create", pk=group.pk)


@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A member tells the programme's coordinators about a concern; the page also lists the member's own concerns
    in this group."""
    access = group_for(request, pk, roles=(MEMBER,))
    group = access.group
    closed = group.programme.is_archived
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if closed:
            return _closed(request, group)
        if form.is_valid():
            try:
                raise_concern(access=access, user=request.user, text=form.cleaned_data["text"])
            except ProgrammeClosed:  # closed meanwhile
                return _closed(request, group)
            messages.success(
                request,
                _(
                    "Thank you. Your concern was sent to the coordinators. "
                    "The other members of the group cannot see it."
                ),
            )
            return redirect("groups:concern_create", pk=group.pk)
    open_concerns, resolved_concerns = my_concerns(group, request.user)
    return render(
        request,
        "groups/concerns/concern_form.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "form": None if closed else form,
            "coordinators": list(group.programme.coordinators()),
            "open_concerns": open_concerns,
            "resolved_concerns": resolved_concerns,
        },
    )


@login_required
@require_safe
def programme_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's view of the sessions: numbers per group and the sessions around today, never their
    notes."""
    programme = programme_for(request, pk).programme
    return render(
        request,
        "groups/concerns/sessions_overview.html",
        {
            "programme": programme,
            "overview": sessions_overview(programme),
            "recent_days": RECENT_DAYS,
            "undelivered_count": undelivered(programme.pk).count(),
        },
    )


def _concerns_page(
    request: HttpRequest, programme: Programme, failed: tuple[Concern, ResolveForm] | None = None
) -> HttpResponse:
    open_concerns, resolved_concerns = concern_lists(programme)
    # Reading what members raised is itself recorded: how many concerns were shown, never what they say.
    record(
        action=AuditAction.CONCERNS_VIEWED,
        actor=request.user,
        programme=programme,
        details={"concerns": len(open_concerns) + len(resolved_concerns), "open": len(open_concerns)},
    )
    for concern in open_concerns:
        if failed is not None and failed[0].pk == concern.pk:
            concern.form = failed[1]
        else:
            concern.form = ResolveForm(auto_id=f"concern-{concern.pk}-%s")
    return render(
        request,
        "groups/concerns/programme_concerns.html",
        {"programme": programme, "open_concerns": open_concerns, "resolved_concerns": resolved_concerns},
    )


@login_required
@require_safe
def programme_concerns(request: HttpRequest, pk: int) -> HttpResponse:
    """The concerns members raised with the coordinators: the open ones to resolve, then the resolved ones."""
    return _concerns_page(request, programme_for(request, pk).programme)


@login_required
@require_POST
def concern_resolve(request: HttpRequest, pk: int, concern_pk: int) -> HttpResponse:
    """A coordinator marks a concern as resolved, with an optional note that goes to the person who raised it."""
    programme = programme_for(request, pk).programme
    concern = concern_of(programme, concern_pk)
    form = ResolveForm(request.POST, auto_id=f"concern-{concern.pk}-%s")
    if not form.is_valid():
        return _concerns_page(request, programme, failed=(concern, form))
    try:
        resolve_concern(concern=concern, by=request.user, resolution=form.cleaned_data["resolution"])
    except AlreadyResolved as error:
        resolver = error.concern.resolved_by
        if resolver is None:
            messages.info(request, _("This concern was already resolved."))
        else:
            messages.info(request, _("This concern was already resolved by %(name)s.") % {"name": resolver.shown_name})
        return redirect("grouping:concerns", pk=programme.pk)
    if concern.raised_by.anonymised_at:
        messages.success(request, _("The concern is marked as resolved."))
    else:
        messages.success(request, _("The concern is marked as resolved. The person who raised it gets an email."))
    return redirect("grouping:concerns", pk=programme.pk)
