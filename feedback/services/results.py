"""One survey round's results: response rates, each question's answers counted, the recommendation score and the
written answers, on the results page and on a page of their own. The mid-point against the end is in
``feedback.services.results_compare``, the spreadsheet export in ``feedback.services.results_export``; both build
on what is here.

Anonymous rounds follow the rule of DESIGN.md: answers are shown only in aggregate, and only once a questionnaire
has ``ANONYMITY_THRESHOLD`` submitted responses. Their results are never broken down by group (a group of four or
five would name its people); the response rates by group come from ``Respondent``, which says who answered and
nothing of what. Written answers of an anonymous round carry no name, no group and no date, and within a day they
are listed in the order of their text, so that their order says nothing about who answered when.

Every function here makes a fixed number of queries, however many responses there are: the answers are counted
by the database grouped by question and value, and only the newest ``TEXT_CAP`` written answers per question are
read (the rest are a page of their own).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from feedback.defaults import shown
from feedback.forms.response import AGREEMENT, YES_NO
from feedback.models import (
    ANONYMITY_THRESHOLD,
    RECOMMEND_KEY,
    Answer,
    Audience,
    Question,
    QuestionKind,
    Questionnaire,
    Respondent,
    RespondentRole,
    Response,
    SurveyRound,
)
from groups.models import MentoringGroup
from mentoring.prepared import prepared

TEXT_CAP = 50  # written answers per question on the results page; all of them on a page of their own
TEXT_PAGE_SIZE = 100
PROMOTER_FROM = 9  # 9 and 10 recommend the programme
DETRACTOR_UP_TO = 6  # 0 to 6 do not; 7 and 8 are passive

ROLE_LABELS = {RespondentRole.MENTEE: gettext_lazy("Mentees"), RespondentRole.MENTOR: gettext_lazy("Mentors")}
NUMBER_LABELS = {
    QuestionKind.AGREEMENT: dict(AGREEMENT),
    QuestionKind.RATING: {n: str(n) for n in range(11)},
    QuestionKind.YES_NO: dict(YES_NO),
}
MEAN_KINDS = (QuestionKind.AGREEMENT, QuestionKind.RATING)


def _percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


# Response rates -------------------------------------------------------------------------------------------------


@dataclass
class Rate:
    """How many of the people asked answered."""

    label: str
    asked: int = 0
    answered: int = 0

    @property
    def percent(self) -> int | None:
        return round(_percent(self.answered, self.asked)) if self.asked else None

    def add(self, asked: int, answered: int) -> None:
        self.asked += asked
        self.answered += answered


@dataclass
class ResponseRates:
    total: Rate
    by_role: list[Rate]
    by_group: list[Rate]  # by group name; the people without a group last

    def group_rows(self) -> list[tuple[str, str, str, str]]:
        """The rates by group as text (name, asked, answered, rate): a programme may have thousands of groups, and
        the page renders text faster than numbers it has to format."""
        return [
            (rate.label, str(rate.asked), str(rate.answered), "–" if rate.percent is None else f"{rate.percent}%")
            for rate in self.by_group
        ]


def response_rates(survey_round: SurveyRound) -> ResponseRates:
    """Everyone asked and who answered, in all, by role and by group. One query."""
    rows = (
        survey_round.respondents.values("role", "group_id", "group__name")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by()
    )
    total = Rate(_("Everyone"))
    roles = {role: Rate(str(label)) for role, label in ROLE_LABELS.items()}
    groups: dict[int | None, Rate] = {}
    for row in rows:
        total.add(row["asked"], row["answered"])
        roles.setdefault(row["role"], Rate(row["role"])).add(row["asked"], row["answered"])
        name = row["group__name"] if row["group_id"] is not None else _("No group")
        groups.setdefault(row["group_id"], Rate(name)).add(row["asked"], row["answered"])
    by_group = sorted(groups.items(), key=lambda item: (item[0] is None, item[1].label.casefold(), item[0] or 0))
    return ResponseRates(
        total=total,
        by_role=[rate for rate in roles.values() if rate.asked],
        by_group=[rate for _pk, rate in by_group],
    )


# One question's answers -----------------------------------------------------------------------------------------


@dataclass
class Option:
    label: str
    count: int
    percent: float  # of the people who answered the question

    @property
    def whole_percent(self) -> int:
        return round(self.percent)

    @property
    def bar(self) -> str:
        """The bar's length out of 100, for the chart's SVG (a dot as the decimal sign in every language)."""
        return f"{self.percent:.1f}"


@dataclass
class Recommendation:
    """The recommendation score: the share of promoters (9-10) minus the share of detractors (0-6), from -100 to
    +100. Passives (7-8) count in the total only."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @classmethod
    def from_counts(cls, counts: dict[int, int]) -> Recommendation:
        score = cls()
        for number, count in counts.items():
            if number >= PROMOTER_FROM:
                score.promoters += count
            elif number > DETRACTOR_UP_TO:
                score.passives += count
            else:
                score.detractors += count
        return score

    @property
    def total(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        if not self.total:
            return None
        return round(_percent(self.promoters, self.total) - _percent(self.detractors, self.total))

    @property
    def signed(self) -> str:
        """The score with its sign, e.g. "+20", "-5", "0"."""
        return "" if self.score is None else (f"{self.score:+d}" if self.score else "0")

    def percent_of(self, count: int) -> int:
        return round(_percent(count, self.total))

    @property
    def promoters_percent(self) -> int:
        return self.percent_of(self.promoters)

    @property
    def passives_percent(self) -> int:
        return self.percent_of(self.passives)

    @property
    def detractors_percent(self) -> int:
        return self.percent_of(self.detractors)


@dataclass
class TextAnswer:
    text: str
    name: str = ""  # named rounds only
    group: str = ""  # named rounds only
    submitted_at: object = None  # named rounds only


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    options: list[Option] = field(default_factory=list)
    mean: float | None = None
    recommendation: Recommendation | None = None
    texts: list[TextAnswer] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.question.is_text

    @property
    def scale_max(self) -> int | None:
        """The highest value of a scale whose mean is shown."""
        return self.question.number_range[1] if self.question.kind in MEAN_KINDS else None

    @property
    def more_texts(self) -> int:
        """How many written answers the results page leaves to the page of all of them."""
        return max(self.answered - len(self.texts), 0)

    def option(self, label: str) -> Option | None:
        return next((option for option in self.options if option.label == label), None)


def _options(question: Question, numbers: dict[int, int], choices: dict[str, int], answered: int) -> list[Option]:
    if question.kind in NUMBER_LABELS:
        labels = NUMBER_LABELS[question.kind]
        order = list(labels)
        order += sorted(number for number in numbers if number not in labels)  # out of range: shown, never lost
        return [Option(str(labels.get(n, n)), numbers.get(n, 0), _percent(numbers.get(n, 0), answered)) for n in order]
    if question.is_choice:
        order = list(question.choices) + sorted(label for label in choices if label not in question.choices)
        return [
            Option(shown(label), choices.get(label, 0), _percent(choices.get(label, 0), answered)) for label in order
        ]
    return []


def _question_result(question: Question, numbers: dict[int, int], choices: dict[str, int], answered: int):
    result = QuestionResult(
        question=question, answered=answered, options=_options(question, numbers, choices, answered)
    )
    if question.kind in MEAN_KINDS and answered:
        result.mean = sum(number * count for number, count in numbers.items()) / answered
    if question.kind == QuestionKind.RATING and question.key == RECOMMEND_KEY:
        result.recommendation = Recommendation.from_counts(numbers)
    return result


# One round's results --------------------------------------------------------------------------------------------


@dataclass
class QuestionnaireResults:
    questionnaire: Questionnaire
    audience_key: str  # an ``Audience``: who answers it
    responses: int
    shown: bool
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def audience(self) -> str:
        return str(Audience(self.audience_key).label)

    @property
    def recommendation(self) -> Recommendation | None:
        return next((q.recommendation for q in self.questions if q.recommendation is not None), None)

    def by_key(self) -> dict[str, QuestionResult]:
        return {result.question.key: result for result in self.questions if result.question.key}


@dataclass
class RoundResults:
    round: SurveyRound
    rates: ResponseRates
    sections: list[QuestionnaireResults]

    @property
    def responses(self) -> int:
        return sum(section.responses for section in self.sections)

    @property
    def can_export(self) -> bool:
        return any(section.shown and section.responses for section in self.sections)


def round_questionnaires(survey_round: SurveyRound) -> list[tuple[str, Questionnaire]]:
    """The round's questionnaires with who answers them ("mentees", "mentors", or "both" for one questionnaire
    answered by everyone). No query when the round came through ``feedback.access.round_for``."""
    mentee, mentor = survey_round.mentee_questionnaire, survey_round.mentor_questionnaire
    if mentee is not None and mentor is not None and mentee.pk == mentor.pk:
        return [(Audience.BOTH, mentee)]
    pairs = [(Audience.MENTEES, mentee), (Audience.MENTORS, mentor)]
    return [(audience, questionnaire) for audience, questionnaire in pairs if questionnaire is not None]


def is_shown(survey_round: SurveyRound, responses: int) -> bool:
    """Named rounds show everything; anonymous ones only from ``ANONYMITY_THRESHOLD`` responses."""
    return not survey_round.anonymous or responses >= ANONYMITY_THRESHOLD


def submitted_answers(survey_round: SurveyRound) -> QuerySet[Answer]:
    """The answers of the round's submitted responses (drafts never count)."""
    return Answer.objects.filter(response__round=survey_round, response__submitted_on__isnull=False)


def _text_order(survey_round: SurveyRound) -> list:
    if survey_round.anonymous:
        return [F("response__submitted_on").desc(), F("text").asc(), F("pk").asc()]
    return [F("response__submitted_at").desc(nulls_last=True), F("pk").desc()]


def _text_answers(rows: Iterable[dict], *, anonymous: bool) -> list[TextAnswer]:
    answers = []
    for row in rows:
        if anonymous:
            answers.append(TextAnswer(text=row["text"]))
            continue
        erased = row["response__respondent__user__anonymised_at"] is not None
        answers.append(
            TextAnswer(
                text=row["text"],
                name=_("Former participant") if erased else row["response__respondent__user__display_name"] or "",
                group=row["response__group__name"] or "",
                submitted_at=row["response__submitted_at"],
            )
        )
    return answers


def _text_values(survey_round: SurveyRound) -> tuple[str, ...]:
    if survey_round.anonymous:
        return ("question_id", "text")
    return (
        "question_id",
        "text",
        "response__submitted_at",
        "response__respondent__user__display_name",
        "response__respondent__user__anonymised_at",
        "response__group__name",
    )


def _newest_texts(survey_round: SurveyRound, question_ids: list[int]) -> list[dict]:
    """The newest ``TEXT_CAP`` written answers to each of these questions, in the order of ``_text_order``, each as
    a dict of ``_text_values``. One query, written in SQL and prepared once per connection on PostgreSQL, as
    ``_answer_counts``."""
    sql = (_ANONYMOUS_TEXTS_SQL if survey_round.anonymous else _NAMED_TEXTS_SQL).format(
        questions=", ".join(["%s"] * len(question_ids))
    )
    params = [survey_round.pk, *question_ids, TEXT_CAP]
    with prepared("newest_texts", sql, params) as (sql, params), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = _text_values(survey_round)
    answers = [dict(zip(names, row, strict=True)) for row in rows]
    convert = getattr(connection.ops, "convert_datetimefield_value", None)  # SQLite's times come as text
    if convert is not None and not survey_round.anonymous:
        for answer in answers:
            answer["response__submitted_at"] = convert(answer["response__submitted_at"], None, connection)
    return answers


_TEXTS_SQL = f"""
SELECT {{columns}} FROM (
    SELECT answer.question_id, answer.text{{person}},
        ROW_NUMBER() OVER (PARTITION BY answer.question_id ORDER BY {{order}}) AS position
    FROM {Answer._meta.db_table} answer
    JOIN {Response._meta.db_table} response ON response.id = answer.response_id{{joins}}
    WHERE response.round_id = %s AND response.submitted_on IS NOT NULL AND answer.question_id IN ({{{{questions}}}})
        AND answer.text <> ''
) ranked
WHERE position <= %s
ORDER BY question_id, position
"""
# As _text_order: an anonymous round's answers by day, then by their text, so that their order says nothing of who
# answered when, and nothing of the person; a named round's by when they were sent, with who sent them.
_ANONYMOUS_TEXTS_SQL = _TEXTS_SQL.format(
    columns="question_id, text",
    person="",
    joins="",
    order="response.submitted_on DESC, answer.text ASC, answer.id ASC",
)
_NAMED_TEXTS_SQL = _TEXTS_SQL.format(
    columns="question_id, text, submitted_at, display_name, anonymised_at, group_name",
    person=", response.submitted_at, person.display_name, person.anonymised_at, mentoring_group.name AS group_name",
    joins=f"""
    LEFT JOIN {Respondent._meta.db_table} respondent ON respondent.id = response.respondent_id
    LEFT JOIN {User._meta.db_table} person ON person.id = respondent.user_id
    LEFT JOIN {MentoringGroup._meta.db_table} mentoring_group ON mentoring_group.id = response.group_id""",
    order="response.submitted_at DESC NULLS LAST, answer.id DESC",
)


def _answer_counts(
    survey_round: SurveyRound, questionnaires: list[Questionnaire]
) -> list[tuple[int, int | None, list, int]]:
    """How many submitted answers of the round to these questionnaires have each value: (question id, number,
    choices, count), a row per question and distinct value (a number, a set of choices, or for written answers
    neither). One query, written in SQL and prepared once per connection on PostgreSQL: the ORM took longer to
    build it than the database to plan and run it. The filter is on the response's questionnaire, not on the
    questions: SQLite then reads each response's answers through one index, twice as fast."""
    sql = _ANSWER_COUNTS_SQL.format(questionnaires=", ".join(["%s"] * len(questionnaires)))
    params = [survey_round.pk, *(questionnaire.pk for questionnaire in questionnaires)]
    with prepared("answer_counts", sql, params) as (sql, params), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Django reads JSON as text on both databases, and decodes it itself (``JSONField.from_db_value``).
    return [(question, number, json.loads(chosen) if chosen else [], n) for question, number, chosen, n in rows]


_ANSWER_COUNTS_SQL = f"""
SELECT answer.question_id, answer.number, answer.choices, COUNT(*)
FROM {Answer._meta.db_table} answer
JOIN {Response._meta.db_table} response ON response.id = answer.response_id
WHERE response.round_id = %s AND response.submitted_on IS NOT NULL AND response.questionnaire_id IN ({{questionnaires}})
GROUP BY answer.question_id, answer.number, answer.choices
"""


def round_results(survey_round: SurveyRound, *, texts: bool = True) -> RoundResults:
    """The round's response rates and, for each questionnaire shown, every question's answers counted; with
    ``texts`` the newest ``TEXT_CAP`` written answers of each question. Five queries at most, however many
    responses."""
    rates = response_rates(survey_round)
    questionnaires = round_questionnaires(survey_round)
    counts = dict(
        Response.objects.filter(round=survey_round, submitted_on__isnull=False)
        .values_list("questionnaire_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sections = []
    for audience, questionnaire in questionnaires:
        responses = counts.get(questionnaire.pk, 0)
        section = QuestionnaireResults(
            questionnaire=questionnaire,
            audience_key=audience,
            responses=responses,
            shown=is_shown(survey_round, responses),
        )
        sections.append(section)
    shown = [section for section in sections if section.shown and section.responses]
    if not shown:
        return RoundResults(round=survey_round, rates=rates, sections=sections)

    questions = list(
        Question.objects.filter(questionnaire_id__in=[s.questionnaire.pk for s in shown]).order_by(
            "questionnaire_id", "position", "pk"
        )
    )
    numbers: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    choices: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    answered: dict[int, int] = defaultdict(int)
    for question_id, number, chosen, count in _answer_counts(
        survey_round, [section.questionnaire for section in shown]
    ):
        answered[question_id] += count
        if number is not None:
            numbers[question_id][number] += count
        for label in chosen:
            choices[question_id][str(label)] += count

    written: dict[int, list[TextAnswer]] = defaultdict(list)
    text_ids = [question.pk for question in questions if question.is_text]
    if texts and text_ids:
        ranked: dict[int, list[dict]] = defaultdict(list)
        for row in _newest_texts(survey_round, text_ids):
            ranked[row["question_id"]].append(row)
        for question_id, question_rows in ranked.items():
            written[question_id] = _text_answers(question_rows, anonymous=survey_round.anonymous)

    by_questionnaire = {section.questionnaire.pk: section for section in shown}
    for question in questions:
        result = _question_result(question, numbers[question.pk], choices[question.pk], answered[question.pk])
        result.texts = written.get(question.pk, [])
        by_questionnaire[question.questionnaire_id].questions.append(result)
    return RoundResults(round=survey_round, rates=rates, sections=sections)


# All written answers to one question ----------------------------------------------------------------------------


def text_question_of(survey_round: SurveyRound, question_pk: int) -> Question | None:
    """A written question of one of the round's questionnaires, or None."""
    ids = [questionnaire.pk for _audience, questionnaire in round_questionnaires(survey_round)]
    question = Question.objects.filter(pk=question_pk, questionnaire_id__in=ids).select_related("questionnaire").first()
    return question if question is not None and question.is_text else None


def can_show(survey_round: SurveyRound, questionnaire: Questionnaire) -> bool:
    responses = Response.objects.filter(
        round=survey_round, questionnaire=questionnaire, submitted_on__isnull=False
    ).count()
    return is_shown(survey_round, responses)


def all_text_answers(survey_round: SurveyRound, question: Question, page_number) -> tuple[Page, list[TextAnswer]]:
    """One page of every written answer to the question, the newest first. Two queries."""
    rows = (
        submitted_answers(survey_round)
        .filter(question=question)
        .exclude(text="")
        .order_by(*_text_order(survey_round))
        .values(*_text_values(survey_round))
    )
    page = Paginator(rows, TEXT_PAGE_SIZE).get_page(page_number)
    return page, _text_answers(page.object_list, anonymous=survey_round.anonymous)
