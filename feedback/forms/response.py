"""The form a person answers a questionnaire with: one field per question, named ``q<question id>``.

Saving a draft accepts any subset of answers; submitting asks for every required one and says so at the question.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.defaults import shown
from feedback.models import Answer, Question, QuestionKind

AGREEMENT = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]
YES_NO = [(1, _("Yes")), (0, _("No"))]
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def _field(question: Question, required: bool) -> forms.Field:
    common = {"label": shown(question.text), "help_text": shown(question.help_text), "required": required}
    messages = {"required": _("Please answer this question.")}
    if question.kind == QuestionKind.AGREEMENT:
        return forms.TypedChoiceField(
            choices=AGREEMENT, coerce=int, widget=forms.RadioSelect, error_messages=messages, **common
        )
    if question.kind == QuestionKind.RATING:
        return forms.TypedChoiceField(
            choices=[(n, str(n)) for n in range(11)],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "rating"}),
            error_messages=messages,
            **common,
        )
    if question.kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(
            choices=YES_NO, coerce=int, widget=forms.RadioSelect, error_messages=messages, **common
        )
    if question.kind == QuestionKind.SINGLE:
        return forms.ChoiceField(
            choices=[(choice, shown(choice)) for choice in question.choices],  # kept as asked, shown translated
            widget=forms.RadioSelect,
            error_messages=messages,
            **common,
        )
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(choice, shown(choice)) for choice in question.choices],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Please choose at least one.")},
            **common,
        )
    if question.kind == QuestionKind.SHORT_TEXT:
        return forms.CharField(max_length=SHORT_TEXT_MAX, error_messages=messages, **common)
    return forms.CharField(
        max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), error_messages=messages, **common
    )


def initial_value(question: Question, answer: Answer | None):
    if answer is None:
        return None
    if question.kind == QuestionKind.MULTIPLE:
        return list(answer.choices)
    if question.kind == QuestionKind.SINGLE:
        return answer.choices[0] if answer.choices else None
    if question.is_text:
        return answer.text
    return answer.number


class ResponseForm(forms.Form):
    def __init__(
        self,
        *args,
        questions: list[Question],
        submitting: bool = False,
        saved: dict[int, Answer] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        saved = saved or {}
        for question in questions:
            name = field_name(question)
            self.fields[name] = _field(question, required=submitting and question.required)
            value = initial_value(question, saved.get(question.pk))
            if value is not None:
                self.initial[name] = value

    def answers(self) -> dict[int, object]:
        """The cleaned answers by question id."""
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}

    def question_fields(self):
        """(question, bound field) in the questionnaire's order, for the template."""
        return [(question, self[field_name(question)]) for question in self.questions]
