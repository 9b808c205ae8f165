"""The pulse after a session: a member answers two quick questions once. The questions are on the session's page
and post here; this page shows them again when an answer is missing. Rules in ``feedback.services.pulse``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from feedback.services.pulse import (
    THRESHOLD,
    AlreadyAnswered,
    CheckIn,
    NotAllowed,
    answer_pulse,
    answers_pulse,
    check_answerable,
    my_answer,
    pulse_form,
    pulse_questionnaire,
)
from groups.access import MEMBER, group_for, meeting_for
from groups.models import Meeting
from groups.services.forming import ProgrammeClosed
from groups.services.session_log import NotHeld, NotStarted, SessionCancelled, SessionLogError


def _to_session(meeting: Meeting) -> HttpResponse:
    return redirect("groups:session", pk=meeting.group_id, session_pk=meeting.pk)


def _refused(request: HttpRequest, meeting: Meeting, error: Exception) -> HttpResponse:
    if isinstance(error, ProgrammeClosed):
        messages.error(request, _("This programme is closed. Its sessions can no longer change."))
    elif isinstance(error, CheckIn):
        messages.error(request, _("One-to-one check-ins have no questions afterwards."))
    elif isinstance(error, SessionCancelled):
        messages.error(request, _("This session was cancelled, so there is nothing to answer."))
    elif isinstance(error, NotStarted):
        messages.error(request, _("This session has not started yet. Come back after it."))
    elif isinstance(error, NotHeld):
        messages.error(request, _("This session did not take place, so there is nothing to answer."))
    else:
        raise error
    return _to_session(meeting)


def _answered(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    messages.info(request, _("You have already answered for this session. Thank you! Your first answers are kept."))
    return _to_session(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def pulse(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """A member who does not lead the group answers the pulse of a session, once."""
    access = group_for(request, pk, roles=(MEMBER,))
    meeting = meeting_for(access, session_pk, request.user.pk)
    if not answers_pulse(access):
        raise NotAllowed
    try:
        check_answerable(access, meeting)
    except (ProgrammeClosed, SessionLogError) as error:
        return _refused(request, meeting, error)
    if my_answer(meeting, request.user) is not None:
        return _answered(request, meeting)
    group = access.group
    questionnaire = pulse_questionnaire(group.programme)
    form = pulse_form(questionnaire, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_pulse(
                access=access,
                meeting=meeting,
                user=request.user,
                questionnaire=questionnaire,
                answers=form.answers(),
            )
        except AlreadyAnswered:
            return _answered(request, meeting)
        except (ProgrammeClosed, SessionLogError) as error:
            return _refused(request, meeting, error)
        messages.success(request, _("Thank you for your answers! Nobody sees your name with them."))
        return _to_session(meeting)
    return render(
        request,
        "feedback/pulse/pulse_form.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "meeting": meeting,
            "questionnaire": questionnaire,
            "form": form,
            "threshold": THRESHOLD,
        },
    )
