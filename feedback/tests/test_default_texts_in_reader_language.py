"""The product's default questionnaires speak each reader's language.

A programme's copy of the defaults is written in the language of the person who created it. Wherever a text of the
copy is still one of the product's (a question, its help text, a choice, the questionnaire's name and
introduction, the round's name), each reader sees it in their own language: a German-speaking mentee answers the
default survey in German although an English-speaking coordinator set it up, and the other way round. A text a
coordinator wrote is shown as written. A chosen option is stored as asked, so results count it as one whatever
language it was chosen in.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from feedback.defaults import GOALS, MENTEE_MIDPOINT, OUTCOMES, shown
from feedback.models import Answer, Purpose, QuestionKind
from feedback.services.responding import questionnaire_of
from feedback.services.rounds import ensure_rounds, open_round
from feedback.tests.test_respond_answering import all_answers, answer_url

pytestmark = pytest.mark.django_db


def german(text) -> str:
    with translation.override("de"):
        return str(text)


def english(text) -> str:
    with translation.override("en"):
        return str(text)


def speaks(person, language: str) -> None:
    person.language = language
    person.save(update_fields=["language"])


def test_a_default_text_is_shown_in_the_readers_language_whatever_language_it_was_copied_in():
    supported = OUTCOMES[0].text
    with translation.override("de"):
        assert shown(english(supported)) == german(supported)
        assert shown(german(supported)) == german(supported)
    with translation.override("en"):
        assert shown(german(supported)) == english(supported)
    assert shown("Wie war es heute?") == "Wie war es heute?"  # written by a coordinator: as it is


def test_a_german_speaking_mentee_answers_the_english_copy_in_german(as_user, world, mentee_respondent):
    speaks(world.mentee, "de")
    page = as_user(world.mentee).get(answer_url(mentee_respondent.round)).content.decode()
    assert german(OUTCOMES[0].text) in page
    assert english(OUTCOMES[0].text) not in page
    assert german(MENTEE_MIDPOINT.intro) in page
    assert german(GOALS.choices[0]) in page  # the option's label
    assert f'value="{english(GOALS.choices[0])}"' in page  # and its value as the copy has it


def test_a_choice_made_in_german_is_stored_as_asked(as_user, world, mentee_respondent):
    speaks(world.mentee, "de")
    response = as_user(world.mentee).post(answer_url(mentee_respondent.round), all_answers(mentee_respondent))
    assert response.status_code == 302
    goals = questionnaire_of(mentee_respondent).questions.get(kind=QuestionKind.SINGLE)
    assert Answer.objects.get(question=goals).choices == [english(GOALS.choices[0])]


def test_an_english_speaking_mentee_reads_a_copy_made_in_german_in_english(as_user, world):
    speaks(world.coordinator, "de")
    midpoint, _end = ensure_rounds(world.programme, by=world.coordinator)  # copied in German
    open_round(midpoint)
    assert german(OUTCOMES[0].text) in list(midpoint.mentee_questionnaire.questions.values_list("text", flat=True))
    page = as_user(world.mentee).get(answer_url(midpoint)).content.decode()
    assert english(OUTCOMES[0].text) in page
    assert german(OUTCOMES[0].text) not in page


def test_a_question_the_coordinator_wrote_is_shown_as_written(as_user, world, open_midpoint):
    questionnaire = open_midpoint.mentee_questionnaire
    questionnaire.questions.filter(text=english(OUTCOMES[0].text)).update(text="Wie war es heute?")
    speaks(world.mentee, "en")
    page = as_user(world.mentee).get(answer_url(open_midpoint)).content.decode()
    assert "Wie war es heute?" in page


def test_the_coordinator_reads_the_questionnaire_and_the_rounds_in_their_language(as_user, world, open_midpoint):
    speaks(world.coordinator, "de")
    client = as_user(world.coordinator)
    preview = reverse(
        "surveys:questionnaire_preview",
        kwargs={"pk": world.programme.pk, "questionnaire_pk": open_midpoint.mentee_questionnaire_id},
    )
    page = client.get(preview).content.decode()
    assert german(OUTCOMES[0].text) in page and english(OUTCOMES[0].text) not in page
    assert german(MENTEE_MIDPOINT.name) in page
    rounds = client.get(reverse("surveys:rounds", kwargs={"pk": world.programme.pk})).content.decode()
    assert german(Purpose.MIDPOINT.label) in rounds
    assert english(Purpose.MIDPOINT.label) not in rounds
