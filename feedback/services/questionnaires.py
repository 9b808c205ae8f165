"""A programme's questionnaires: its copies of the product's defaults, and copies of its own."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from feedback.defaults import TEMPLATES, Template
from feedback.models import Question, Questionnaire


def _from_template(programme, template: Template, by=None) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        programme=programme,
        name=str(template.name),
        intro=str(template.intro),
        purpose=template.purpose,
        audience=template.audience,
        created_by=by,
    )
    Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            position=position,
            kind=question.kind,
            text=str(question.text),
            help_text=str(question.help_text),
            required=question.required,
            choices=[str(choice) for choice in question.choices],
            key=question.key,
        )
        for position, question in enumerate(template.questions, start=1)
    )
    return questionnaire


@transaction.atomic
def default_questionnaires(programme, *, by=None, language: str | None = None) -> dict[tuple[str, str], Questionnaire]:
    """The programme's questionnaire for each purpose and audience of the defaults, by (purpose, audience): the
    newest one not archived, or a fresh copy of the product's default, written in ``language`` (the creator's)."""
    existing = {}
    for questionnaire in programme.questionnaires.filter(archived_at__isnull=True).order_by("created", "pk"):
        existing[(questionnaire.purpose, questionnaire.audience)] = questionnaire
    with translation.override(language or translation.get_language()):
        for template in TEMPLATES:
            if (template.purpose, template.audience) not in existing:
                existing[(template.purpose, template.audience)] = _from_template(programme, template, by)
    return existing


@transaction.atomic
def copy_questionnaire(questionnaire: Questionnaire, *, by=None, name: str | None = None) -> Questionnaire:
    """A new, unfrozen questionnaire with the same questions, in the same programme."""
    copy = Questionnaire.objects.create(
        programme_id=questionnaire.programme_id,
        name=name or questionnaire.name,
        intro=questionnaire.intro,
        purpose=questionnaire.purpose,
        audience=questionnaire.audience,
        copy_of=questionnaire,
        created_by=by,
    )
    Question.objects.bulk_create(
        Question(
            questionnaire=copy,
            position=question.position,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            choices=list(question.choices),
            key=question.key,
        )
        for question in questionnaire.questions.order_by("position", "pk")
    )
    return copy
