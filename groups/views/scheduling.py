"""Scheduling a group's sessions: a new session or series, changing one, cancelling one, and one session as a
calendar file.

The group's leaders schedule (``GroupAccess.leads``: the mentor, any member of a peer group, a circle's
supervisor); other members and the programme's coordinators get 403, everyone else 404 (``group_for``). What may
change and who is told is decided in ``groups.services.scheduling``.
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

from groups import calendars
from groups.access import GroupAccess, group_for, meeting_for
from groups.forms.scheduling import PASSED, RescheduleForm, ScheduleForm
from groups.models import Meeting, MentoringGroup
from groups.services.scheduling import (
    InThePast,
    NotAMember,
    NotChangeable,
    ProgrammeClosed,
    cadence,
    cancel_session,
    is_changeable,
    reschedule,
    schedule_sessions,
)


def _leader(request: HttpRequest, pk: int) -> GroupAccess:
    access = group_for(request, pk)
    if not access.leads:
        raise PermissionDenied
    return access


def _closed(request: HttpRequest, group: MentoringGroup) -> HttpResponse:
    messages.error(request, _("This programme is closed. Its sessions can no longer be scheduled or changed."))
    return redirect("groups:sessions", pk=group.pk)


def _not_changeable(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if meeting.is_cancelled:
        messages.error(request, _("This session is cancelled. It can no longer be changed."))
    elif meeting.is_logged:
        messages.error(request, _("This session has been logged. It can no longer be changed."))
    else:
        messages.error(request, _("This session has started or is over. It can no longer be changed."))
    return redirect("groups:session", pk=meeting.group_id, session_pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new session, or a series following the group's rhythm; everyone taking part gets an invitation."""
    access = _leader(request, pk)
    group = access.group
    if group.programme.is_archived:
        return _closed(request, group)
    rhythm = cadence(group)
    form = ScheduleForm(
        request.POST if request.method == "POST" else None, group=group, rhythm=rhythm, leader=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            meetings = schedule_sessions(group=group, by=request.user, **form.schedule_fields())
        except ProgrammeClosed:
            return _closed(request, group)
        except InThePast:
            form.add_error("date", PASSED)
        except NotAMember:
            form.add_error("with_member", _("This person is no longer in the group. Please choose another."))
        else:
            if len(meetings) == 1:
                messages.success(request, _("The session is scheduled. Everyone taking part gets an invitation."))
                return redirect("groups:session", pk=group.pk, session_pk=meetings[0].pk)
            messages.success(
                request,
                ngettext(
                    "%(count)d session is scheduled. Everyone taking part gets one invitation with all the dates.",
                    "%(count)d sessions are scheduled. Everyone taking part gets one invitation with all the dates.",
                    len(meetings),
                )
                % {"count": len(meetings)},
            )
            return redirect("groups:sessions", pk=group.pk)
    return render(
        request,
        "groups/sessions/session_form.html",
        {"access": access, "group": group, "programme": group.programme, "form": form, "meeting": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """A leader changes the time, length, place or agenda of a session still to come; everyone is told."""
    access = _leader(request, pk)
    group = access.group
    meeting = meeting_for(access, session_pk, request.user.pk)
    meeting.group = access.group
    if group.programme.is_archived:
        return _closed(request, group)
    if not is_changeable(meeting):
        return _not_changeable(request, meeting)
    form = RescheduleForm(
        request.POST if request.method == "POST" else None, group=group, rhythm=cadence(group), meeting=meeting
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = reschedule(meeting=meeting, by=request.user, **form.session_fields())
        except ProgrammeClosed:
            return _closed(request, group)
        except NotChangeable:  # cancelled, logged or started meanwhile
            meeting.refresh_from_db()
            return _not_changeable(request, meeting)
        except InThePast:
            form.add_error("date", PASSED)
        else:
            if result.changed:
                messages.success(request, _("The session has been changed. Everyone taking part gets the new details."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("groups:session", pk=group.pk, session_pk=meeting.pk)
    return render(
        request,
        "groups/sessions/session_form.html",
        {"access": access, "group": group, "programme": group.programme, "form": form, "meeting": meeting},
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """A leader cancels a session still to come; it stays in the history and everyone is told."""
    access = _leader(request, pk)
    group = access.group
    meeting = meeting_for(access, session_pk, request.user.pk)
    meeting.group = access.group
    if group.programme.is_archived:
        return _closed(request, group)
    try:
        cancel_session(meeting=meeting, by=request.user)
    except ProgrammeClosed:
        return _closed(request, group)
    except NotChangeable:
        meeting.refresh_from_db()
        return _not_changeable(request, meeting)
    messages.success(request, _("The session is cancelled. Everyone taking part gets an email."))
    return redirect("groups:session", pk=group.pk, session_pk=meeting.pk)


@login_required
@require_safe
def session_ics(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """One session as a calendar file, for anyone who can see the session."""
    access = group_for(request, pk)
    meeting = meeting_for(access, session_pk, request.user.pk)
    meeting.group = access.group
    content = calendars.single(meeting, viewer=request.user, with_agenda=access.group_role is not None)
    response = HttpResponse(content, content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="session-{meeting.starts_at:%Y-%m-%d}.ics"'
    response["Cache-Control"] = "private"
    return response
