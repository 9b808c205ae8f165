"""A questionnaire's page and its questions: adding (always last), changing, deleting and moving them.

Each question has a type, its text (up to 500 characters), an optional help text, required or optional, options
for single and multiple choice (one per line, at least two different ones; other types have none), and an optional
key that sets it side by side with the question of the same key in another survey. Questions stay numbered 1..n.
"""

import pytest
from django.urls import reverse

from feedback.models import RECOMMEND_KEY, Question, QuestionKind, Questionnaire
from feedback.services.builder import add_question, move_question
from mentoring.tests.querycount import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(world) -> Questionnaire:
    """A questionnaire of three questions, not sent."""
    questionnaire = Questionnaire.objects.create(
        programme=world.programme, name="Check-in", created_by=world.coordinator
    )
    for position, text in enumerate(["First?", "Second?", "Third?"], start=1):
        Question.objects.create(questionnaire=questionnaire, position=position, kind=QuestionKind.SHORT_TEXT, text=text)
    return questionnaire


def url(name: str, questionnaire: Questionnaire, question: Question | None = None) -> str:
    kwargs = {"pk": questionnaire.programme_id, "questionnaire_pk": questionnaire.pk}
    if question is not None:
        kwargs["question_pk"] = question.pk
    return reverse(f"surveys:{name}", kwargs=kwargs)


def texts(questionnaire: Questionnaire) -> list[str]:
    return list(questionnaire.questions.order_by("position").values_list("text", flat=True))


def positions(questionnaire: Questionnaire) -> list[int]:
    return list(questionnaire.questions.order_by("position").values_list("position", flat=True))


def question(questionnaire: Questionnaire, text: str) -> Question:
    return questionnaire.questions.get(text=text)


def form(**fields) -> dict:
    data = {"kind": QuestionKind.AGREEMENT, "text": "The group helps me.", "help_text": "", "required": "on"}
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


# The questionnaire's page


def test_the_page_shows_the_questions_in_order_with_their_controls(as_user, world, questionnaire):
    Question.objects.filter(questionnaire=questionnaire, text="Second?").update(
        kind=QuestionKind.SINGLE, choices=["Yes, often", "Sometimes"], help_text="Think of last month.", key="often"
    )
    response = as_user(world.coordinator).get(url("questionnaire", questionnaire))
    text = response.text
    assert response.status_code == 200
    assert text.index("1. First?") < text.index("2. Second?") < text.index("3. Third?")
    assert "Single choice" in text and "Yes, often" in text and "Think of last month." in text
    assert "<code>often</code>" in text
    second = question(questionnaire, "Second?")
    assert url("question_edit", questionnaire, second) in text
    assert url("question_delete", questionnaire, second) in text
    assert text.count(url("question_move", questionnaire, second)) == 2  # up and down
    first = question(questionnaire, "First?")
    assert text.count(url("question_move", questionnaire, first)) == 1  # the first only moves down
    assert url("question_add", questionnaire) in text
    assert url("questionnaire_edit", questionnaire) in text
    assert url("questionnaire_preview", questionnaire) in text
    assert f'<a href="{url("questionnaire", questionnaire).rsplit("/", 2)[0]}/">Questionnaires</a>' in text


def test_an_empty_questionnaire_says_to_add_the_first_question(as_user, world):
    empty = Questionnaire.objects.create(programme=world.programme, name="Empty")
    response = as_user(world.coordinator).get(url("questionnaire", empty))
    assert "No questions yet." in response.text
    assert "Add the first question." in response.text


def test_the_page_makes_as_many_queries_for_20_questions_as_for_3(as_user, world, questionnaire, rounds):
    client = as_user(world.coordinator)
    few = count_queries(client, url("questionnaire", questionnaire))
    for number in range(17):
        add_question(
            questionnaire=questionnaire,
            kind=QuestionKind.MULTIPLE,
            text=f"Q{number}?",
            choices=["A", "B"],
            key=f"k{number}",
        )
    assert questionnaire.questions.count() == 20
    assert count_queries(client, url("questionnaire", questionnaire)) == few


def test_a_question_of_another_questionnaire_is_not_found(as_user, world, questionnaire):
    other = Questionnaire.objects.create(programme=world.programme, name="Other")
    stranger = Question.objects.create(questionnaire=other, position=1, kind=QuestionKind.YES_NO, text="Stranger?")
    client = as_user(world.coordinator)
    assert client.get(url("question_edit", questionnaire, stranger)).status_code == 404
    assert client.post(url("question_delete", questionnaire, stranger)).status_code == 404
    assert client.post(url("question_move", questionnaire, stranger), {"direction": "up"}).status_code == 404
    assert other.questions.count() == 1


# Changing the details


