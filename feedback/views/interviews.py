"""The coordinators' interviews with participants: confidential notes of what a mentee or mentor has accomplished,
the results, their comments and concerns. Only the programme's coordinators read them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from feedback.forms.evaluations import InterviewForm
from feedback.services.evaluations import change_interview, interview_of, programme_interviews, record_interview
from groups.services.forming import ProgrammeClosed
from programmes.access import programme_for


def _closed(request: HttpRequest, programme_pk: int) -> HttpResponse:
    messages.error(request, _("This programme is closed. Its interviews can no longer change."))
    return redirect("surveys:interviews", pk=programme_pk)


@login_required
@require_safe
def interviews(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's interviews, the most recent first."""
    programme = programme_for(request, pk).programme
    return render(
        request,
        "feedback/interviews/interview_list.html",
        {"programme": programme, "interviews": programme_interviews(programme)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interview_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator writes down an interview with a mentee or a mentor."""
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        if request.method == "POST":
            return _closed(request, programme.pk)
        form = None
    else:
        form = InterviewForm(request.POST if request.method == "POST" else None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            record_interview(programme=programme, by=request.user, fields=form.cleaned_data)
        except ProgrammeClosed:
            return _closed(request, programme.pk)
        messages.success(request, _("The interview is saved. Only the coordinators can read it."))
        return redirect("surveys:interviews", pk=programme.pk)
    return render(
        request,
        "feedback/interviews/interview_form.html",
        {"programme": programme, "form": form, "interview": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interview_edit(request: HttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    """A coordinator reads or changes the notes of an interview. In a closed programme they are read-only."""
    programme = programme_for(request, pk).programme
    interview = interview_of(programme, interview_pk)
    if programme.is_archived:
        if request.method == "POST":
            return _closed(request, programme.pk)
        form = None
    else:
        form = InterviewForm(
            request.POST if request.method == "POST" else None, programme=programme, interview=interview
        )
    if request.method == "POST" and form.is_valid():
        try:
            change_interview(interview=interview, fields=form.cleaned_data)
        except ProgrammeClosed:
            return _closed(request, programme.pk)
        messages.success(request, _("The interview is saved."))
        return redirect("surveys:interviews", pk=programme.pk)
    return render(
        request,
        "feedback/interviews/interview_form.html",
        {"programme": programme, "form": form, "interview": interview},
    )
