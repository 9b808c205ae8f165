"""The models of feedback: questionnaires and their questions (``questionnaires``), survey rounds, the people asked
and their answers (``rounds``), the mentors' group evaluations and the coordinators' interviews (``evaluations``)."""

from feedback.models.evaluations import GroupEvaluation, Interview, Stage
from feedback.models.questionnaires import (
    CHOICE_KINDS,
    NUMBER_RANGES,
    RECOMMEND_KEY,
    TEXT_KINDS,
    Audience,
    Purpose,
    Question,
    QuestionKind,
    Questionnaire,
)
from feedback.models.rounds import (
    ANONYMITY_THRESHOLD,
    Answer,
    Respondent,
    RespondentRole,
    Response,
    RoundKind,
    RoundStatus,
    SurveyRound,
)

__all__ = [
    "ANONYMITY_THRESHOLD",
    "CHOICE_KINDS",
    "NUMBER_RANGES",
    "RECOMMEND_KEY",
    "TEXT_KINDS",
    "Answer",
    "Audience",
    "GroupEvaluation",
    "Interview",
    "Purpose",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "Respondent",
    "RespondentRole",
    "Response",
    "RoundKind",
    "RoundStatus",
    "Stage",
    "SurveyRound",
]
