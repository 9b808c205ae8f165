"""The programme's mid-point and end-of-programme rounds side by side: the questions their questionnaires share,
the response rates and the recommendation scores, each side hidden until it has enough responses. Built on the
one-round results of ``feedback.services.results``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from feedback.defaults import shown
from feedback.models import Audience, Question, QuestionKind, Questionnaire, RespondentRole, RoundKind
from feedback.services.results import (
    NUMBER_LABELS,
    Option,
    QuestionnaireResults,
    QuestionResult,
    Rate,
    RoundResults,
    round_questionnaires,
    round_results,
)

COMPARED_KINDS = (
    QuestionKind.AGREEMENT,
    QuestionKind.RATING,
    QuestionKind.YES_NO,
    QuestionKind.SINGLE,
    QuestionKind.MULTIPLE,
)


@dataclass
class ComparedRow:
    label: str
    midpoint: Option | None
    end: Option | None


@dataclass
class ComparedQuestion:
    text: str
    kind: str
    midpoint: QuestionResult | None  # None where that side is not shown
    end: QuestionResult | None
    rows: list[ComparedRow] = field(default_factory=list)

    @property
    def scale_max(self) -> int | None:
        side = self.midpoint or self.end
        return side.scale_max if side else None


@dataclass
class ComparedAudience:
    audience: str
    midpoint: QuestionnaireResults | None  # None: that round has no questionnaire for them
    end: QuestionnaireResults | None
    questions: list[ComparedQuestion] = field(default_factory=list)


@dataclass
class ComparedRate:
    label: str
    midpoint: Rate | None
    end: Rate | None


@dataclass
class Comparison:
    midpoint: RoundResults | None  # None: the programme has no such round
    end: RoundResults | None
    audiences: list[ComparedAudience] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.midpoint is not None and self.end is not None

    @property
    def rates(self) -> list[ComparedRate]:
        """Everyone, then each role: the response rate at mid-point and at the end (once both rounds exist)."""
        return compared_rates(self.midpoint, self.end) if self.complete else []


def compared_rates(midpoint: RoundResults | None, end: RoundResults | None) -> list[ComparedRate]:
    """Everyone, then each role: the response rate of each round side by side; a side without its round is None."""

    def by_label(results: RoundResults | None) -> dict:
        return {rate.label: rate for rate in (results.rates.total, *results.rates.by_role)} if results else {}

    mid, end_rates = by_label(midpoint), by_label(end)
    labels = list(mid) + [label for label in end_rates if label not in mid]
    return [ComparedRate(label, mid.get(label), end_rates.get(label)) for label in labels]


def _side(section: QuestionnaireResults | None, key: str) -> QuestionResult | None:
    if section is None or not section.shown or not section.responses:
        return None
    return section.by_key().get(key)


def _compared_question(mid_question: Question, end_question: Question, mid, end) -> ComparedQuestion:
    compared = ComparedQuestion(text=shown(mid_question.text), kind=mid_question.kind, midpoint=mid, end=end)
    labels = [option.label for option in (mid.options if mid else [])]
    labels += [option.label for option in (end.options if end else []) if option.label not in labels]
    if not labels:  # neither side shown: the options as asked
        labels = [str(label) for label in NUMBER_LABELS.get(mid_question.kind, {}).values()] or [
            shown(choice) for choice in mid_question.choices
        ]
    compared.rows = [
        ComparedRow(label, mid.option(label) if mid else None, end.option(label) if end else None) for label in labels
    ]
    return compared


def _questions_of(questionnaire: Questionnaire | None, loaded: dict[int, list[Question]]) -> list[Question]:
    return loaded.get(questionnaire.pk, []) if questionnaire is not None else []


def comparison(programme) -> Comparison:
    """The programme's mid-point and end-of-programme rounds side by side, for each audience: the questions the two
    questionnaires share (by ``key``, of the same kind, not written ones), their response rates and recommendation
    scores; each side hidden until it has enough responses. A fixed number of queries."""
    rounds = {
        survey_round.kind: survey_round
        for survey_round in programme.survey_rounds.filter(kind__in=[RoundKind.MIDPOINT, RoundKind.END]).select_related(
            "mentee_questionnaire", "mentor_questionnaire"
        )
    }
    for survey_round in rounds.values():
        survey_round.programme = programme
    mid_round, end_round = rounds.get(RoundKind.MIDPOINT), rounds.get(RoundKind.END)
    mid = round_results(mid_round, texts=False) if mid_round else None
    end = round_results(end_round, texts=False) if end_round else None
    result = Comparison(midpoint=mid, end=end)
    if mid is None or end is None:
        return result
    questionnaire_ids = {
        questionnaire.pk
        for survey_round in (mid_round, end_round)
        for _audience, questionnaire in round_questionnaires(survey_round)
    }
    loaded: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(questionnaire_id__in=questionnaire_ids).order_by("position", "pk"):
        loaded[question.questionnaire_id].append(question)
    paired = set()
    for role, audience in ((RespondentRole.MENTEE, Audience.MENTEES), (RespondentRole.MENTOR, Audience.MENTORS)):
        mid_questionnaire, end_questionnaire = mid_round.questionnaire_for(role), end_round.questionnaire_for(role)
        pair = (getattr(mid_questionnaire, "pk", None), getattr(end_questionnaire, "pk", None))
        if pair == (None, None) or pair in paired:  # a questionnaire for everyone is compared once
            continue
        paired.add(pair)
        mid_section = next((s for s in mid.sections if s.questionnaire == mid_questionnaire), None)
        end_section = next((s for s in end.sections if s.questionnaire == end_questionnaire), None)
        sides = [section for section in (mid_section, end_section) if section is not None]
        if sides and all(section.audience_key == Audience.BOTH for section in sides):
            audience = Audience.BOTH
        compared = ComparedAudience(audience=str(audience.label), midpoint=mid_section, end=end_section)
        end_questions = {q.key: q for q in _questions_of(end_questionnaire, loaded) if q.key}
        for question in _questions_of(mid_questionnaire, loaded):
            other = end_questions.get(question.key) if question.key else None
            if other is None or other.kind != question.kind or question.kind not in COMPARED_KINDS:
                continue
            compared.questions.append(
                _compared_question(question, other, _side(mid_section, question.key), _side(end_section, other.key))
            )
        result.audiences.append(compared)
    return result
