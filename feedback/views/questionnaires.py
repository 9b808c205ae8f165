"""The coordinators' questionnaire builder, under the programme's Feedback tab: the list of questionnaires, one
questionnaire with its questions, their forms, a preview as respondents see it, copying and archiving.

A questionnaire that was sent (or a closed programme) is read-only: every change is refused with a message, and
the page offers an editable copy instead.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from feedback.access import questionnaire_for
from feedback.forms.questionnaires import QuestionForm, QuestionnaireForm
from feedback.forms.response import ResponseForm
from feedback.models import Question, Questionnaire
from feedback.services import builder
from feedback.services.builder import AudienceInUse, InUse, ProgrammeClosed, Unchangeable
from feedback.services.rounds import ensure_rounds
from programmes.access import programme_for


def _questionnaire(request: HttpRequest, pk: int, questionnaire_pk: int) -> Questionnaire:
    return questionnaire_for(programme_for(request, pk).programme, questionnaire_pk)


def _detail(questionnaire: Questionnaire, question: Question | None = None) -> HttpResponse:
    url = reverse(
        "surveys:questionnaire", kwargs={"pk": questionnaire.programme_id, "questionnaire_pk": questionnaire.pk}
    )
    return redirect(f"{url}#question-{question.pk}" if question is not None else url)


def _refused(request: HttpRequest, questionnaire: Questionnaire, error: Unchangeable) -> HttpResponse:
    if isinstance(error, ProgrammeClosed):
        messages.error(request, _("This programme is closed. Its questionnaires can no longer change."))
    else:
        messages.error(
            request,
            _(
                "This questionnaire was sent, so it can no longer change: people answered these questions. "
                "Make an editable copy, and change the copy."
            ),
        )
    return _detail(questionnaire)


def _closed(request: HttpRequest, programme) -> HttpResponse:
    messages.error(request, _("This programme is closed. Its questionnaires can no longer change."))
    return redirect("surveys:questionnaires", pk=programme.pk)


# The list, one questionnaire, the preview


@login_required
@require_safe
def questionnaires(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's questionnaires, by what they are used for; the archived ones apart."""
    programme = programme_for(request, pk).programme
    if not programme.is_archived:
        ensure_rounds(programme, by=request.user)  # the programme's default questionnaires, as the Feedback tab
    return render(
        request,
        "feedback/questionnaires/questionnaires.html",
        {"programme": programme, "listing": builder.questionnaire_list(programme)},
    )


