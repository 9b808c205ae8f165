"""The doors to feedback.

- ``round_for(programme, pk)``: a survey round of a programme the person coordinates (reached through
  ``programmes.access.programme_for``), 404 for any other.
- ``questionnaire_for(programme, pk)``: the same for a questionnaire.
- ``respondent_for(request, round_pk)``: the signed-in person's own invitation to a round; 404 if they were not
  asked. The signed-out door is the token in the email (``services.responding.respondent_for_token``).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from feedback.models import Questionnaire, Respondent, SurveyRound


def round_for(programme, pk: int) -> SurveyRound:
    survey_round = (
        programme.survey_rounds.filter(pk=pk).select_related("mentee_questionnaire", "mentor_questionnaire").first()
    )
    if survey_round is None:
        raise Http404("No such survey round.")
    survey_round.programme = programme
    return survey_round


def questionnaire_for(programme, pk: int) -> Questionnaire:
    questionnaire = programme.questionnaires.filter(pk=pk).first()
    if questionnaire is None:
        raise Http404("No such questionnaire.")
    questionnaire.programme = programme
    return questionnaire


def respondent_for(request: HttpRequest, round_pk: int) -> Respondent:
    respondent = (
        Respondent.objects.filter(round_id=round_pk, user_id=request.user.pk)
        .select_related("round__programme", "round__mentee_questionnaire", "round__mentor_questionnaire", "user")
        .first()
    )
    if respondent is None:
        raise Http404("No such survey.")
    return respondent
