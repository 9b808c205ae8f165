"""The preview: a questionnaire's questions exactly as mentees and mentors see them when they answer, every field
disabled, with its introduction. Open while the questionnaire may change, after it was sent, and in a closed
programme."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from feedback.forms.response import ResponseForm
from feedback.models import Question, QuestionKind, Questionnaire
from mentoring.tests.querycount import count_queries

pytestmark = pytest.mark.django_db


def preview_url(questionnaire: Questionnaire) -> str:
    return reverse(
        "surveys:questionnaire_preview", kwargs={"pk": questionnaire.programme_id, "questionnaire_pk": questionnaire.pk}
    )


@pytest.fixture
def every_kind(world) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        programme=world.programme, name="Every kind", intro="Why we ask.\n\nThank you.", audience="mentees"
    )
    questions = [
        (QuestionKind.AGREEMENT, "I feel supported.", [], True, ""),
        (QuestionKind.RATING, "Would you recommend us?", [], True, "0 is not at all."),
        (QuestionKind.SINGLE, "How often do you meet?", ["Weekly", "Monthly"], True, ""),
        (QuestionKind.MULTIPLE, "What helps?", ["Sessions", "The mentor", "Goals"], False, ""),
        (QuestionKind.YES_NO, "Would you join again?", [], True, ""),
        (QuestionKind.SHORT_TEXT, "One word for the group?", [], False, ""),
        (QuestionKind.LONG_TEXT, "Anything else?", [], False, "Say what you like."),
    ]
    for position, (kind, text, choices, required, help_text) in enumerate(questions, start=1):
        Question.objects.create(
            questionnaire=questionnaire,
            position=position,
            kind=kind,
            text=text,
            choices=choices,
            required=required,
            help_text=help_text,
        )
    return questionnaire


def test_the_preview_shows_every_type_of_question_disabled(as_user, world, every_kind):
    response = as_user(world.coordinator).get(preview_url(every_kind))
    assert response.status_code == 200
    text = response.text
    assert "This is what people see when they answer. Who answers: Mentees." in text
    assert "<p>Why we ask.</p>" in text and "<p>Thank you.</p>" in text
    # In order, numbered, as the respondents' partial shows them.
    order = [
        "1. I feel supported.",
        "2. Would you recommend us?",
        "3. How often do you meet?",
        "4. What helps?",
        "5. Would you join again?",
        "6. One word for the group?",
        "7. Anything else?",
    ]
    assert [text.index(label) for label in order] == sorted(text.index(label) for label in order)
    # Exactly the respondents' partial, every field disabled.
    form = ResponseForm(questions=list(every_kind.questions.order_by("position")), auto_id="preview-%s")
    assert render_to_string("feedback/_questions.html", {"form": form, "disabled": True}) in text
    assert "Strongly disagree" in text and "Strongly agree" in text  # agreement
    for value in range(11):
        assert f'value="{value}"' in text  # rating
    assert 'value="Weekly"' in text and 'value="Goals"' in text and 'type="checkbox"' in text  # choices
    yes_no = text.split("5. Would you join again?")[1].split("6. One word")[0]
    assert ">Yes<" in yes_no and ">No<" in yes_no  # yes or no
    assert '<input type="text"' in text and "<textarea" in text  # short and long text
    assert "(optional)" in text
    assert "0 is not at all." in text and "Say what you like." in text
    preview = text.split('class="survey preview')[1].split("</main>")[0]
    fields = preview.count("<input") + preview.count("<textarea")
    assert fields == 5 + 11 + 2 + 3 + 2 + 1 + 1
    assert preview.count(" disabled") == fields
    assert "<form" not in preview


def test_an_empty_questionnaire_says_so(as_user, world):
    empty = Questionnaire.objects.create(programme=world.programme, name="Empty")
    assert "This questionnaire has no questions yet." in as_user(world.coordinator).get(preview_url(empty)).text


def test_a_sent_questionnaire_can_be_previewed(as_user, world, open_midpoint):
    questionnaire = open_midpoint.mentor_questionnaire
    response = as_user(world.coordinator).get(preview_url(questionnaire))
    assert response.status_code == 200
    assert questionnaire.questions.order_by("position").first().text in response.text


def test_the_preview_makes_as_many_queries_for_many_questions_as_for_few(as_user, world, every_kind):
    client = as_user(world.coordinator)
    few = count_queries(client, preview_url(every_kind))
    for position in range(8, 21):
        Question.objects.create(
            questionnaire=every_kind, position=position, kind=QuestionKind.YES_NO, text=f"Q{position}?"
        )
    assert count_queries(client, preview_url(every_kind)) == few