@login_required
@require_safe
def questionnaire(request: HttpRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    """One questionnaire with its questions, and the controls to change them while it may change."""
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    sent = builder.is_sent(questionnaire)
    return render(
        request,
        "feedback/questionnaires/questionnaire.html",
        {
            "programme": questionnaire.programme,
            "questionnaire": questionnaire,
            "questions": builder.questions_of(questionnaire),
            "rounds": builder.rounds_using(questionnaire),
            "sent": sent,
            "changeable": not sent and not questionnaire.programme.is_archived,
        },
    )


@login_required
@require_safe
def questionnaire_preview(request: HttpRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    """The questions exactly as mentees and mentors see them, without a way to answer."""
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    form = ResponseForm(questions=builder.questions_of(questionnaire), auto_id="preview-%s")
    return render(
        request,
        "feedback/questionnaires/preview.html",
        {"programme": questionnaire.programme, "questionnaire": questionnaire, "form": form},
    )


# The questionnaire's details


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        return _closed(request, programme)
    form = QuestionnaireForm(request.POST or None, initial={"purpose": "other", "audience": "both"})
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = builder.create_questionnaire(programme=programme, by=request.user, **form.cleaned_data)
        except ProgrammeClosed:
            return _closed(request, programme)
        messages.success(request, _("The questionnaire is made. Now add its questions."))
        return _detail(questionnaire)
    return render(
        request,
        "feedback/questionnaires/questionnaire_form.html",
        {"programme": programme, "form": form, "questionnaire": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: HttpRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    """The name, introduction, use and audience of a questionnaire."""
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    try:
        builder.check_changeable(questionnaire)
        form = QuestionnaireForm.of(questionnaire, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                builder.change_details(questionnaire=questionnaire, **form.cleaned_data)
            except AudienceInUse as error:
                form.add_error(
                    "audience",
                    _(
                        "The survey “%(round)s” asks this questionnaire of %(who)s. Choose another questionnaire "
                        "for that survey first, or keep them among those who answer."
                    )
                    % {
                        "round": error.survey_round.name,
                        "who": _("mentees")
                        if error.survey_round.mentee_questionnaire_id == questionnaire.pk
                        else _("mentors"),
                    },
                )
            else:
                messages.success(request, _("The changes are saved."))
                return _detail(questionnaire)
    except Unchangeable as error:
        return _refused(request, questionnaire, error)
    return render(
        request,
        "feedback/questionnaires/questionnaire_form.html",
        {"programme": questionnaire.programme, "form": form, "questionnaire": questionnaire},
    )


@login_required
@require_POST
def questionnaire_copy(request: HttpRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    """An editable copy with the same questions; the coordinator continues on the copy."""
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    try:
        copy = builder.make_copy(questionnaire=questionnaire, by=request.user)
    except ProgrammeClosed as error:
        return _refused(request, questionnaire, error)
    messages.success(request, _("This is your copy. You can change it as you like."))
    return _detail(copy)


@login_required
@require_POST
def questionnaire_archive(request: HttpRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    try:
        builder.archive(questionnaire=questionnaire)
    except ProgrammeClosed as error:
        return _refused(request, questionnaire, error)
    except InUse as error:
        messages.error(
            request,
            _(
                "The survey “%(round)s” will send this questionnaire, so it stays. "
                "To archive it, first choose another questionnaire for that survey."
            )
            % {"round": error.survey_round.name},
        )
        return _detail(questionnaire)
    messages.success(
        request,
        _(
            "The questionnaire is archived. It is no longer offered for new surveys. "
            "You find it at the end of the list."
        ),
    )
    return redirect("surveys:questionnaires", pk=questionnaire.programme_id)


@login_required
@require_POST
def questionnaire_restore(request: HttpRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    try:
        builder.restore(questionnaire=questionnaire)
    except ProgrammeClosed as error:
        return _refused(request, questionnaire, error)
    messages.success(request, _("The questionnaire is back in the list. You can choose it for new surveys."))
    return _detail(questionnaire)


# Questions


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, pk: int, questionnaire_pk: int) -> HttpResponse:
    """A new question, added at the end."""
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    try:
        builder.check_changeable(questionnaire)
        form = QuestionForm(request.POST or None, questionnaire=questionnaire)
        if request.method == "POST" and form.is_valid():
            question = builder.add_question(questionnaire=questionnaire, **form.question_fields())
            messages.success(request, _("The question is added at the end."))
            return _detail(questionnaire, question)
    except Unchangeable as error:
        return _refused(request, questionnaire, error)
    return render(
        request,
        "feedback/questionnaires/question_form.html",
        {"programme": questionnaire.programme, "questionnaire": questionnaire, "form": form, "question": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int, questionnaire_pk: int, question_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    question = builder.question_of(questionnaire, question_pk)
    try:
        builder.check_changeable(questionnaire)
        form = QuestionForm(request.POST or None, questionnaire=questionnaire, question=question)
        if request.method == "POST" and form.is_valid():
            builder.change_question(question=question, **form.question_fields())
            messages.success(request, _("The question is saved."))
            return _detail(questionnaire, question)
    except Unchangeable as error:
        return _refused(request, questionnaire, error)
    return render(
        request,
        "feedback/questionnaires/question_form.html",
        {"programme": questionnaire.programme, "questionnaire": questionnaire, "form": form, "question": question},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, pk: int, questionnaire_pk: int, question_pk: int) -> HttpResponse:
    """Asks first (GET), then deletes (POST)."""
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    question = builder.question_of(questionnaire, question_pk)
    try:
        builder.check_changeable(questionnaire)
        if request.method == "POST":
            builder.delete_question(question=question)
            messages.success(request, _("The question is deleted."))
            return _detail(questionnaire)
    except Unchangeable as error:
        return _refused(request, questionnaire, error)
    return render(
        request,
        "feedback/questionnaires/question_delete.html",
        {"programme": questionnaire.programme, "questionnaire": questionnaire, "question": question},
    )


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, questionnaire_pk: int, question_pk: int) -> HttpResponse:
    """Moves a question one place up or down (``direction``)."""
    questionnaire = _questionnaire(request, pk, questionnaire_pk)
    question = builder.question_of(questionnaire, question_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Choose whether to move the question up or down."))
        return _detail(questionnaire, question)
    up = direction == "up"
    try:
        moved = builder.move_question(question=question, up=up)
    except Unchangeable as error:
        return _refused(request, questionnaire, error)
    if moved:
        messages.success(request, _("The question moved up.") if up else _("The question moved down."))
    else:
        messages.info(request, _("This question is already first.") if up else _("This question is already last."))
    return _detail(questionnaire, question)
