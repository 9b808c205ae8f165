"""Feedback in a real browser, at desktop and phone widths: a coordinator opens the mid-point survey and a mentee
answers it from the link in her email without signing in (a draft first, then one submission); the coordinator
reads the results, which an anonymous survey shows only from three responses; a coordinator builds a questionnaire;
a mentor sends the group's mid-point evaluation and the coordinator reads it.

No Celery worker runs in tests: after a step that sends email, the test delivers the queued emails itself
(``deliver_queued_emails``); they land in ``mail.outbox``.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.test_first_journeys import sign_in
from e2e.test_group_journeys import open_tab
from e2e.test_recruitment_journeys import PageWidth, as_someone_else, deliver_queued_emails, email_to, link_in
from e2e.test_session_journeys import field, open_the_group
from feedback.defaults import GOALS, OUTCOMES, RECOMMEND
from feedback.models import Respondent, Response, RoundKind, SurveyRound
from feedback.services.responding import save_answers
from feedback.services.rounds import ensure_rounds, open_round
from groups.models import GroupRole
from mentoring.tests.factories import UserFactory, add_to_group

pytestmark = pytest.mark.django_db(transaction=True)


# Helpers ---------------------------------------------------------------------------------------------------


def snap(page: Page, width: PageWidth, name: str) -> None:
    """A key step: the page must fit the screen, and a screenshot is kept."""
    width.check(name)
    page.shot(f"feedback-{name}")


def question(page: Page, text) -> object:
    """A question of a survey by its text: a fieldset named by its legend ("3. I feel supported by my group.")."""
    return page.get_by_role("group", name=re.compile(re.escape(str(text))))


def answer_by_key(survey_round: SurveyRound, person, values: dict[str, object]) -> None:
    """What a person sends through the survey page, by question key (``save_answers`` as the page calls it)."""
    respondent = Respondent.objects.get(round=survey_round, user=person)
    questions = survey_round.questionnaire_for(respondent.role).questions.all()
    answers = {q.pk: values[q.key] for q in questions if q.key in values}
    save_answers(respondent=respondent, answers=answers, submit=True)


# 1. Opening the mid-point survey and answering it from the email -------------------------------------------------


def test_the_coordinator_opens_the_survey_and_a_mentee_answers_it_from_her_email(screen, live_server, world):
    page = screen
    width = PageWidth(page)
    sign_in(page, live_server, world.coordinator.email)
    open_tab(page, live_server, world.programme, "Feedback")
    survey = page.get_by_role("region", name="Mid-point survey")
    expect(survey).to_contain_text("Scheduled")
    snap(page, width, "rounds")
    survey.get_by_role("button", name=re.compile("^Open now")).click()
    expect(page.get_by_text("The survey is open. The invitations are on their way.")).to_be_visible()
    expect(survey).to_contain_text("Opened on")
    expect(survey).to_contain_text("0 of 3")
    link = link_in(email_to(world.mentee.email, deliver_queued_emails()), "/feedback/answer/", live_server)

    # Max follows his link without signing in; he answers all but the last question and tries to send.
    as_someone_else(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="Mid-point survey", level=1)).to_be_visible()
    expect(page.get_by_text("Your answers are anonymous.")).to_be_visible()
    for statement in OUTCOMES:
        question(page, statement.text).get_by_label("Agree", exact=True).check()
    question(page, GOALS.text).get_by_label("Some progress").check()
    question(page, "Does the group meet often enough for you?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send my answers").click()
    summary = page.get_by_role("alert").filter(has_text="Please check these answers")
    expect(summary.get_by_role("link")).to_have_text([re.compile(re.escape(str(RECOMMEND.text)))])
    expect(question(page, RECOMMEND.text)).to_contain_text("Please answer this question.")
    snap(page, width, "answer-errors")

    # He saves a draft, comes back through the link later, and finds his answers kept.
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text(re.compile("^Saved. You can come back to this page until"))).to_be_visible()
    as_someone_else(page)
    page.goto(link)
    expect(page.get_by_text("You saved some answers before. They are filled in below.")).to_be_visible()
    expect(question(page, GOALS.text).get_by_label("Some progress")).to_be_checked()
    second_tab = page.context.new_page()  # the same link, left open in another tab
    second_tab.goto(link)
    question(page, RECOMMEND.text).get_by_label("9", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    snap(page, width, "answer-thanks")

    # Going back shows the thank-you, not the form; sending from the old tab keeps the first answers.
    page.go_back()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
    question(second_tab, RECOMMEND.text).get_by_label("2", exact=True).check()
    second_tab.get_by_role("button", name="Send my answers").click()
    expect(
        second_tab.get_by_text("You had already sent your answers. We kept the answers you sent first.")
    ).to_be_visible()
    expect(second_tab.get_by_role("heading", name="Thank you!")).to_be_visible()
    midpoint = SurveyRound.objects.get(programme=world.programme, kind=RoundKind.MIDPOINT)
    assert Response.objects.filter(round=midpoint).count() == 1
    assert Response.objects.get(round=midpoint).is_submitted
    assert Response.objects.get(round=midpoint).answers.get(question__key=RECOMMEND.key).number == 9
    assert Respondent.objects.get(round=midpoint, user=world.mentee).submitted_at is not None
    width.assert_all_fitted()


# 2. Results, and an anonymous survey with too few responses ------------------------------------------------------


def test_the_coordinator_reads_the_results_only_from_three_responses(screen, live_server, world):
    page = screen
    width = PageWidth(page)
    third = UserFactory(email="third.mentee@example.org", display_name="Tara Third")
    add_to_group(world.group, third, GroupRole.MENTEE)
    midpoint, end = ensure_rounds(world.programme, by=world.coordinator)
    open_round(midpoint)
    open_round(end)
    for person, score, goals in (
        (world.mentee, 10, "Good progress"),
        (world.other_group_member, 9, "Good progress"),
        (third, 3, "Some progress"),
    ):
        answer_by_key(midpoint, person, {RECOMMEND.key: score, GOALS.key: goals})
    for person in (world.mentee, third):
        answer_by_key(end, person, {RECOMMEND.key: 8})

    # Mid-point: three mentees answered, so their results show.
    sign_in(page, live_server, world.coordinator.email)
    open_tab(page, live_server, world.programme, "Feedback")
    page.get_by_role("region", name="Mid-point survey").get_by_role("link", name=re.compile("^Results")).click()
    expect(page.get_by_role("heading", name="Results: Mid-point survey", level=1)).to_be_visible()
    expect(page.get_by_text("3 of 4 people asked answered (75%).")).to_be_visible()
    mentees = page.get_by_role("region", name="Answers of: Mentees")
    expect(mentees.get_by_text(re.compile("^Recommendation score"))).to_have_text("Recommendation score: +33")
    goals = mentees.get_by_role("article", name=re.compile(re.escape(str(GOALS.text))))
    expect(goals.get_by_role("img", name=re.compile("^Chart of the answers"))).to_have_accessible_name(
        re.compile("Some progress 1 \\(33%\\); Good progress 2 \\(67%\\)")
    )
    goals.get_by_text("Show the numbers as a table").click()
    table = goals.get_by_role("table", name=re.compile("^Answers to"))
    expect(table.get_by_role("row", name=re.compile("^Good progress"))).to_have_text(
        re.compile("Good progress\\s*2\\s*67%")
    )
    expect(page.get_by_role("region", name="Answers of: Mentors")).to_contain_text("Not enough responses to show yet")
    snap(page, width, "results")

    # End: two answers only, so nothing shows yet.
    open_tab(page, live_server, world.programme, "Feedback")
    page.get_by_role("region", name="End-of-programme survey").get_by_role("link", name=re.compile("^Results")).click()
    expect(page.get_by_role("heading", name="Results: End-of-programme survey", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Answers of: Mentees")).to_contain_text(
        "Not enough responses to show yet: results appear from 3 responses, so nobody can be recognised."
    )
    expect(page.get_by_text(re.compile("^Recommendation score"))).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile("^Chart of the answers"))).to_have_count(0)
    snap(page, width, "results-not-enough")
    width.assert_all_fitted()


# 3. Building a questionnaire -------------------------------------------------------------------------------------


def test_the_coordinator_builds_a_questionnaire_and_previews_it(screen, live_server, world):
    page = screen
    width = PageWidth(page)
    name = "After the training day"
    choice, rating = "Which part of the day helped you most?", "How useful was the day for you?"
    sign_in(page, live_server, world.coordinator.email)
    open_tab(page, live_server, world.programme, "Feedback")
    page.get_by_role("navigation", name="More feedback").get_by_role("link", name="Questionnaires").click()
    expect(page.get_by_role("heading", name="Questionnaires", level=1)).to_be_visible()
    page.get_by_role("link", name="Make a new questionnaire").click()
    field(page, "Name").fill(name)
    field(page, "Used for").select_option(label="Other survey")
    page.get_by_label("Mentees", exact=True).check()
    page.get_by_role("button", name="Make the questionnaire").click()
    expect(page.get_by_text("The questionnaire is made. Now add its questions.")).to_be_visible()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(page.get_by_text("No questions yet.")).to_be_visible()

    # A single-choice question: one option is not enough.
    page.get_by_role("link", name="Add a question").click()
    field(page, "Type of question").select_option(label="Single choice")
    field(page, "Question").fill(choice)
    options = field(page, "Options (only for single and multiple choice)")
    options.fill("The talk")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Please write at least two options, one on each line.")).to_be_visible()
    snap(page, width, "question-error")
    options.fill("The talk\nThe group work\nThe lunch")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("The question is added at the end.")).to_be_visible()

    # A rating question, then moved up to come first.
    page.get_by_role("link", name="Add a question").click()
    field(page, "Type of question").select_option(label="Rating from 0 to 10")
    field(page, "Question").fill(rating)
    page.get_by_role("button", name="Add the question").click()
    questions = page.get_by_role("region", name="Questions (2)")
    expect(questions.get_by_role("heading", level=3)).to_have_text([f"1. {choice}", f"2. {rating}"])
    questions.get_by_role("button", name=re.compile("^Move up")).click()
    expect(page.get_by_text("The question moved up.")).to_be_visible()
    expect(questions.get_by_role("heading", level=3)).to_have_text([f"1. {rating}", f"2. {choice}"])
    snap(page, width, "questionnaire")

    # The preview shows it as people will see it, without letting anyone answer.
    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_role("heading", name=f"Preview: {name}", level=1)).to_be_visible()
    expect(page.get_by_role("group")).to_have_count(2)
    expect(page.get_by_role("group").first).to_contain_text(f"1. {rating}")
    expect(question(page, rating).get_by_label("7", exact=True)).to_be_disabled()
    expect(question(page, choice).get_by_label("The group work")).to_be_disabled()
    snap(page, width, "preview")
    width.assert_all_fitted()


# 4. The group's mid-point evaluation --------------------------------------------------------------------------


def test_the_mentor_sends_the_midpoint_evaluation_and_the_coordinator_reads_it(screen, live_server, world):
    page = screen
    width = PageWidth(page)
    today = timezone.localdate()
    world.programme.starts_on, world.programme.ends_on = (
        today - datetime.timedelta(days=120),
        today + datetime.timedelta(days=120),
    )
    world.programme.save()  # past its mid-point: the evaluation can be written
    going = "Everyone comes, and the members help each other between sessions."
    conclusions = "Please offer a training on public speaking."
    sign_in(page, live_server, world.mentor.email)
    open_the_group(page, "Group A")
    evaluation = page.get_by_role("region", name="Evaluation for the coordinator")
    evaluation.get_by_role("link", name="Write the mid-point evaluation").click()
    expect(page.get_by_role("heading", name="Mid-point evaluation of the group", level=1)).to_be_visible()
    page.get_by_role("button", name="Send to the coordinator").click()
    expect(
        page.get_by_text("Please write at least one of the four parts before you send the evaluation.")
    ).to_be_visible()
    field(page, "How is the group going?").fill(going)
    field(page, "Your conclusions and suggestions").fill(conclusions)
    snap(page, width, "evaluation-form")
    page.get_by_role("button", name="Send to the coordinator").click()
    expect(page.get_by_text("Thank you! Your evaluation was sent to the coordinator.")).to_be_visible()
    expect(page.get_by_text(re.compile("^Sent to the coordinator on .* by Mina Mentor"))).to_be_visible()
    page.get_by_role("link", name="Back to the group").first.click()
    expect(evaluation.get_by_role("link", name="Read the mid-point evaluation")).to_be_visible()

    # The coordinator finds it under Group evaluations.
    as_someone_else(page)
    sign_in(page, live_server, world.coordinator.email)
    open_tab(page, live_server, world.programme, "Feedback")
    page.get_by_role("navigation", name="More feedback").get_by_role("link", name="Group evaluations").click()
    expect(page.get_by_role("heading", name="Group evaluations", level=1)).to_be_visible()
    table = page.get_by_role("region", name="Evaluations")
    expect(table.get_by_role("row", name=re.compile("^Group B"))).to_contain_text("Not sent yet")
    row = table.get_by_role("row", name=re.compile("^Group A"))
    expect(row).to_contain_text("by Mina Mentor")
    snap(page, width, "evaluations")
    row.get_by_role("link", name=re.compile("^Read")).click()
    expect(page.get_by_role("heading", name="Mid-point evaluation of Group A", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(going)
    expect(page.locator("main")).to_contain_text(conclusions)
    snap(page, width, "evaluation-read")
    width.assert_all_fitted()
