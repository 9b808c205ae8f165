"""The coordinators' list of questionnaires, and making a new one.

The list shows the programme's questionnaires by what they are used for (mid-point, end, pulse, other), with who
answers, how many questions, whether they were sent, what they are a copy of and the surveys that use them. The
archived ones come last, apart. Its number of queries does not grow with the number of questionnaires.
"""

import pytest
from django.urls import reverse

from feedback.models import Audience, Purpose, Question, QuestionKind, Questionnaire
from feedback.services.builder import make_copy
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


def list_url(programme) -> str:
    return reverse("surveys:questionnaires", kwargs={"pk": programme.pk})


def create_url(programme) -> str:
    return reverse("surveys:questionnaire_create", kwargs={"pk": programme.pk})


def close(programme: Programme) -> None:
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)
    programme.refresh_from_db()


def test_the_list_shows_the_default_questionnaires_by_use(as_user, world, rounds):
    midpoint, _end = rounds
    response = as_user(world.coordinator).get(list_url(world.programme))
    assert response.status_code == 200
    text = response.text
    for heading in ("Mid-point survey", "End-of-programme survey", "Pulse after a session"):
        assert heading in text
    assert text.index("Mid-point survey") < text.index("End-of-programme survey") < text.index("Pulse after a session")
    mentees = midpoint.mentee_questionnaire
    detail = reverse("surveys:questionnaire", kwargs={"pk": world.programme.pk, "questionnaire_pk": mentees.pk})
    assert f'href="{detail}"' in text
    assert f'href="{detail}preview/"' in text
    assert "Not sent yet" in text
    assert "Make a new questionnaire" in text
    # Breadcrumb: Programme > Feedback > Questionnaires.
    assert f'href="{reverse("surveys:rounds", kwargs={"pk": world.programme.pk})}">Feedback</a>' in text
    assert '<li class="breadcrumb-item active" aria-current="page">Questionnaires</li>' in text


def test_the_list_counts_the_questions_and_says_sent_and_copy_of(as_user, world, open_midpoint):
    mentees = open_midpoint.mentee_questionnaire
    copy = make_copy(questionnaire=mentees, by=world.coordinator)
    response = as_user(world.coordinator).get(list_url(world.programme))
    text = response.text
    assert "Sent" in text
    assert f"copy of {mentees.name}" in text
    listing = response.context["listing"]
    shown = {q.pk: q for group in listing.groups for q in group.questionnaires}
    assert shown[copy.pk].question_count == mentees.questions.count() > 0
    assert [r.pk for r in shown[mentees.pk].rounds] == [open_midpoint.pk]


def test_the_list_makes_the_default_questionnaires_if_the_programme_has_none(as_user, world):
    response = as_user(world.coordinator).get(list_url(world.programme))
    assert response.status_code == 200
    assert world.programme.questionnaires.count() == 5


def test_archived_questionnaires_come_last_apart(as_user, world, rounds):
    old = Questionnaire.objects.create(programme=world.programme, name="Old check-in", archived_at="2024-01-01T00:00Z")
    response = as_user(world.coordinator).get(list_url(world.programme))
    listing = response.context["listing"]
    assert [q.pk for q in listing.archived] == [old.pk]
    assert old.pk not in {q.pk for group in listing.groups for q in group.questionnaires}
    assert response.text.index("Archived") > response.text.index("Pulse after a session")


def test_a_closed_programme_without_questionnaires_shows_an_empty_state(as_user, world):
    close(world.programme)
    response = as_user(world.coordinator).get(list_url(world.programme))
    assert "No questionnaires in use." in response.text
    assert "Make a new questionnaire" not in response.text
    assert world.programme.questionnaires.count() == 0


def test_everything_archived_shows_the_empty_state_and_the_archive(as_user, world, rounds):
    world.programme.survey_rounds.all().delete()
    world.programme.questionnaires.update(archived_at="2024-01-01T00:00Z")
    close(world.programme)
    response = as_user(world.coordinator).get(list_url(world.programme))
    assert "No questionnaires in use." in response.text
    assert len(response.context["listing"].archived) == 5


def test_the_number_of_queries_does_not_grow_with_the_questionnaires(as_user, world, rounds):
    client = as_user(world.coordinator)
    few = count_queries(client, list_url(world.programme))
    originals = list(world.programme.questionnaires.all())
    for number in range(15):
        copy = make_copy(questionnaire=originals[number % len(originals)], by=world.coordinator)
        if number % 3 == 0:
            Questionnaire.objects.filter(pk=copy.pk).update(archived_at="2024-01-01T00:00Z")
    assert world.programme.questionnaires.count() == 20
    assert count_queries(client, list_url(world.programme)) == few


# Making a new questionnaire


def test_a_coordinator_makes_a_questionnaire_and_goes_on_to_its_questions(as_user, world, rounds):
    client = as_user(world.coordinator)
    assert client.get(create_url(world.programme)).status_code == 200
    response = client.post(
        create_url(world.programme),
        {
            "name": "  Check-in  after   training ",
            "intro": "Tell us.\r\nThank you.",
            "purpose": "other",
            "audience": "mentors",
        },
    )
    made = world.programme.questionnaires.get(name="Check-in after training")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "surveys:questionnaire", kwargs={"pk": world.programme.pk, "questionnaire_pk": made.pk}
    )
    assert made.intro == "Tell us.\nThank you."
    assert (made.purpose, made.audience, made.created_by) == (Purpose.OTHER, Audience.MENTORS, world.coordinator)
    assert not made.is_frozen and made.copy_of is None
    assert "Now add its questions." in client.get(response["Location"]).text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "Please give the questionnaire a name."),
        ("name", "x" * 201, "Ensure this value has at most 200 characters"),
        ("audience", "coordinators", "Select a valid choice."),
        ("purpose", "", "This field is required."),
    ],
)
def test_a_questionnaire_with_a_mistake_comes_back_with_the_message_at_the_field(as_user, world, field, value, message):
    data = {"name": "Check-in", "intro": "", "purpose": "other", "audience": "both", field: value}
    response = as_user(world.coordinator).post(create_url(world.programme), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert f'id="error_1_id_{field}"' in response.text  # next to the field
    assert not world.programme.questionnaires.filter(name="Check-in").exists()


def test_no_new_questionnaire_in_a_closed_programme(as_user, world):
    close(world.programme)
    client = as_user(world.coordinator)
    response = client.post(
        create_url(world.programme), {"name": "Late", "intro": "", "purpose": "other", "audience": "both"}
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(world.programme)
    assert not world.programme.questionnaires.exists()
    assert "This programme is closed." in client.get(response["Location"]).text
    assert client.get(create_url(world.programme)).status_code == 302


def test_the_list_only_has_this_programmes_questionnaires(as_user, world, rounds):
    Questionnaire.objects.create(programme=world.other_programme, name="Elsewhere's secret survey")
    Question.objects.create(
        questionnaire=world.programme.questionnaires.first(), position=99, kind=QuestionKind.YES_NO, text="Extra?"
    )
    response = as_user(world.coordinator).get(list_url(world.programme))
    assert "Elsewhere's secret survey" not in response.text
