"""The programme's Feedback tab for coordinators: its survey rounds with their response rates, adding or changing a
round, opening one now, extending a deadline."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from feedback.access import round_for
from feedback.forms.rounds import ExtendForm, RoundForm
from feedback.models import RespondentRole
from feedback.services.rounds import RoundClosed, change_round, create_round, ensure_rounds, extend, open_now
from programmes.access import programme_for


def _answered(role: str | None = None) -> Q:
    condition = Q(respondents__submitted_at__isnull=False)
    return condition & Q(respondents__role=role) if role else condition


@login_required
@require_safe
def rounds(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if not programme.is_archived:
        ensure_rounds(programme, by=request.user)
    survey_rounds = (
        programme.survey_rounds.select_related("mentee_questionnaire", "mentor_questionnaire")
        .annotate(
            asked=Count("respondents"),
            answered=Count("respondents", filter=_answered()),
            mentees_asked=Count("respondents", filter=Q(respondents__role=RespondentRole.MENTEE)),
            mentees_answered=Count("respondents", filter=_answered(RespondentRole.MENTEE)),
            mentors_asked=Count("respondents", filter=Q(respondents__role=RespondentRole.MENTOR)),
            mentors_answered=Count("respondents", filter=_answered(RespondentRole.MENTOR)),
        )
        .order_by("opens_on", "pk")
    )
    return render(
        request,
        "feedback/rounds/rounds.html",
        {"programme": programme, "rounds": survey_rounds, "today": programme.today()},
    )


def _closed(request: HttpRequest, programme) -> HttpResponse:
    messages.error(request, _("This programme is closed. Its surveys can no longer change."))
    return redirect("surveys:rounds", pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        return _closed(request, programme)
    today = programme.today()
    initial = {"opens_on": today, "closes_on": today + datetime.timedelta(days=21), "anonymous": True}
    form = RoundForm(request.POST or None, programme=programme, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            survey_round = create_round(programme, open_now_too=form.cleaned_data["open_now"], **form.round_fields())
        except RoundClosed:
            return _closed(request, programme)
        if survey_round.is_open:
            messages.success(request, _("The survey is open. The invitations are on their way."))
        else:
            messages.success(request, _("The survey is planned. It opens on its date."))
        return redirect("surveys:rounds", pk=programme.pk)
    return render(request, "feedback/rounds/round_form.html", {"programme": programme, "form": form, "round": None})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    survey_round = round_for(programme, round_pk)
    if programme.is_archived:
        return _closed(request, programme)
    if not survey_round.is_scheduled:
        messages.error(request, _("This survey has been sent. You can still extend its deadline."))
        return redirect("surveys:rounds", pk=programme.pk)
    form = RoundForm(request.POST or None, programme=programme, instance=survey_round)
    if request.method == "POST" and form.is_valid():
        try:
            change_round(survey_round, **form.round_fields())
        except RoundClosed:
            messages.error(request, _("This survey has been sent meanwhile. You can still extend its deadline."))
            return redirect("surveys:rounds", pk=programme.pk)
        messages.success(request, _("The survey has been saved."))
        return redirect("surveys:rounds", pk=programme.pk)
    return render(
        request, "feedback/rounds/round_form.html", {"programme": programme, "form": form, "round": survey_round}
    )


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    survey_round = round_for(programme, round_pk)
    try:
        open_now(survey_round)
    except RoundClosed:
        messages.info(request, _("This survey is open already, or closed."))
    else:
        messages.success(request, _("The survey is open. The invitations are on their way."))
    return redirect("surveys:rounds", pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_extend(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    survey_round = round_for(programme, round_pk)
    if programme.is_archived:
        return _closed(request, programme)
    if survey_round.is_scheduled:
        messages.info(request, _("This survey has not opened yet: change its dates instead."))
        return redirect("surveys:round_edit", pk=programme.pk, round_pk=survey_round.pk)
    form = ExtendForm(request.POST or None, survey_round=survey_round, today=programme.today())
    if request.method == "POST" and form.is_valid():
        try:
            extend(survey_round, closes_on=form.cleaned_data["closes_on"])
        except RoundClosed:
            return _closed(request, programme)
        messages.success(request, _("The deadline has been moved. Those who have not answered can still do so."))
        return redirect("surveys:rounds", pk=programme.pk)
    return render(
        request, "feedback/rounds/round_extend.html", {"programme": programme, "form": form, "round": survey_round}
    )
