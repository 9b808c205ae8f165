"""Answering a survey, signed in: the page of a round the person was asked to answer.

The page says whose eyes the answers reach, then shows the questions. "Save and finish later" keeps a draft without
checking anything required; "Send my answers" asks for every required answer, at the question and in a summary at
the top, and submits once. A double click, a second tab or a replayed request keeps one response and shows the
thank-you state. An anonymous round keeps no link from the answers to the person; a named round shows the person
what they sent. Before the round opens, after it closes, or once the programme is closed, nothing is saved.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from feedback.models import Answer, Question, QuestionKind, Respondent, Response, RoundStatus, SurveyRound
from feedback.services.responding import AlreadySubmitted, NotOpen, questionnaire_of, save_answers
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


def answer_url(survey_round) -> str:
    return reverse("feedback:answer", kwargs={"round_pk": survey_round.pk})


def value_for(question: Question):
    """A valid answer to a question, as the browser posts it."""
    if question.kind == QuestionKind.AGREEMENT:
        return "4"
    if question.kind == QuestionKind.RATING:
        return "8"
    if question.kind == QuestionKind.YES_NO:
        return "0"
    if question.kind == QuestionKind.SINGLE:
        return question.choices[0]
    if question.kind == QuestionKind.MULTIPLE:
        return [question.choices[0], question.choices[1]]
    return f"My answer to {question.text}"


def all_answers(respondent: Respondent, *, action: str = "send") -> dict:
    """POST data answering every question of the respondent's questionnaire."""
    data = {f"q{question.pk}": value_for(question) for question in questionnaire_of(respondent).questions.all()}
    return {**data, "action": action}


def make_named(survey_round: SurveyRound) -> None:
    SurveyRound.objects.filter(pk=survey_round.pk).update(anonymous=False)


def required_question(respondent: Respondent) -> Question:
    return questionnaire_of(respondent).questions.filter(required=True).first()


def optional_question(respondent: Respondent) -> Question:
    return questionnaire_of(respondent).questions.filter(required=False, kind=QuestionKind.LONG_TEXT).first()


# The page ---------------------------------------------------------------------------------------------------------


def test_the_page_shows_the_round_the_deadline_the_intro_who_sees_the_answers_and_the_questions(
    as_user, world, mentee_respondent
):
    survey_round = mentee_respondent.round
    response = as_user(world.mentee).get(answer_url(survey_round))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mid-point survey" in text and "Pathways" in text
    assert f"Please answer by {survey_round.closes_on:%b}" in text
    assert questionnaire_of(mentee_respondent).intro.split(".")[0] in text
    assert "Your answers are anonymous." in text
    assert "only when at least 3 people have answered" in text
    for question in questionnaire_of(mentee_respondent).questions.all():
        assert question.text in text
    assert 'value="save"' in text and "Save and finish later" in text
    assert 'value="send"' in text and "Send my answers" in text
    assert response["Cache-Control"].startswith("max-age=0")  # personal answers are never cached


def test_a_mentor_answers_the_mentors_questionnaire(as_user, world, mentor_respondent):
    response = as_user(world.mentor).get(answer_url(mentor_respondent.round))
    assert response.context["questionnaire"] == mentor_respondent.round.mentor_questionnaire
    assert response.context["form"].questions == list(mentor_respondent.round.mentor_questionnaire.questions.all())


def test_a_named_round_says_the_coordinators_see_the_answers_with_the_name(as_user, world, mentee_respondent):
    make_named(mentee_respondent.round)
    text = as_user(world.mentee).get(answer_url(mentee_respondent.round)).content.decode()
    assert "Your answers are not anonymous." in text
    assert "The coordinators of Pathways see your answers with your name" in text


def test_the_questions_are_accessible_fieldsets_and_labels_with_big_options(as_user, world, mentee_respondent):
    text = as_user(world.mentee).get(answer_url(mentee_respondent.round)).content.decode()
    rating = questionnaire_of(mentee_respondent).questions.get(kind=QuestionKind.RATING)
    assert "<fieldset" in text and "<legend" in text
    assert '<label class="scale-option' in text
    assert f'for="id_q{rating.pk}_10"' in text
    assert 'class="list-group choice-list' in text
    assert "feedback.css" in text
    assert "<script>" not in text and "style=" not in text


# Draft, then submission ---------------------------------------------------------------------------------------------