def test_a_coordinator_changes_the_details(as_user, world, questionnaire):
    client = as_user(world.coordinator)
    page = client.get(url("questionnaire_edit", questionnaire))
    assert page.status_code == 200 and 'value="Check-in"' in page.text
    response = client.post(
        url("questionnaire_edit", questionnaire),
        {"name": "Check-in 2", "intro": "Why we ask.", "purpose": "pulse", "audience": "mentees"},
    )
    assert response.status_code == 302 and response["Location"] == url("questionnaire", questionnaire)
    questionnaire.refresh_from_db()
    assert (questionnaire.name, questionnaire.intro, questionnaire.purpose, questionnaire.audience) == (
        "Check-in 2",
        "Why we ask.",
        "pulse",
        "mentees",
    )


def test_details_with_a_mistake_come_back_with_the_message_at_the_field(as_user, world, questionnaire):
    response = as_user(world.coordinator).post(
        url("questionnaire_edit", questionnaire), {"name": "", "intro": "", "purpose": "other", "audience": "both"}
    )
    assert response.status_code == 200
    assert 'id="error_1_id_name"' in response.text and "Please give the questionnaire a name." in response.text
    questionnaire.refresh_from_db()
    assert questionnaire.name == "Check-in"


# Adding a question


def test_a_new_question_goes_last(as_user, world, questionnaire):
    client = as_user(world.coordinator)
    page = client.get(url("question_add", questionnaire))
    assert page.status_code == 200
    assert "questions with the same key in the mid-point and end surveys are compared side by side" in page.text.lower()
    response = client.post(
        url("question_add", questionnaire),
        form(
            kind=QuestionKind.MULTIPLE,
            text="What helps?",
            choices="Sessions\r\n\r\n  The mentor \r\nGoals\r\n",
            key="Helps",
        ),
    )
    added = question(questionnaire, "What helps?")
    assert response.status_code == 302
    assert response["Location"] == url("questionnaire", questionnaire) + f"#question-{added.pk}"
    assert texts(questionnaire) == ["First?", "Second?", "Third?", "What helps?"]
    assert positions(questionnaire) == [1, 2, 3, 4]
    assert added.choices == ["Sessions", "The mentor", "Goals"]
    assert (added.kind, added.required, added.key) == (QuestionKind.MULTIPLE, True, "helps")


def test_an_optional_question_with_help_text(as_user, world, questionnaire):
    as_user(world.coordinator).post(
        url("question_add", questionnaire),
        form(kind=QuestionKind.LONG_TEXT, text="Anything else?", help_text="Say what you like.", required=None),
    )
    added = question(questionnaire, "Anything else?")
    assert (added.required, added.help_text, added.choices, added.key) == (False, "Say what you like.", [], "")


@pytest.mark.parametrize("kind", [QuestionKind.SINGLE, QuestionKind.MULTIPLE])
@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ("", "Please write at least two options, one on each line."),
        ("Only one\r\n\r\n   ", "Please write at least two options, one on each line."),
        ("Yes\r\nNo\r\nyes", "Each option must be different. “yes” is there twice."),
        ("Short\r\n" + "x" * 201, "Each option can have at most 200 characters."),
    ],
)
def test_choice_questions_need_two_different_options(as_user, world, questionnaire, kind, choices, message):
    response = as_user(world.coordinator).post(url("question_add", questionnaire), form(kind=kind, choices=choices))
    assert response.status_code == 200
    assert message in response.text
    assert message in str(response.context["form"].errors["choices"])
    assert 'id="error_1_id_choices"' in response.text
    assert questionnaire.questions.count() == 3


@pytest.mark.parametrize(
    "kind",
    [QuestionKind.AGREEMENT, QuestionKind.RATING, QuestionKind.YES_NO, QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT],
)
def test_other_types_refuse_options(as_user, world, questionnaire, kind):
    response = as_user(world.coordinator).post(url("question_add", questionnaire), form(kind=kind, choices="A\nB"))
    assert response.status_code == 200
    assert "Only single choice and multiple choice questions have options." in str(
        response.context["form"].errors["choices"]
    )
    assert questionnaire.questions.count() == 3


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": "  "}, "text", "Please write the question."),
        ({"text": "x" * 501}, "text", "at most 500 characters"),
        ({"help_text": "x" * 501}, "help_text", "at most 500 characters"),
        ({"kind": "essay"}, "kind", "Select a valid choice."),
        ({"key": "my key"}, "key", "Use only small letters, digits, - and _, without spaces."),
        ({"key": "first"}, "key", "Another question in this questionnaire has this key."),
        ({"key": RECOMMEND_KEY}, "key", "The key “recommend” is for the question how likely people are to recommend"),
    ],
)
def test_a_question_with_a_mistake_comes_back_with_the_message_at_the_field(
    as_user, world, questionnaire, fields, field, message
):
    Question.objects.filter(questionnaire=questionnaire, text="First?").update(key="first")
    response = as_user(world.coordinator).post(url("question_add", questionnaire), form(**fields))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert f'id="error_1_id_{field}"' in response.text
    assert questionnaire.questions.count() == 3


