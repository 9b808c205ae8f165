"""A round's results for the coordinators: who answered (in all, by role, by group), each question's answers counted
as a chart and a table, the recommendation score, the written answers; anonymous rounds only from three responses
and without names, with the same number of queries however many answered.

The helpers at the top (``newcomers``, ``submit``) are shared with the other ``test_results_*`` files."""

from __future__ import annotations

import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from feedback.models import Question, Respondent, RespondentRole, SurveyRound
from feedback.services.responding import save_answers
from feedback.services.results import TEXT_CAP, Recommendation, round_results
from feedback.services.rounds import invite
from groups.models import GroupRole
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries

pytestmark = pytest.mark.django_db

NOT_ENOUGH = "Not enough responses to show yet: results appear from 3 responses, so nobody can be recognised."


def newcomers(survey_round: SurveyRound, group, count: int, role=GroupRole.MENTEE, **names) -> list[Respondent]:
    """``count`` new people in the group, asked in the open round."""
    users = [UserFactory(**names) for _ in range(count)]
    for user in users:
        add_to_group(group, user, role)
    invite(survey_round)
    return list(Respondent.objects.filter(round=survey_round, user__in=users).order_by("pk"))


def submit(respondent: Respondent, **by_key) -> None:
    """Submits the respondent's answers, given by question key."""
    questionnaire = respondent.round.questionnaire_for(respondent.role)
    questions = {question.key: question.pk for question in questionnaire.questions.all()}
    save_answers(respondent=respondent, answers={questions[key]: value for key, value in by_key.items()}, submit=True)


def url(survey_round: SurveyRound) -> str:
    return reverse("surveys:results", kwargs={"pk": survey_round.programme_id, "round_pk": survey_round.pk})


def named(survey_round: SurveyRound) -> SurveyRound:
    SurveyRound.objects.filter(pk=survey_round.pk).update(anonymous=False)
    survey_round.refresh_from_db()
    return survey_round


def section(results, audience: str):
    return next(section for section in results.sections if section.audience_key == audience)


def question(section, key: str):
    return next(result for result in section.questions if result.question.key == key)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# Who answered


def test_response_rates_in_all_by_role_and_by_group(world, open_midpoint, mentee_respondent, as_user):
    loner = UserFactory(display_name="Lena Loner")
    add_to_group(MentoringGroupFactory(programme=world.programme, name="Group C"), loner, GroupRole.MENTEE)
    from programmes.models import ProgrammeMembership, Role

    groupless = UserFactory()
    ProgrammeMembership.objects.create(programme=world.programme, user=groupless, role=Role.MENTEE)
    invite(open_midpoint)
    submit(mentee_respondent, outcome_support=4)
    submit(Respondent.objects.get(round=open_midpoint, user=loner), outcome_support=5)

    rates = round_results(open_midpoint).rates
    assert (rates.total.asked, rates.total.answered, rates.total.percent) == (5, 2, 40)
    assert [(r.label, r.asked, r.answered, r.percent) for r in rates.by_role] == [
        ("Mentees", 4, 2, 50),
        ("Mentors", 1, 0, 0),
    ]
    assert [(r.label, r.asked, r.answered) for r in rates.by_group] == [
        ("Group A", 2, 1),
        ("Group B", 1, 0),
        ("Group C", 1, 1),
        ("No group", 1, 0),
    ]
    page = text(as_user(world.coordinator).get(url(open_midpoint)))
    assert "2 of 5 people asked answered (40%)." in page
    assert "Response rate by group (4 groups)" in page


# Each question's answers