def test_a_draft_is_saved_without_the_required_answers_and_filled_in_again(as_user, world, mentee_respondent):
    client = as_user(world.mentee)
    optional = optional_question(mentee_respondent)
    response = client.post(
        answer_url(mentee_respondent.round), {f"q{optional.pk}": "More time together.", "action": "save"}
    )
    assert response.status_code == 302 and response["Location"] == answer_url(mentee_respondent.round)
    draft = Response.objects.get(respondent=mentee_respondent)
    assert not draft.is_submitted
    assert draft.answers.get().text == "More time together."
    mentee_respondent.refresh_from_db()
    assert mentee_respondent.submitted_at is None
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Saved. You can come back to this page until" in text
    assert "You saved some answers before." in text
    assert "More time together.</textarea>" in text


def test_a_draft_then_its_submission_keeps_one_response(as_user, world, mentee_respondent):
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    client.post(url, all_answers(mentee_respondent, action="save"))
    response = client.post(url, all_answers(mentee_respondent, action="send"))
    assert response.status_code == 302
    mentee_respondent.refresh_from_db()
    assert mentee_respondent.submitted_at is not None
    assert Response.objects.filter(round=mentee_respondent.round).count() == 1
    submitted = Response.objects.get(round=mentee_respondent.round)
    assert submitted.is_submitted
    assert submitted.answers.count() == questionnaire_of(mentee_respondent).questions.count()
    text = client.get(url).content.decode()
    assert "Thank you!" in text and "You answered on" in text
    assert "Send my answers" not in text