def test_the_recommend_key_goes_with_a_rating(as_user, world, questionnaire):
    response = as_user(world.coordinator).post(
        url("question_add", questionnaire), form(kind=QuestionKind.RATING, text="Recommend us?", key=RECOMMEND_KEY)
    )
    assert response.status_code == 302
    assert question(questionnaire, "Recommend us?").key == RECOMMEND_KEY


# Changing a question


def test_a_coordinator_changes_a_question_and_it_keeps_its_place(as_user, world, questionnaire):
    second = question(questionnaire, "Second?")
    client = as_user(world.coordinator)
    page = client.get(url("question_edit", questionnaire, second))
    assert page.status_code == 200 and "Second?" in page.text
    response = client.post(
        url("question_edit", questionnaire, second),
        form(kind=QuestionKind.SINGLE, text="Second, changed?", choices="Yes\nNo", key="second"),
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.text, second.kind, second.choices, second.key, second.position) == (
        "Second, changed?",
        QuestionKind.SINGLE,
        ["Yes", "No"],
        "second",
        2,
    )


def test_a_question_keeps_its_own_key_when_changed(as_user, world, questionnaire):
    second = question(questionnaire, "Second?")
    Question.objects.filter(pk=second.pk).update(key="second")
    response = as_user(world.coordinator).post(
        url("question_edit", questionnaire, second), form(text="Second again?", key="second")
    )
    assert response.status_code == 302


def test_the_edit_form_shows_the_options_one_per_line(as_user, world, questionnaire):
    second = question(questionnaire, "Second?")
    Question.objects.filter(pk=second.pk).update(kind=QuestionKind.SINGLE, choices=["Often", "Never"])
    page = as_user(world.coordinator).get(url("question_edit", questionnaire, second))
    assert "Often\nNever</textarea>" in page.text


def test_changing_a_choice_question_to_text_needs_its_options_removed(as_user, world, questionnaire):
    second = question(questionnaire, "Second?")
    Question.objects.filter(pk=second.pk).update(kind=QuestionKind.SINGLE, choices=["Often", "Never"])
    response = as_user(world.coordinator).post(
        url("question_edit", questionnaire, second), form(kind=QuestionKind.SHORT_TEXT, choices="Often\nNever")
    )
    assert response.status_code == 200
    assert "choices" in response.context["form"].errors
    second.refresh_from_db()
    assert second.kind == QuestionKind.SINGLE


# Deleting a question


def test_deleting_asks_first_then_renumbers(as_user, world, questionnaire):
    second = question(questionnaire, "Second?")
    client = as_user(world.coordinator)
    page = client.get(url("question_delete", questionnaire, second))
    assert page.status_code == 200
    assert "Delete the question?" in page.text and "Second?" in page.text
    assert questionnaire.questions.count() == 3
    response = client.post(url("question_delete", questionnaire, second))
    assert response.status_code == 302 and response["Location"] == url("questionnaire", questionnaire)
    assert texts(questionnaire) == ["First?", "Third?"]
    assert positions(questionnaire) == [1, 2]


# Moving a question


def test_moving_up_and_down_swaps_neighbours(as_user, world, questionnaire):
    client = as_user(world.coordinator)
    third = question(questionnaire, "Third?")
    response = client.post(url("question_move", questionnaire, third), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == url("questionnaire", questionnaire) + f"#question-{third.pk}"
    assert texts(questionnaire) == ["First?", "Third?", "Second?"]
    client.post(url("question_move", questionnaire, question(questionnaire, "First?")), {"direction": "down"})
    assert texts(questionnaire) == ["Third?", "First?", "Second?"]
    assert positions(questionnaire) == [1, 2, 3]
    assert "The question moved down." in client.get(url("questionnaire", questionnaire)).text


def test_the_first_does_not_move_up_nor_the_last_down(as_user, world, questionnaire):
    client = as_user(world.coordinator)
    client.post(url("question_move", questionnaire, question(questionnaire, "First?")), {"direction": "up"})
    client.post(url("question_move", questionnaire, question(questionnaire, "Third?")), {"direction": "down"})
    assert texts(questionnaire) == ["First?", "Second?", "Third?"]
    assert "This question is already last." in client.get(url("questionnaire", questionnaire)).text


def test_a_move_without_a_direction_is_refused_with_a_message(as_user, world, questionnaire):
    client = as_user(world.coordinator)
    response = client.post(
        url("question_move", questionnaire, question(questionnaire, "Second?")), {"direction": "left"}
    )
    assert response.status_code == 302
    assert "Choose whether to move the question up or down." in client.get(response["Location"]).text
    assert texts(questionnaire) == ["First?", "Second?", "Third?"]


def test_moving_mends_gaps_and_repeats_in_the_numbering(world, questionnaire):
    Question.objects.filter(questionnaire=questionnaire, text="Second?").update(position=7)
    Question.objects.filter(questionnaire=questionnaire, text="Third?").update(position=7)
    assert move_question(question=question(questionnaire, "Third?"), up=True)
    assert texts(questionnaire) == ["First?", "Third?", "Second?"]
    assert positions(questionnaire) == [1, 2, 3]