@pytest.fixture
def answered(world, open_midpoint, mentee_respondent):
    """Ten mentees answered the mid-point survey: agreement, yes/no, single and multiple choice, the 0-10
    recommendation (5 promoters, 2 passives, 3 detractors) and written answers."""
    others = newcomers(open_midpoint, world.group, 9)
    recommend = [10, 9, 9, 10, 9, 7, 8, 0, 6, 3]
    support = [5, 5, 4, 4, 4, 4, 3, 2, 1, 5]
    goals = ["Good progress"] * 6 + ["Some progress"] * 3 + ["Not started yet"]
    for n, respondent in enumerate([mentee_respondent, *others]):
        submit(
            respondent,
            recommend=recommend[n],
            outcome_support=support[n],
            often_enough=1 if n < 7 else 0,
            goal_progress=goals[n],
            helped_most=["The mentor", "The group sessions"] if n < 4 else ["The mentor"],
            changed=f"Answer number {n}" if n < 5 else "",
        )
    return open_midpoint


def test_each_question_is_counted_with_shares_and_means(answered):
    mentees = section(round_results(answered), "mentees")
    assert (mentees.responses, mentees.shown) == (10, True)

    support = question(mentees, "outcome_support")
    assert [(o.label, o.count, o.whole_percent) for o in support.options] == [
        ("Strongly disagree", 1, 10),
        ("Disagree", 1, 10),
        ("Neither agree nor disagree", 1, 10),
        ("Agree", 4, 40),
        ("Strongly agree", 3, 30),
    ]
    assert support.answered == 10
    assert support.mean == pytest.approx(3.7)

    often = question(mentees, "often_enough")
    assert [(o.label, o.count) for o in often.options] == [("Yes", 7), ("No", 3)]
    assert often.mean is None

    goals = question(mentees, "goal_progress")
    assert [(o.label, o.count) for o in goals.options] == [
        ("Not started yet", 1),
        ("Some progress", 3),
        ("Good progress", 6),
        ("Reached, or nearly", 0),
    ]
    helped = question(mentees, "helped_most")
    assert helped.option("The mentor").whole_percent == 100
    assert helped.option("The group sessions").whole_percent == 40
    assert helped.option("Trainings and events").count == 0

    rating = question(mentees, "recommend")
    assert [o.count for o in rating.options] == [1, 0, 0, 1, 0, 0, 1, 1, 1, 3, 2]
    assert rating.mean == pytest.approx(7.1)
    # Nobody answered the unanswered questions; the mentors' questionnaire has no responses.
    assert question(mentees, "outcome_network").answered == 0
    assert section(round_results(answered), "mentors").responses == 0


def test_the_recommendation_score_is_promoters_minus_detractors(answered):
    score = section(round_results(answered), "mentees").recommendation
    assert (score.promoters, score.passives, score.detractors) == (5, 2, 3)
    assert score.score == 20
    assert score.signed == "+20"
    assert Recommendation.from_counts({0: 3, 10: 1}).signed == "-50"
    assert Recommendation.from_counts({7: 2}).signed == "0"
    assert Recommendation().score is None


def test_the_page_shows_each_question_as_a_chart_and_a_table(world, answered, as_user):
    response = as_user(world.coordinator).get(url(answered))
    assert response.status_code == 200
    page = text(response)
    assert 'Recommendation score: <strong class="recommendation-score">+20</strong>' in page
    assert "5 people (50%)" in page and "2 people (20%)" in page and "3 people (30%)" in page
    assert 'role="img" aria-label="Chart of the answers: Strongly disagree 1 (10%); Disagree 1 (10%);' in page
    assert '<rect class="result-bar-fill" width="40.0" height="10"/>' in page  # Agree, 4 of 10
    assert '<caption class="caption-top">Answers to “I feel supported by my group.”</caption>' in page
    assert (
        '<th scope="row" class="fw-normal">Agree</th> <td class="text-end">4</td> <td class="text-end">40%</td>' in page
    )
    assert "Mean: 3.7 out of 5" in page
    assert "add up to more than 100%" in page
    assert "style=" not in page.split("<main", 1)[1]  # a strict Content-Security-Policy holds
    assert "<script>" not in page
    assert "css/feedback-results.css" in page
    assert reverse("surveys:results_csv", kwargs={"pk": world.programme.pk, "round_pk": answered.pk}) in page
    assert reverse("surveys:compare", kwargs={"pk": world.programme.pk}) in page