def test_sending_without_the_required_answers_says_so_at_each_question_and_submits_nothing(
    as_user, world, mentee_respondent
):
    client = as_user(world.mentee)
    data = all_answers(mentee_respondent)
    missing = required_question(mentee_respondent)
    del data[f"q{missing.pk}"]
    response = client.post(answer_url(mentee_respondent.round), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert response.context["form"].errors == {f"q{missing.pk}": ["Please answer this question."]}
    # At the question, tied to it for screen readers, and in the summary at the top with a link to it.
    assert f'id="id_q{missing.pk}-error">Please answer this question.</div>' in text
    assert f'aria-describedby="id_q{missing.pk}-error"' in text
    assert 'class="alert alert-danger error-summary" role="alert" tabindex="-1" autofocus' in text
    assert f'href="#id_q{missing.pk}_0"' in text
    assert 'id="id_q' + str(missing.pk) + '_0"' in text
    # What the person had answered stays on the page.
    other = optional_question(mentee_respondent)
    assert f"My answer to {other.text}</textarea>" in text
    mentee_respondent.refresh_from_db()
    assert mentee_respondent.submitted_at is None
    assert not Response.objects.filter(round=mentee_respondent.round, submitted_on__isnull=False).exists()


def test_an_answer_that_is_not_one_of_the_options_is_refused_at_the_question(as_user, world, mentee_respondent):
    rating = questionnaire_of(mentee_respondent).questions.get(kind=QuestionKind.RATING)
    data = {**all_answers(mentee_respondent), f"q{rating.pk}": "11"}
    response = as_user(world.mentee).post(answer_url(mentee_respondent.round), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"q{rating.pk}"]
    assert not Response.objects.filter(round=mentee_respondent.round).exists()


def test_a_text_that_is_too_long_is_refused_also_in_a_draft(as_user, world, mentee_respondent):
    optional = optional_question(mentee_respondent)
    response = as_user(world.mentee).post(
        answer_url(mentee_respondent.round), {f"q{optional.pk}": "x" * 5001, "action": "save"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"q{optional.pk}"]
    assert not Response.objects.filter(round=mentee_respondent.round).exists()


def test_a_post_without_a_button_saves_a_draft_and_never_sends(as_user, world, mentee_respondent):
    data = all_answers(mentee_respondent)
    del data["action"]
    as_user(world.mentee).post(answer_url(mentee_respondent.round), data)
    mentee_respondent.refresh_from_db()
    assert mentee_respondent.submitted_at is None
    assert Response.objects.get(round=mentee_respondent.round).answers.exists()


# Sending twice --------------------------------------------------------------------------------------------------------


def test_sending_twice_keeps_one_response_and_shows_the_thank_you_with_a_gentle_note(as_user, world, mentee_respondent):
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    first = client.post(url, all_answers(mentee_respondent))
    changed = all_answers(mentee_respondent)
    changed[f"q{optional_question(mentee_respondent).pk}"] = "A second try."
    second = client.post(url, changed)  # the second tab, or the double click
    assert first.status_code == second.status_code == 302
    assert second["Location"] == url
    assert Response.objects.filter(round=mentee_respondent.round).count() == 1
    assert not Answer.objects.filter(text="A second try.").exists()
    text = client.get(url).content.decode()
    assert "You had already sent your answers. We kept the answers you sent first." in text
    assert "Thank you!" in text


def test_a_replayed_empty_request_after_sending_changes_nothing(as_user, world, mentee_respondent):
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    client.post(url, all_answers(mentee_respondent))
    response = client.post(url, {"action": "send"})
    assert response.status_code == 302
    assert Response.objects.get(round=mentee_respondent.round).answers.count() > 0


def test_save_answers_twice_raises_already_submitted_and_keeps_one_response(mentee_respondent):
    answers = {question.pk: None for question in questionnaire_of(mentee_respondent).questions.all()}
    save_answers(respondent=mentee_respondent, answers=answers, submit=True)
    with pytest.raises(AlreadySubmitted):
        save_answers(respondent=mentee_respondent, answers=answers, submit=True)
    with pytest.raises(AlreadySubmitted):
        save_answers(respondent=mentee_respondent, answers=answers, submit=False)
    assert Response.objects.filter(round=mentee_respondent.round).count() == 1


# Anonymous and named rounds ---------------------------------------------------------------------------------------


def test_an_anonymous_response_keeps_no_link_to_the_person_and_the_page_shows_nothing_of_it(
    as_user, world, mentee_respondent
):
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    data = all_answers(mentee_respondent)
    secret = f"My answer to {optional_question(mentee_respondent).text}"
    client.post(url, data)
    submitted = Response.objects.get(round=mentee_respondent.round)
    assert submitted.respondent is None and submitted.user is None
    assert submitted.submitted_at is None  # the day only, not the time
    assert submitted.started.astimezone(world.programme.zone).time() == datetime.time(0, 0)  # nor when it began
    assert submitted.role == "mentee"
    text = client.get(url).content.decode()
    assert "Thank you!" in text
    assert "They are no longer linked to your name" in text
    assert secret not in text
    assert "Your answers</h2>" not in text


def test_a_named_round_shows_the_person_what_they_sent(as_user, world, mentee_respondent):
    make_named(mentee_respondent.round)
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    client.post(url, all_answers(mentee_respondent))
    submitted = Response.objects.get(round=mentee_respondent.round)
    assert submitted.respondent == mentee_respondent
    text = client.get(url).content.decode()
    assert "Your answers</h2>" in text
    assert f"My answer to {optional_question(mentee_respondent).text}" in text
    assert '<dd class="mb-3">Agree</dd>' in text  # the agreement scale's label, not its number
    assert "8 out of 10" in text
    assert '<dd class="mb-3">No</dd>' in text
    assert "<input" not in text.split("Your answers</h2>")[1].split("</section>")[0]  # read-only


def test_an_unanswered_optional_question_reads_no_answer(as_user, world, mentee_respondent):
    make_named(mentee_respondent.round)
    client = as_user(world.mentee)
    data = all_answers(mentee_respondent)
    del data[f"q{optional_question(mentee_respondent).pk}"]
    client.post(answer_url(mentee_respondent.round), data)
    assert "No answer" in client.get(answer_url(mentee_respondent.round)).content.decode()


# Not open ---------------------------------------------------------------------------------------------------------


def test_a_round_that_has_not_opened_yet_says_when_it_opens_and_saves_nothing(as_user, world, mentee_respondent):
    SurveyRound.objects.filter(pk=mentee_respondent.round_id).update(
        status=RoundStatus.SCHEDULED, opens_on=datetime.date(2027, 1, 20)
    )
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    text = client.get(url).content.decode()
    assert "This survey opens on Jan. 20, 2027." in text
    assert "Send my answers" not in text
    response = client.post(url, all_answers(mentee_respondent))
    assert response.status_code == 302
    assert not Response.objects.exists()
    assert "This survey is not open yet. Your answers were not saved." in client.get(url).content.decode()


def test_a_closed_round_says_when_it_closed_and_saves_nothing(as_user, world, mentee_respondent):
    SurveyRound.objects.filter(pk=mentee_respondent.round_id).update(status=RoundStatus.CLOSED)
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    text = client.get(url).content.decode()
    assert f"This survey closed on {mentee_respondent.round.closes_on:%b}" in text
    assert "Send my answers" not in text
    client.post(url, all_answers(mentee_respondent))
    assert not Response.objects.exists()
    assert "This survey is closed. Your answers were not saved." in client.get(url).content.decode()


def test_a_round_of_a_closed_programme_is_closed(as_user, world, mentee_respondent):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    assert "This programme is closed. You can no longer answer this survey." in client.get(url).content.decode()
    client.post(url, all_answers(mentee_respondent))
    assert not Response.objects.exists()


def test_a_round_that_closes_while_the_person_answers_saves_nothing(mentee_respondent):
    SurveyRound.objects.filter(pk=mentee_respondent.round_id).update(status=RoundStatus.CLOSED)
    with pytest.raises(NotOpen):
        save_answers(respondent=mentee_respondent, answers={}, submit=True)
    assert not Response.objects.exists()


def test_the_thank_you_stays_after_the_round_closed(as_user, world, mentee_respondent):
    client = as_user(world.mentee)
    url = answer_url(mentee_respondent.round)
    client.post(url, all_answers(mentee_respondent))
    SurveyRound.objects.filter(pk=mentee_respondent.round_id).update(status=RoundStatus.CLOSED)
    text = client.get(url).content.decode()
    assert "Thank you!" in text and "closed on" not in text


# Who may ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "other_coordinator"])
def test_only_the_people_asked_open_the_page(as_user, world, open_midpoint, persona):
    client = as_user(getattr(world, persona))
    assert client.get(answer_url(open_midpoint)).status_code == 404
    assert client.post(answer_url(open_midpoint), {"action": "save"}).status_code == 404


def test_nobody_answers_for_someone_else_through_the_signed_in_page(as_user, world, mentee_respondent):
    """The page always answers as the signed-in person: the mentor's post changes the mentor's own draft."""
    mentor_client = as_user(world.mentor)
    mentor_client.post(answer_url(mentee_respondent.round), {"action": "save"})
    assert not Response.objects.filter(respondent=mentee_respondent).exists()


def test_a_round_that_does_not_exist_is_not_found(as_user, world, open_midpoint):
    assert as_user(world.mentee).get(reverse("feedback:answer", kwargs={"round_pk": 999999})).status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, open_midpoint):
    response = client.get(answer_url(open_midpoint))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_page_takes_only_get_and_post(as_user, world, open_midpoint):
    assert as_user(world.mentee).put(answer_url(open_midpoint)).status_code == 405


# Queries ----------------------------------------------------------------------------------------------------------


def set_question_count(questionnaire, count: int) -> None:
    """Replaces the questionnaire's questions with ``count`` questions of every kind, in turn."""
    kinds = [QuestionKind.AGREEMENT, QuestionKind.RATING, QuestionKind.SINGLE, QuestionKind.MULTIPLE]
    kinds += [QuestionKind.YES_NO, QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT]
    questionnaire.questions.all().delete()
    Question.objects.bulk_create(
        Question(
            questionnaire=questionnaire,
            position=n,
            kind=kinds[n % len(kinds)],
            text=f"Question {n}",
            choices=["One", "Two", "Three"],
        )
        for n in range(count)
    )


@pytest.mark.parametrize("named", [False, True])
def test_the_page_makes_as_many_queries_for_twenty_questions_as_for_five(
    as_user, world, mentee_respondent, mentor_respondent, named
):
    """The mentee's questionnaire has five questions and the mentor's twenty: their pages cost the same, with a
    draft and after sending."""
    if named:
        make_named(mentee_respondent.round)
    set_question_count(questionnaire_of(mentee_respondent), 5)
    set_question_count(questionnaire_of(mentor_respondent), 20)
    counts = {}
    for person, respondent in ((world.mentee, mentee_respondent), (world.mentor, mentor_respondent)):
        client = as_user(person)
        url = answer_url(respondent.round)
        client.post(url, all_answers(respondent, action="save"))
        with_draft = count_queries(client, url)
        client.post(url, all_answers(respondent))
        counts[person.pk] = (with_draft, count_queries(client, url))
    assert counts[world.mentee.pk] == counts[world.mentor.pk]
    # session, user, navigation, the respondent with its round and programme, the draft, the questions, its
    # answers; after sending, the same with the response instead of the draft if the round is named, else nothing
    assert counts[world.mentee.pk] == (7, 7 if named else 4)
