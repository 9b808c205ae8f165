"""Group evaluations: the leaders write their group's evaluation at mid-point and at the end; the coordinators read
the sent ones, with each group's pulse after sessions, under the programme's Feedback tab.

Who may do what is decided in ``feedback.services.evaluations`` (and ``feedback.services.pulse``): the views ask.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from feedback.forms.evaluations import EvaluationForm
from feedback.models import Stage
from feedback.services.evaluations import (
    TEXT_FIELDS,
    AlreadySent,
    NotOpenYet,
    evaluation_of,
    evaluations_page,
    is_open,
    opens_on,
    parse_stage,
    save_evaluation,
    sent_evaluation,
    writer_access,
)
from feedback.services.pulse import THRESHOLD
from groups.access import MEMBER, group_for
from groups.services.forming import ProgrammeClosed
from programmes.access import programme_for


def _to_evaluation(group_pk: int, stage: str) -> HttpResponse:
    return redirect("feedback:evaluation", pk=group_pk, stage=stage)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    """The group's leaders write the evaluation of a stage: save a draft, then send it to the coordinator. Once
    sent, or once the programme has closed, the page shows it as it is."""
    access = writer_access(group_for(request, pk, roles=(MEMBER,)))
    stage = parse_stage(stage)
    group = access.group
    programme = group.programme
    current = evaluation_of(group, stage)
    writable = not programme.is_archived and is_open(programme, stage) and (current is None or not current.submitted_at)
    form = None
    if writable:
        initial = {name: getattr(current, name) for name in TEXT_FIELDS} if current else None
        form = EvaluationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form is None:
            return _refused(request, group.pk, stage, programme, current)
        if form.is_valid():
            try:
                save_evaluation(access=access, stage=stage, user=request.user, texts=form.texts(), send=form.sends)
            except ProgrammeClosed:
                messages.error(request, _("This programme is closed. Its evaluations can no longer change."))
            except NotOpenYet as error:
                messages.error(request, _not_yet(error.opens_on))
            except AlreadySent:
                messages.info(request, _("This evaluation was already sent to the coordinator. Nothing was changed."))
            else:
                if form.sends:
                    messages.success(request, _("Thank you! Your evaluation was sent to the coordinator."))
                else:
                    messages.success(
                        request, _("Your draft is saved. The coordinator cannot see it until you send it.")
                    )
            return _to_evaluation(group.pk, stage)
    return render(
        request,
        "feedback/evaluations/evaluation_form.html",
        {
            "access": access,
            "group": group,
            "programme": programme,
            "stage": stage,
            "evaluation": current,
            "form": form,
            "is_open": is_open(programme, stage),
            "opens_on": opens_on(programme, stage),
        },
    )


def _not_yet(day) -> str:
    return _("You can write this evaluation from %(date)s.") % {"date": formats.date_format(day, "DATE_FORMAT")}


def _refused(request: HttpRequest, group_pk: int, stage: str, programme, current) -> HttpResponse:
    """A change the page did not offer: say why, and show the page again."""
    if programme.is_archived:
        messages.error(request, _("This programme is closed. Its evaluations can no longer change."))
    elif current is not None and current.submitted_at is not None:
        messages.info(request, _("This evaluation was already sent to the coordinator. Nothing was changed."))
    else:
        messages.error(request, _not_yet(opens_on(programme, stage)))
    return _to_evaluation(group_pk, stage)


@login_required
@require_safe
def programme_evaluations(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's table of the groups' evaluations (sent ones only) and each group's pulse after sessions."""
    programme = programme_for(request, pk).programme
    return render(
        request,
        "feedback/evaluations/programme_evaluations.html",
        {
            "programme": programme,
            "page": evaluations_page(programme),
            "threshold": THRESHOLD,
            "midpoint_opens": opens_on(programme, Stage.MIDPOINT),
            "end_opens": opens_on(programme, Stage.END),
        },
    )


@login_required
@require_safe
def programme_evaluation(request: HttpRequest, pk: int, group_pk: int, stage: str) -> HttpResponse:
    """One sent evaluation, for the programme's coordinators."""
    programme = programme_for(request, pk).programme
    evaluation = sent_evaluation(programme, group_pk, stage)
    return render(
        request,
        "feedback/evaluations/programme_evaluation.html",
        {"programme": programme, "evaluation": evaluation, "group": evaluation.group},
    )