# Written answers


def test_written_answers_of_an_anonymous_round_have_no_names(world, answered, as_user):
    changed = question(section(round_results(answered), "mentees"), "changed")
    assert sorted(answer.text for answer in changed.texts) == [f"Answer number {n}" for n in range(5)]
    assert {(answer.name, answer.group, answer.submitted_at) for answer in changed.texts} == {("", "", None)}
    page = text(as_user(world.coordinator).get(url(answered)))
    assert "Answer number 3" in page
    assert world.mentee.display_name not in page
    assert "Group A" not in page.split("Answers of: Mentees", 1)[1]  # results are never broken down by group


def test_written_answers_of_a_named_round_say_who_wrote_them_newest_first(world, open_midpoint, as_user):
    named(open_midpoint)
    first, second = newcomers(open_midpoint, world.group, 2)
    submit(Respondent.objects.get(round=open_midpoint, user=world.mentee), changed="I found a job.")
    submit(first, changed="More confidence.")
    submit(second, changed="Nothing yet.")
    changed = question(section(round_results(open_midpoint), "mentees"), "changed")
    assert [(answer.text, answer.name, answer.group) for answer in changed.texts] == [
        ("Nothing yet.", second.user.display_name, "Group A"),
        ("More confidence.", first.user.display_name, "Group A"),
        ("I found a job.", "Max Mentee", "Group A"),
    ]
    page = text(as_user(world.coordinator).get(url(open_midpoint)))
    assert "Max Mentee, Group A" in page
    assert "This survey is not anonymous" in page


def test_a_written_answer_of_someone_erased_since_is_signed_former_participant(world, open_midpoint):
    named(open_midpoint)
    (writer,) = newcomers(open_midpoint, world.group, 1)
    submit(writer, changed="More confidence.")
    type(writer.user).objects.filter(pk=writer.user_id).update(anonymised_at=timezone.now())
    changed = question(section(round_results(open_midpoint), "mentees"), "changed")
    assert [(answer.text, answer.name, answer.group) for answer in changed.texts] == [
        ("More confidence.", "Former participant", "Group A")
    ]


def test_anonymous_written_answers_of_one_day_are_listed_by_their_text(world, answered):
    """Not in the order they came in, which could tell who wrote which."""
    changed = question(section(round_results(answered), "mentees"), "changed")
    days = [answer.submitted_at for answer in changed.texts]
    assert days == [None] * len(days)  # no time is shown either
    texts = [answer.text for answer in changed.texts]
    assert texts == sorted(texts)  # the fixture's answers all came in today


def test_the_page_lists_the_newest_written_answers_and_links_to_all_of_them(world, open_midpoint, as_user):
    named(open_midpoint)
    people = newcomers(open_midpoint, world.group, TEXT_CAP + 2)
    for n, respondent in enumerate(people):
        submit(respondent, improve=f"Idea {n:02d}")
    improve = question(section(round_results(open_midpoint), "mentees"), "improve")
    assert len(improve.texts) == TEXT_CAP
    assert improve.more_texts == 2
    assert improve.texts[0].text == f"Idea {TEXT_CAP + 1:02d}"
    page = text(as_user(world.coordinator).get(url(open_midpoint)))
    all_url = reverse(
        "surveys:results_text",
        kwargs={"pk": world.programme.pk, "round_pk": open_midpoint.pk, "question_pk": improve.question.pk},
    )
    assert all_url in page
    assert f"Show all {TEXT_CAP + 2} answers" in page
    everything = text(as_user(world.coordinator).get(all_url))
    assert "Idea 00" in everything and f"Idea {TEXT_CAP + 1:02d}" in everything
    assert people[0].user.display_name in everything


