"""Answering surveys: a person's list of surveys, and the page where they answer one.

The answer page has two doors. Signed in, ``feedback:answer`` finds the person's own invitation to the round
(``feedback.access.respondent_for``: 404 for anyone not asked). Signed out, ``feedback:answer_by_link`` takes the
signed token from the survey emails: the token opens that person's survey and nothing else. A signed-in person who
opens someone else's link is told so and answers nothing for them.

Every POST redirects back to the page (POST-redirect-GET). "Save and finish later" keeps a draft without checking
required answers; "Send my answers" checks them and submits once: a second submission (double click, second tab,
replayed request) changes nothing and shows the thank-you state with a gentle note.
"""

from __future__ import annotations

import zoneinfo
from contextlib import ExitStack, suppress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from feedback.access import respondent_for
from feedback.forms.response import ResponseForm
from feedback.models import ANONYMITY_THRESHOLD, Question, QuestionKind, Respondent
from feedback.services.my_surveys import ANSWERED, CLOSED, NOT_YET, OPEN, state_of, surveys_of
from feedback.services.responding import (
    AlreadySubmitted,
    NotOpen,
    draft_of,
    questionnaire_of,
    respondent_for_token,
    save_answers,
    saved_answers,
)

SEND = "send"  # the "Send my answers" button; any other POST saves a draft


@login_required
@require_safe
def my_surveys(request: HttpRequest) -> HttpResponse:
    """The person's surveys: those waiting for an answer first, then the answered ones, then the closed ones."""
    return render(request, "feedback/respond/my_surveys.html", {"surveys": surveys_of(request.user)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The signed-in person answers a round they were asked to answer."""
    respondent = respondent_for(request, round_pk)
    return _answer_page(request, respondent, here=reverse("feedback:answer", kwargs={"round_pk": round_pk}))


@never_cache
@require_http_methods(["GET", "POST"])
def answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the survey emails: it works signed out, for the person it was sent to only."""
    respondent = respondent_for_token(token)
    if respondent is None:
        return render(request, "feedback/respond/link_invalid.html", status=404)
    if request.user.is_authenticated and request.user.pk != respondent.user_id:
        return render(request, "feedback/respond/someone_else.html", status=403)
    with ExitStack() as stack:
        if not request.user.is_authenticated:
            _use_their_settings(stack, request, respondent)
        here = reverse("feedback:answer_by_link", kwargs={"token": token})
        return _answer_page(request, respondent, here=here, by_link=True)


def _use_their_settings(stack: ExitStack, request: HttpRequest, respondent: Respondent) -> None:
    """Signed out, the page speaks the person's language (unless they chose another here) and shows dates in
    their time zone, like the email that brought them here."""
    person = respondent.user
    with suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
        stack.enter_context(timezone.override(zoneinfo.ZoneInfo(person.time_zone)))
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and person.language:
        stack.enter_context(translation.override(person.language))


def _answer_page(request: HttpRequest, respondent: Respondent, *, here: str, by_link: bool = False) -> HttpResponse:
    if request.method == "POST":
        return _save(request, respondent, here=here, by_link=by_link)
    state = state_of(respondent)
    if state == OPEN:
        draft = draft_of(respondent)
        questions = list(questionnaire_of(respondent).questions.all())
        form = ResponseForm(questions=questions, saved=saved_answers(draft))
        return _render(
            request, respondent, state=state, form=form, has_draft=draft is not None, by_link=by_link, here=here
        )
    return _render(request, respondent, state=state, by_link=by_link, here=here)


def _save(request: HttpRequest, respondent: Respondent, *, here: str, by_link: bool) -> HttpResponse:
    state = state_of(respondent)
    if state == ANSWERED:
        return _already_sent(request, here)
    if state != OPEN:
        return _not_saved(request, here, state)
    sending = request.POST.get("action") == SEND
    draft = draft_of(respondent)
    questions = list(questionnaire_of(respondent).questions.all())
    form = ResponseForm(request.POST, questions=questions, submitting=sending, saved=saved_answers(draft))
    if not form.is_valid():
        return _render(
            request, respondent, state=state, form=form, has_draft=draft is not None, by_link=by_link, here=here
        )
    try:
        save_answers(respondent=respondent, answers=form.answers(), submit=sending)
    except AlreadySubmitted:  # sent meanwhile, in another tab or by a double click
        return _already_sent(request, here)
    except NotOpen:  # closed meanwhile
        return _not_saved(request, here, CLOSED)
    if not sending:
        until = date_format(respondent.round.closes_on, "DATE_FORMAT")
        text = _("Saved. You can come back to this page until %(date)s.") % {"date": until}
        if by_link:
            text += " " + _("Open the link in your email again to continue.")
        messages.success(request, text)
    return redirect(here)


def _not_saved(request: HttpRequest, here: str, state: str) -> HttpResponse:
    if state == NOT_YET:
        messages.error(request, _("This survey is not open yet. Your answers were not saved."))
    else:
        messages.error(request, _("This survey is closed. Your answers were not saved."))
    return redirect(here)


def _already_sent(request: HttpRequest, here: str) -> HttpResponse:
    messages.info(request, _("You had already sent your answers. We kept the answers you sent first."))
    return redirect(here)


def _render(
    request: HttpRequest,
    respondent: Respondent,
    *,
    state: str,
    by_link: bool,
    here: str,
    form: ResponseForm | None = None,
    has_draft: bool = False,
) -> HttpResponse:
    survey_round = respondent.round
    sent_answers = None
    if state == ANSWERED and not survey_round.anonymous:
        sent_answers = _shown_answers(respondent)
    return render(
        request,
        "feedback/respond/answer.html",
        {
            "respondent": respondent,
            "round": survey_round,
            "programme": survey_round.programme,
            "questionnaire": questionnaire_of(respondent),
            "state": state,
            "form": form,
            "has_draft": has_draft,
            "sent_answers": sent_answers,
            "by_link": by_link,
            "here": here,
            "threshold": ANONYMITY_THRESHOLD,
        },
    )


def _shown_answers(respondent: Respondent) -> list[tuple[Question, str]]:
    """The answers the person sent to a named round, as text: (question, answer) in the questionnaire's order."""
    response = respondent.response if hasattr(respondent, "response") else None
    if response is None:
        return []
    questions = list(questionnaire_of(respondent).questions.all())
    form = ResponseForm(questions=questions, saved=saved_answers(response))
    shown = []
    for question, field in form.question_fields():
        value = field.value()
        if value in (None, "", []):
            shown.append((question, ""))
            continue
        labels = {str(key): str(label) for key, label in getattr(field.field, "choices", [])}
        if isinstance(value, list):
            shown.append((question, ", ".join(labels.get(str(item), str(item)) for item in value)))
        elif question.kind == QuestionKind.RATING:
            shown.append((question, _("%(number)s out of 10") % {"number": value}))
        else:
            shown.append((question, labels.get(str(value), str(value))))
    return shown
