"""A group's sessions: the list, one session, its log (by the group's leaders), a member's reflection, and marking
an action item done.

The list and a session's page are for the group's members and the programme's coordinators; coordinators who are
not members see the facts only (dates, held or not, attendance), never the group's notes. Writing a log or a
reflection, and marking action items done, are for members: a coordinator who is not one gets 403, anyone else
404. What each person sees is decided in ``groups.services.session_log``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from feedback.services import pulse
from groups.access import MEMBER, GroupAccess, group_for, meeting_for
from groups.forms.session_log import DoneForm, ReflectionForm, SessionLogForm, action_item_formset
from groups.models import Meeting
from groups.services.forming import ProgrammeClosed
from groups.services.session_log import (
    ActionItemDone,
    NotHeld,
    NotStarted,
    SessionCancelled,
    SessionLogError,
    action_item_for,
    can_log,
    can_mark_done,
    can_see_notes,
    check_loggable,
    check_reflectable,
    current_members,
    item_owners,
    log_people,
    log_session,
    reads_all_reflections,
    reflection_of,
    save_reflection,
    session_page,
    sessions_for,
    set_action_item_done,
)


def _to_session(meeting: Meeting) -> HttpResponse:
    return redirect("groups:session", pk=meeting.group_id, session_pk=meeting.pk)


def _closed(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    messages.error(request, _("This programme is closed. Its sessions can no longer be changed."))
    return _to_session(meeting)


def _refused(request: HttpRequest, meeting: Meeting, error: SessionLogError) -> HttpResponse:
    if isinstance(error, SessionCancelled):
        messages.error(request, _("This session was cancelled, so there is nothing to log or reflect on."))
    elif isinstance(error, NotStarted):
        messages.error(request, _("This session has not started yet. Come back after it."))
    elif isinstance(error, NotHeld):
        messages.error(request, _("This session did not take place, so there is nothing to reflect on."))
    elif isinstance(error, ActionItemDone):
        messages.error(request, _("A done action item stays in the log. Nothing was saved."))
    else:
        raise error
    return _to_session(meeting)


def _member(request: HttpRequest, pk: int) -> GroupAccess:
    return group_for(request, pk, roles=(MEMBER,))


@login_required
@require_safe
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's sessions: those coming up, and the past ones with whether they were held and who came."""
    access = group_for(request, pk)
    group = access.group
    return render(
        request,
        "groups/sessions/session_list.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "sessions": sessions_for(access, request.user),
            "notes": can_see_notes(access),
            "leads": can_log(access),
        },
    )


@login_required
@require_safe
def session_detail(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """One session: the facts and attendance; for members also the agenda, the log, the action items and the
    reflections they may read."""
    access = group_for(request, pk)
    group = access.group
    meeting = meeting_for(access, session_pk, request.user.pk)
    return render(
        request,
        "groups/sessions/session_detail.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "meeting": meeting,
            "page": session_page(access, meeting, request.user),
            "done_form": DoneForm(),
            "pulse": pulse.session_section(access, meeting, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_log(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The group's leader records whether the session was held, who came, what was talked about, the briefing
    for those who missed it, and the action items."""
    access = _member(request, pk)
    group = access.group
    meeting = meeting_for(access, session_pk, request.user.pk)
    if not can_log(access):
        raise PermissionDenied
    if group.programme.is_archived:
        return _closed(request, meeting)
    try:
        check_loggable(meeting)
    except SessionLogError as error:
        return _refused(request, meeting, error)
    data = request.POST if request.method == "POST" else None
    items = list(meeting.action_items.select_related("owner").order_by("pk"))
    members = current_members(group.pk)
    form = SessionLogForm(data, meeting=meeting, people=log_people(meeting, members))
    owners = item_owners(group, members)
    formset = action_item_formset(data, meeting=meeting, group=group, owners=owners, items=items)
    if request.method == "POST":
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and (formset_ok or not form.took_place):
            try:
                result = log_session(
                    access=access,
                    meeting=meeting,
                    user=request.user,
                    held=form.took_place,
                    summary=form.cleaned_data["summary"],
                    topics=form.cleaned_data["topics"],
                    briefing=form.cleaned_data["briefing"],
                    attendance=form.attendance() if form.took_place else None,
                    items=formset.changes() if form.took_place else (),
                )
            except ProgrammeClosed:
                return _closed(request, meeting)
            except SessionLogError as error:
                return _refused(request, meeting, error)
            if not form.took_place:
                messages.success(request, _("The session is logged as not held."))
            elif result.briefings_queued:
                messages.success(
                    request,
                    ngettext(
                        "The session is logged. %(count)d member who missed it will get your briefing by email.",
                        "The session is logged. %(count)d members who missed it will get your briefing by email.",
                        result.briefings_queued,
                    )
                    % {"count": result.briefings_queued},
                )
            else:
                messages.success(request, _("The session is logged."))
            return _to_session(meeting)
    return render(
        request,
        "groups/sessions/session_log_form.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "meeting": meeting,
            "form": form,
            "formset": formset,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """A member writes, or changes, their own reflection on a session, and chooses whether to share it."""
    access = _member(request, pk)
    group = access.group
    meeting = meeting_for(access, session_pk, request.user.pk)
    if group.programme.is_archived:
        return _closed(request, meeting)
    try:
        check_reflectable(meeting)
    except SessionLogError as error:
        return _refused(request, meeting, error)
    mine = reflection_of(meeting, request.user)
    form = ReflectionForm(request.POST if request.method == "POST" else None, access=access, reflection=mine)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_reflection(access=access, meeting=meeting, user=request.user, **form.cleaned_data)
        except ProgrammeClosed:
            return _closed(request, meeting)
        except SessionLogError as error:
            return _refused(request, meeting, error)
        if saved.shared_with_group:
            messages.success(request, _("Your reflection is saved. Everyone in your group can read it."))
        elif group.is_peer:
            messages.success(request, _("Your reflection is saved. Only you can read it."))
        elif reads_all_reflections(access):
            messages.success(request, _("Your reflection is saved. It is not shared with the group."))
        elif group.is_circle:
            messages.success(request, _("Your reflection is saved. Only you and the supervisor can read it."))
        else:
            messages.success(request, _("Your reflection is saved. Only you and your mentor can read it."))
        return _to_session(meeting)
    return render(
        request,
        "groups/sessions/reflection_form.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "meeting": meeting,
            "form": form,
            "reflection": mine,
        },
    )


@login_required
@require_POST
def action_item_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The item's owner or a leader marks it done (``done=1``) or not done after all (``done=0``)."""
    access = _member(request, pk)
    item = action_item_for(access, item_pk, request.user)
    meeting = item.meeting
    if not can_mark_done(access, item, request.user):
        raise PermissionDenied
    if access.group.programme.is_archived:
        return _closed(request, meeting)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something went wrong. Please press the button again."))
        return _to_session(meeting)
    done = form.cleaned_data["done"]
    try:
        set_action_item_done(access=access, item=item, user=request.user, done=done)
    except ProgrammeClosed:
        return _closed(request, meeting)
    if done:
        messages.success(request, _("“%(item)s” is marked as done. Well done!") % {"item": item.text})
    else:
        messages.success(request, _("“%(item)s” is marked as not done.") % {"item": item.text})
    return _to_session(meeting)