def test_all_written_answers_of_an_anonymous_round_come_without_names_a_page_at_a_time(world, answered, as_user):
    changed = Question.objects.get(questionnaire=answered.mentee_questionnaire, key="changed")
    all_url = reverse(
        "surveys:results_text", kwargs={"pk": world.programme.pk, "round_pk": answered.pk, "question_pk": changed.pk}
    )
    client = as_user(world.coordinator)
    page = text(client.get(all_url))
    assert "5 written answers, the newest first" in page
    assert "without names" in page
    assert world.mentee.display_name not in page
    assert client.get(all_url + "?page=99").status_code == 200  # the last page
    assert client.get(all_url + "?page=nonsense").status_code == 200  # the first page


def test_all_written_answers_only_for_a_written_question_of_the_round(world, answered, rounds, as_user):
    client = as_user(world.coordinator)
    _midpoint, end = rounds

    def get(question_pk):
        return client.get(
            reverse(
                "surveys:results_text",
                kwargs={"pk": world.programme.pk, "round_pk": answered.pk, "question_pk": question_pk},
            )
        )

    agreement = Question.objects.get(questionnaire=answered.mentee_questionnaire, key="outcome_support")
    of_another_round = Question.objects.get(questionnaire=end.mentee_questionnaire, key="changed")
    assert get(agreement.pk).status_code == 404
    assert get(of_another_round.pk).status_code == 404
    assert get(999999).status_code == 404


# Anonymous rounds: from three responses


