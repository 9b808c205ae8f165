"""The coordinators' survey results: one round's results, all written answers to one question, the export, and the
mid-point and end of the programme side by side. The rules on what an anonymous round may show live in
``feedback.services.results`` (and ``results_compare``, ``results_export``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.models import AuditAction
from audit.services import record
from feedback.access import round_for
from feedback.models import ANONYMITY_THRESHOLD, RoundKind
from feedback.services.results import TEXT_CAP, all_text_answers, can_show, round_results, text_question_of
from feedback.services.results_compare import comparison
from feedback.services.results_export import NotEnoughResponses, export_csv
from mentoring.csv_export import csv_download
from programmes.access import programme_for


def _not_enough(request: HttpRequest) -> None:
    messages.info(
        request,
        _("Not enough responses to show yet: results appear from %(count)s responses, so nobody can be recognised.")
        % {"count": ANONYMITY_THRESHOLD},
    )


@login_required
@require_safe
def results(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    """A round's response rates and, for each questionnaire, every question's answers as a chart and a table."""
    programme = programme_for(request, pk).programme
    survey_round = round_for(programme, round_pk)
    return render(
        request,
        "feedback/results/results.html",
        {
            "programme": programme,
            "round": survey_round,
            "results": round_results(survey_round),
            "text_cap": TEXT_CAP,
            "threshold": ANONYMITY_THRESHOLD,
            "compares": survey_round.kind in (RoundKind.MIDPOINT, RoundKind.END),
        },
    )


@login_required
@require_safe
def results_text(request: HttpRequest, pk: int, round_pk: int, question_pk: int) -> HttpResponse:
    """Every written answer to one question, the newest first, a page at a time."""
    programme = programme_for(request, pk).programme
    survey_round = round_for(programme, round_pk)
    question = text_question_of(survey_round, question_pk)
    if question is None:
        raise Http404("No such question in this survey.")
    if not can_show(survey_round, question.questionnaire):
        _not_enough(request)
        return redirect("surveys:results", pk=programme.pk, round_pk=survey_round.pk)
    page, answers = all_text_answers(survey_round, question, request.GET.get("page"))
    return render(
        request,
        "feedback/results/text_answers.html",
        {"programme": programme, "round": survey_round, "question": question, "page": page, "answers": answers},
    )


@login_required
@require_safe
def results_csv(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    """The round's responses as a spreadsheet, one row per response."""
    programme = programme_for(request, pk).programme
    survey_round = round_for(programme, round_pk)
    try:
        export = export_csv(survey_round)
    except NotEnoughResponses:
        _not_enough(request)
        return redirect("surveys:results", pk=programme.pk, round_pk=survey_round.pk)
    record(
        action=AuditAction.EXPORT_SURVEY_RESPONSES,
        actor=request.user,
        programme=programme,
        subject=survey_round.name,
        details={"round": survey_round.pk, "rows": export.rows},
    )
    return csv_download(export.text, f"{programme.name} {survey_round.name} {timezone.localdate().isoformat()}")


@login_required
@require_safe
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's mid-point and end-of-programme surveys side by side."""
    programme = programme_for(request, pk).programme
    return render(
        request,
        "feedback/results/compare.html",
        {"programme": programme, "comparison": comparison(programme), "threshold": ANONYMITY_THRESHOLD},
    )
