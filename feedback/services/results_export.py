"""A survey round's submitted responses as a CSV file for spreadsheet programs, keeping the anonymity rules of
``feedback.services.results``: an anonymous round has no names, no groups and no dates, leaves out questionnaires
with too few responses, and names roles only where each has enough."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.defaults import shown
from feedback.models import ANONYMITY_THRESHOLD, Audience, Question, QuestionKind, RespondentRole, Response, SurveyRound
from feedback.services.results import NUMBER_LABELS, is_shown, round_questionnaires, submitted_answers
from mentoring.csv_export import safe_cell


class NotEnoughResponses(Exception):
    """An anonymous round's results stay hidden until a questionnaire has ``ANONYMITY_THRESHOLD`` responses."""


@dataclass(frozen=True)
class SurveyExport:
    text: str  # the CSV file
    rows: int  # responses in it, for the audit log


def _answer_cell(question: Question, number, text: str, chosen) -> str:
    if question.is_choice:
        return "; ".join(shown(str(choice)) for choice in chosen or ())
    if question.is_text:
        return text
    if number is None:
        return ""
    if question.kind == QuestionKind.YES_NO:
        return str(NUMBER_LABELS[QuestionKind.YES_NO].get(number, number))
    return str(number)


def export_csv(survey_round: SurveyRound) -> SurveyExport:
    """The round's submitted responses as CSV text (with a byte order mark for spreadsheet programs): one row per
    response, a column per question. Named rounds start each row with the person's name, email and group and end
    it with when they answered; anonymous rounds have the role only, list the rows in the order of their answers,
    and leave out the questionnaires with fewer than ``ANONYMITY_THRESHOLD`` responses. ``NotEnoughResponses``
    when no questionnaire can be shown. Four queries."""
    by_role: dict[int, dict[str, int]] = defaultdict(dict)
    for questionnaire_id, role, count in (
        Response.objects.filter(round=survey_round, submitted_on__isnull=False)
        .values_list("questionnaire_id", "role")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_role[questionnaire_id][role] = count
    counts = {questionnaire_id: sum(roles.values()) for questionnaire_id, roles in by_role.items()}
    # One questionnaire for mentees and mentors, answered by ten mentees and one mentor: the role would single out
    # the mentor's answers. An anonymous round names roles only where each has enough responses.
    roles_shown = {
        questionnaire_id
        for questionnaire_id, roles in by_role.items()
        if not survey_round.anonymous or min(roles.values()) >= ANONYMITY_THRESHOLD
    }
    sections = [
        (audience, questionnaire)
        for audience, questionnaire in round_questionnaires(survey_round)
        if is_shown(survey_round, counts.get(questionnaire.pk, 0))
    ]
    if not sections:
        raise NotEnoughResponses(survey_round.pk)
    ids = [questionnaire.pk for _audience, questionnaire in sections]
    questions = list(Question.objects.filter(questionnaire_id__in=ids).order_by("position", "pk"))
    columns = [
        question
        for _audience, questionnaire in sections
        for question in questions
        if question.questionnaire_id == questionnaire.pk
    ]
    position = {question.pk: index for index, question in enumerate(columns)}
    by_pk = {question.pk: question for question in columns}
    prefix = len(round_questionnaires(survey_round)) > 1
    audience_of = {questionnaire.pk: Audience(audience).label for audience, questionnaire in sections}

    def heading(question: Question) -> str:
        text = shown(question.text)
        return f"{audience_of[question.questionnaire_id]}: {text}" if prefix else text

    named = not survey_round.anonymous
    fields = ["pk", "role", "questionnaire_id"]
    if named:
        fields += [
            "submitted_at",
            "group__name",
            "respondent__user__display_name",
            "respondent__user__email",
            "respondent__user__anonymised_at",
        ]
    responses = list(
        Response.objects.filter(round=survey_round, submitted_on__isnull=False, questionnaire_id__in=ids)
        .order_by("pk")
        .values(*fields)
    )
    cells: dict[int, list[str]] = {response["pk"]: [""] * len(columns) for response in responses}
    for response_id, question_id, number, text, chosen in (
        submitted_answers(survey_round)
        .filter(response__questionnaire_id__in=ids)
        .values_list("response_id", "question_id", "number", "text", "choices")
        .iterator(chunk_size=2000)
    ):
        if response_id in cells and question_id in position:
            cells[response_id][position[question_id]] = _answer_cell(by_pk[question_id], number, text, chosen)

    roles = dict(RespondentRole.choices)
    rows = []
    for response in responses:
        answers = cells[response["pk"]]
        role = str(roles.get(response["role"], response["role"])) if response["questionnaire_id"] in roles_shown else ""
        if named:
            erased = response["respondent__user__anonymised_at"] is not None
            submitted = response["submitted_at"]
            rows.append(
                [
                    _("Former participant") if erased else response["respondent__user__display_name"] or "",
                    "" if erased else response["respondent__user__email"] or "",
                    response["group__name"] or "",
                    role,
                    *answers,
                    timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M") if submitted else "",
                ]
            )
        else:
            rows.append([role, *answers])
    if named:
        header = [_("Name"), _("Email"), _("Group"), _("Role"), *map(heading, columns), _("Submitted")]
        rows.sort(key=lambda row: (row[0].casefold(), row[1]))
    else:
        header = [_("Role"), *map(heading, columns)]
        rows.sort()  # by role, then by the answers: nothing in the order says who answered when
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark tells spreadsheet programs that the file is UTF-8
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return SurveyExport(text=buffer.getvalue(), rows=len(rows))