def test_an_anonymous_questionnaire_with_two_responses_shows_nothing_of_them(world, open_midpoint, as_user):
    first, second = newcomers(open_midpoint, world.group, 2)
    submit(first, outcome_support=1, changed="Secret one")
    submit(second, outcome_support=2, changed="Secret two")
    mentees = section(round_results(open_midpoint), "mentees")
    assert (mentees.responses, mentees.shown, mentees.questions) == (2, False, [])

    client = as_user(world.coordinator)
    page = text(client.get(url(open_midpoint)))
    assert NOT_ENOUGH in page
    assert "Secret one" not in page and "Strongly disagree" not in page
    assert "Download the answers" not in page
    changed = Question.objects.get(questionnaire=open_midpoint.mentee_questionnaire, key="changed")
    response = client.get(
        reverse(
            "surveys:results_text",
            kwargs={"pk": world.programme.pk, "round_pk": open_midpoint.pk, "question_pk": changed.pk},
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url(open_midpoint)
    assert "Secret one" not in text(response)
    assert NOT_ENOUGH in text(response)


def test_the_third_response_shows_the_results(world, open_midpoint, as_user):
    people = newcomers(open_midpoint, world.group, 3)
    for n, respondent in enumerate(people):
        submit(respondent, outcome_support=n + 1, changed=f"Change {n}")
    page = text(as_user(world.coordinator).get(url(open_midpoint)))
    assert NOT_ENOUGH not in page.split("Answers of: Mentees", 1)[1].split("Answers of: Mentors", 1)[0]
    assert "Change 2" in page
    assert "3 responses" in page
    # The mentors' questionnaire has its own count: none yet, so it still says not enough.
    assert NOT_ENOUGH in page.split("Answers of: Mentors", 1)[1]


def test_a_named_round_shows_from_the_first_response(world, open_midpoint, mentee_respondent, as_user):
    named(open_midpoint)
    submit(mentee_respondent, outcome_support=4)
    mentees = section(round_results(open_midpoint), "mentees")
    assert mentees.shown
    assert question(mentees, "outcome_support").option("Agree").count == 1


# Empty states


def test_a_round_not_open_yet_says_when_it_opens(world, rounds, as_user):
    midpoint, _end = rounds
    page = text(as_user(world.coordinator).get(url(midpoint)))
    assert "This survey has not opened yet." in page
    assert f"It opens on {date_format(midpoint.opens_on, 'DATE_FORMAT')}." in page


def test_an_open_round_without_answers_says_so(world, open_midpoint, as_user):
    page = text(as_user(world.coordinator).get(url(open_midpoint)))
    assert "Nobody has answered yet." in page
    assert "0 of 3 people asked answered (0%)." in page


# Doors


def test_only_the_programmes_coordinators_see_the_results(world, open_midpoint, other_round, client):
    client.force_login(world.mentor)
    assert client.get(url(open_midpoint)).status_code == 403
    client.force_login(world.other_coordinator)
    assert client.get(url(open_midpoint)).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url(open_midpoint)).status_code == 404
    client.force_login(world.coordinator)
    assert client.post(url(open_midpoint)).status_code == 405
    wrong = reverse("surveys:results", kwargs={"pk": world.programme.pk, "round_pk": other_round.pk})
    assert client.get(wrong).status_code == 404


@pytest.fixture
def other_round(world) -> SurveyRound:
    from feedback.services.rounds import ensure_rounds

    return ensure_rounds(world.other_programme)[0]


# Speed


def test_the_number_of_queries_does_not_grow_with_the_responses(world, open_midpoint, as_user):
    def answer_all(people, start):
        for n, respondent in enumerate(people, start=start):
            submit(
                respondent,
                outcome_support=n % 5 + 1,
                recommend=n % 11,
                goal_progress="Good progress",
                helped_most=["The mentor"],
                changed=f"Text {n}",
            )

    group_b = MentoringGroupFactory(programme=world.programme, name="Group D")
    answer_all(newcomers(open_midpoint, world.group, 5), 0)
    mentors = newcomers(open_midpoint, group_b, 3, role=GroupRole.MENTOR)
    for respondent in mentors:
        submit(respondent, mentor_time=4, changed="Busy")
    client = as_user(world.coordinator)
    few = count_queries(client, url(open_midpoint))
    answer_all(newcomers(open_midpoint, group_b, 45), 5)
    assert Respondent.objects.filter(round=open_midpoint, role=RespondentRole.MENTEE).exclude(submitted_at=None).count()
    assert count_queries(client, url(open_midpoint)) == few
    assert few <= 12


def test_times_of_a_named_round_are_shown_in_the_coordinators_zone(world, open_midpoint, mentee_respondent, as_user):
    named(open_midpoint)
    submit(mentee_respondent, changed="Hello")
    answered_at = Respondent.objects.get(pk=mentee_respondent.pk).submitted_at
    world.coordinator.time_zone = "Asia/Tokyo"
    world.coordinator.save(update_fields=["time_zone"])
    page = text(as_user(world.coordinator).get(url(open_midpoint)))
    in_tokyo = timezone.localtime(answered_at, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"Max Mentee, Group A, {date_format(in_tokyo, 'SHORT_DATETIME_FORMAT')}" in page
    assert "Times are shown in your time zone (Asia/Tokyo)." in page


def test_every_text_from_the_answers_and_the_questions_is_escaped():
    from feedback.models import Question, QuestionKind
    from feedback.services.results import Option, QuestionResult, TextAnswer
    from feedback.templatetags.feedback import question_result

    chosen = QuestionResult(
        question=Question(pk=7, text="<b>Which?</b>", kind=QuestionKind.SINGLE, choices=["<i>A</i> & B"]),
        answered=2,
        options=[Option("<i>A</i> & B", 2, 100.0)],
    )
    page = str(question_result(chosen, 1, 1, 1))
    assert "<b>" not in page and "<i>" not in page
    assert "&lt;b&gt;Which?&lt;/b&gt;" in page and page.count("&lt;i&gt;A&lt;/i&gt; &amp; B") == 3  # summary, bar, row
    written = QuestionResult(
        question=Question(pk=8, text="Why?", kind=QuestionKind.LONG_TEXT),
        answered=3,
        texts=[TextAnswer(text="<script>x</script>\nline two", name="<b>Ann</b>", group="G & H")],
    )
    page = str(question_result(written, 2, 1, 1))
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;<br>line two" in page
    assert "&lt;b&gt;Ann&lt;/b&gt;, G &amp; H" in page
    assert "Show all 3 answers" in page  # two more than shown
