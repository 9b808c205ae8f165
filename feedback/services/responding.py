"""Answering a survey: a draft saved as often as the person likes, then one submission.

One response per person per round: the respondent's row is locked while answers are saved, and the submission is a
conditional update of ``Respondent.submitted_at``, so a double click, a second tab or a replayed request finds it
answered and changes nothing. In an anonymous round the submitted response loses its link to the respondent and
keeps only the role and the day.

The link in the emails carries a signed token naming the respondent and their current nonce: it lets the person
answer this round, and nothing else, without signing in.
"""

from __future__ import annotations

import datetime

from django.core import signing
from django.db import transaction
from django.utils import timezone

from feedback.models import Answer, Question, Questionnaire, Respondent, Response, RoundStatus

TOKEN_SALT = "feedback.respond"


class AlreadySubmitted(Exception):
    pass


class NotOpen(Exception):
    """The round is not open: not yet, or no longer."""


def token_for(respondent: Respondent) -> str:
    return signing.dumps({"r": respondent.pk, "n": respondent.token_nonce}, salt=TOKEN_SALT, compress=True)


def respondent_for_token(token: str) -> Respondent | None:
    """The respondent a token names, if it is genuine and still current; else None."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("n"), str):
        return None
    return (
        Respondent.objects.filter(pk=data["r"], token_nonce=data["n"], user__is_active=True, user__anonymised_at=None)
        .select_related("round__programme", "user")
        .first()
    )


def questionnaire_of(respondent: Respondent) -> Questionnaire:
    return respondent.round.questionnaire_for(respondent.role)


def draft_of(respondent: Respondent) -> Response | None:
    """The respondent's unsubmitted answers, if they saved any."""
    return Response.objects.filter(respondent=respondent, submitted_on__isnull=True).first()


def saved_answers(response: Response | None) -> dict[int, Answer]:
    if response is None:
        return {}
    return {answer.question_id: answer for answer in response.answers.all()}


def answer_values(question: Question, value) -> dict:
    """The columns of an answer for a cleaned form value."""
    if question.is_choice:
        chosen = value if isinstance(value, list | tuple) else ([value] if value not in (None, "") else [])
        return {"choices": [str(choice) for choice in chosen], "number": None, "text": ""}
    if question.is_text:
        return {"text": (value or "").strip(), "number": None, "choices": []}
    return {"number": None if value in (None, "") else int(value), "text": "", "choices": []}


def _is_empty(values: dict) -> bool:
    return values["number"] is None and not values["text"] and not values["choices"]


def save_answers(*, respondent: Respondent, answers: dict[int, object], submit: bool) -> Response:
    """Saves the person's answers (by question id, as the response form cleaned them) as a draft, or submits them.
    Raises ``AlreadySubmitted`` if the person has answered already, ``NotOpen`` if the round is not open."""
    now = timezone.now()
    with transaction.atomic():
        locked = Respondent.objects.select_for_update().select_related("round__programme").get(pk=respondent.pk)
        if locked.submitted_at is not None:
            raise AlreadySubmitted(locked.pk)
        if locked.round.status != RoundStatus.OPEN or locked.round.programme.is_archived:
            raise NotOpen(locked.round_id)
        questionnaire = questionnaire_of(locked)
        response = Response.objects.filter(respondent=locked).first()
        if response is None:
            response = Response.objects.create(
                round=locked.round, questionnaire=questionnaire, respondent=locked, role=locked.role, group=locked.group
            )
        questions = {question.pk: question for question in questionnaire.questions.all()}
        existing = saved_answers(response)
        to_create, to_update, to_delete = [], [], []
        for question_pk, question in questions.items():
            values = answer_values(question, answers.get(question_pk))
            answer = existing.get(question_pk)
            if _is_empty(values):
                if answer is not None:
                    to_delete.append(answer.pk)
            elif answer is None:
                to_create.append(Answer(response=response, question=question, **values))
            else:
                for name, value in values.items():
                    setattr(answer, name, value)
                to_update.append(answer)
        Answer.objects.filter(pk__in=to_delete).delete()
        Answer.objects.bulk_create(to_create)
        Answer.objects.bulk_update(to_update, ["number", "text", "choices"])
        if submit:
            locked.submitted_at = now
            locked.save(update_fields=["submitted_at"])
            response.submitted_on = timezone.localdate(now, locked.round.programme.zone)
            fields = ["submitted_on"]
            if locked.round.anonymous:
                response.respondent = None  # the link to the person is cut; the role and the day stay
                # The start time too: sent at once, it would match the person's ``Respondent.submitted_at``.
                response.started = datetime.datetime.combine(
                    response.submitted_on, datetime.time.min, tzinfo=locked.round.programme.zone
                )
                # And the group: with one mentor per group, a mentor's group names the mentor.
                response.group = None
                fields += ["respondent", "started", "group"]
            else:
                response.submitted_at = now
                fields.append("submitted_at")
            response.save(update_fields=fields)
    return response
