"""A questionnaire that was sent is frozen: people answered its questions, so nothing in it changes. Every change
is refused with a message, and the page offers an editable copy. A closed programme is read-only the same way.

Copying makes an unfrozen questionnaire with the same questions in the same order. Archiving hides a questionnaire
from the list and from new surveys, unless a survey that has not been sent yet uses it.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Question, QuestionKind, Questionnaire, Response
from feedback.services.builder import QuestionnaireFrozen, add_question, change_details
from feedback.services.rounds import open_round
from groups.models import Meeting
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

FROZEN = "This questionnaire was sent, so it can no longer change"
CLOSED = "This programme is closed. Its questionnaires can no longer change."


def url(name: str, questionnaire: Questionnaire, question: Question | None = None) -> str:
    kwargs = {"pk": questionnaire.programme_id, "questionnaire_pk": questionnaire.pk}
    if question is not None:
        kwargs["question_pk"] = question.pk
    return reverse(f"surveys:{name}", kwargs=kwargs)


def snapshot(questionnaire: Questionnaire) -> list[tuple]:
    return list(
        questionnaire.questions.order_by("position").values_list(
            "position", "kind", "text", "help_text", "required", "choices", "key"
        )
    )


def close(programme: Programme) -> None:
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)
    programme.refresh_from_db()


@pytest.fixture
def sent(open_midpoint) -> Questionnaire:
    """The mid-point questionnaire for mentees, frozen when its round opened."""
    questionnaire = open_midpoint.mentee_questionnaire
    assert questionnaire.is_frozen
    return questionnaire


def changes(questionnaire: Questionnaire):
    """Every change a coordinator can try, as (method, url, data)."""
    first = questionnaire.questions.order_by("position").first()
    question = {"kind": QuestionKind.YES_NO, "text": "Changed?", "required": "on"}
    details = {"name": "Changed", "intro": "", "purpose": "other", "audience": "both"}
    return [
        ("get", url("questionnaire_edit", questionnaire), {}),
        ("post", url("questionnaire_edit", questionnaire), details),
        ("get", url("question_add", questionnaire), {}),
        ("post", url("question_add", questionnaire), question),
        ("get", url("question_edit", questionnaire, first), {}),
        ("post", url("question_edit", questionnaire, first), question),
        ("get", url("question_delete", questionnaire, first), {}),
        ("post", url("question_delete", questionnaire, first), {}),
        ("post", url("question_move", questionnaire, first), {"direction": "down"}),
    ]


def test_every_change_to_a_sent_questionnaire_is_refused(as_user, world, sent):
    client = as_user(world.coordinator)
    before, name = snapshot(sent), sent.name
    for method, address, data in changes(sent):
        response = getattr(client, method)(address, data)
        assert response.status_code == 302, address
        assert response["Location"] == url("questionnaire", sent)
        page = client.get(response["Location"])
        assert FROZEN in page.text
    sent.refresh_from_db()
    assert (snapshot(sent), sent.name) == (before, name)


def test_a_sent_questionnaire_offers_an_editable_copy_and_no_controls(as_user, world, sent):
    text = as_user(world.coordinator).get(url("questionnaire", sent)).text
    assert "This questionnaire was sent on" in text
    assert "Make an editable copy" in text
    assert url("questionnaire_copy", sent) in text
    assert url("question_add", sent) not in text
    assert url("questionnaire_edit", sent) not in text
    assert "question_move" not in text and "/move/" not in text and "/delete/" not in text


def test_the_editable_copy_has_the_same_questions_in_order_and_is_not_frozen(as_user, world, sent):
    client = as_user(world.coordinator)
    response = client.post(url("questionnaire_copy", sent))
    copy = world.programme.questionnaires.exclude(pk=sent.pk).get(copy_of=sent)
    assert response.status_code == 302 and response["Location"] == url("questionnaire", copy)
    assert not copy.is_frozen
    assert copy.name == f"{sent.name} (copy)"
    assert (copy.purpose, copy.audience, copy.intro) == (sent.purpose, sent.audience, sent.intro)
    assert snapshot(copy) == snapshot(sent)
    assert [position for position, *_rest in snapshot(copy)] == list(range(1, sent.questions.count() + 1))
    page = client.get(response["Location"]).text
    assert "This is your copy." in page
    assert url("question_add", copy) in page
    # The copy changes; the original does not.
    before = snapshot(sent)
    client.post(url("question_add", copy), {"kind": QuestionKind.YES_NO, "text": "New?", "required": "on"})
    assert copy.questions.count() == sent.questions.count() + 1
    assert snapshot(sent) == before


def test_a_questionnaire_with_answers_counts_as_sent(as_user, world, rounds):
    pulse = world.programme.questionnaires.get(purpose="pulse")
    meeting = Meeting.objects.create(group=world.group, starts_at=timezone.now(), created_by=world.mentor)
    Response.objects.create(questionnaire=pulse, meeting=meeting, group=meeting.group, user=world.mentee, role="mentee")
    with pytest.raises(QuestionnaireFrozen):
        add_question(questionnaire=pulse, kind=QuestionKind.YES_NO, text="New?")
    client = as_user(world.coordinator)
    response = client.post(url("question_delete", pulse, pulse.questions.first()))
    assert response.status_code == 302
    assert FROZEN in client.get(response["Location"]).text
    assert "People have answered this questionnaire." in client.get(url("questionnaire", pulse)).text


# A closed programme


def test_a_closed_programme_refuses_every_change_and_copying(as_user, world, rounds):
    questionnaire = rounds[0].mentee_questionnaire
    close(world.programme)
    client = as_user(world.coordinator)
    before = snapshot(questionnaire)
    for method, address, data in [
        *changes(questionnaire),
        ("post", url("questionnaire_copy", questionnaire), {}),
        ("post", url("questionnaire_archive", questionnaire), {}),
        ("post", url("questionnaire_restore", questionnaire), {}),
    ]:
        response = getattr(client, method)(address, data)
        assert response.status_code == 302, address
        assert CLOSED in client.get(response["Location"]).text
    assert snapshot(questionnaire) == before
    assert world.programme.questionnaires.count() == 5
    assert not world.programme.questionnaires.filter(archived_at__isnull=False).exists()


def test_a_closed_programmes_questionnaire_is_read_only(as_user, world, rounds):
    questionnaire = rounds[0].mentee_questionnaire
    close(world.programme)
    client = as_user(world.coordinator)
    text = client.get(url("questionnaire", questionnaire)).text
    assert CLOSED in text
    assert url("question_add", questionnaire) not in text
    assert url("questionnaire_copy", questionnaire) not in text
    assert "Make an editable copy" not in text
    assert client.get(url("questionnaire_preview", questionnaire)).status_code == 200


# Copying a questionnaire not sent


def test_any_questionnaire_can_be_copied(as_user, world, rounds):
    original = rounds[1].mentor_questionnaire
    response = as_user(world.coordinator).post(url("questionnaire_copy", original))
    copy = Questionnaire.objects.get(copy_of=original)
    assert response["Location"] == url("questionnaire", copy)
    assert snapshot(copy) == snapshot(original)


def test_a_long_name_is_shortened_for_the_copy(as_user, world):
    original = Questionnaire.objects.create(programme=world.programme, name="x" * 200)
    as_user(world.coordinator).post(url("questionnaire_copy", original))
    copy = Questionnaire.objects.get(copy_of=original)
    assert len(copy.name) == 200 and copy.name.endswith(" (copy)")


# Archiving


def test_archiving_hides_it_from_the_list_and_restoring_brings_it_back(as_user, world, rounds):
    spare = Questionnaire.objects.create(programme=world.programme, name="Spare")
    client = as_user(world.coordinator)
    response = client.post(url("questionnaire_archive", spare))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:questionnaires", kwargs={"pk": world.programme.pk})
    spare.refresh_from_db()
    assert spare.archived_at is not None
    listing = client.get(response["Location"]).context["listing"]
    assert [q.pk for q in listing.archived] == [spare.pk]
    assert "This questionnaire is archived." in client.get(url("questionnaire", spare)).text
    response = client.post(url("questionnaire_restore", spare))
    assert response["Location"] == url("questionnaire", spare)
    spare.refresh_from_db()
    assert spare.archived_at is None


def test_an_archived_questionnaire_is_not_offered_for_new_rounds(world, rounds):
    from feedback.forms.rounds import RoundForm

    spare = Questionnaire.objects.create(programme=world.programme, name="Spare", audience="mentees")
    offered = RoundForm(programme=world.programme, creating=True).fields["mentee_questionnaire"].queryset
    assert spare in offered
    Questionnaire.objects.filter(pk=spare.pk).update(archived_at="2024-01-01T00:00Z")
    assert spare not in RoundForm(programme=world.programme, creating=True).fields["mentee_questionnaire"].queryset


def test_a_questionnaire_that_a_planned_survey_will_send_is_not_archived(as_user, world, rounds):
    midpoint, _end = rounds
    questionnaire = midpoint.mentee_questionnaire
    client = as_user(world.coordinator)
    response = client.post(url("questionnaire_archive", questionnaire))
    assert response["Location"] == url("questionnaire", questionnaire)
    assert f"The survey “{midpoint.name}” will send this questionnaire" in client.get(response["Location"]).text
    questionnaire.refresh_from_db()
    assert questionnaire.archived_at is None


def test_a_sent_questionnaire_is_archived_not_deleted(as_user, world, sent):
    as_user(world.coordinator).post(url("questionnaire_archive", sent))
    sent.refresh_from_db()
    assert sent.archived_at is not None
    assert sent.questions.exists()


def test_a_survey_that_opens_while_a_coordinator_edits_wins(world, rounds):
    """The page was read before the round opened; the change is checked again under the lock and refused."""
    midpoint, _end = rounds
    stale = Questionnaire.objects.select_related("programme").get(pk=midpoint.mentee_questionnaire_id)
    open_round(midpoint)
    before = snapshot(stale)
    with pytest.raises(QuestionnaireFrozen):
        add_question(questionnaire=stale, kind=QuestionKind.YES_NO, text="Too late?")
    with pytest.raises(QuestionnaireFrozen):
        change_details(questionnaire=stale, name="Too late", intro="", purpose="other", audience="both")
    assert snapshot(stale) == before


# Who answers, while a survey that has not been sent yet uses the questionnaire


def test_a_questionnaire_a_survey_asks_of_mentees_cannot_become_mentors_only(as_user, world, rounds):
    midpoint, _end = rounds
    questionnaire = midpoint.mentee_questionnaire
    details = {"name": questionnaire.name, "intro": "", "purpose": "midpoint", "audience": "mentors"}
    response = as_user(world.coordinator).post(url("questionnaire_edit", questionnaire), details)
    assert response.status_code == 200
    message = str(response.context["form"].errors["audience"])
    assert "Mid-point survey" in message and "mentees" in message
    questionnaire.refresh_from_db()
    assert questionnaire.audience == "mentees"


def test_widening_who_answers_to_both_is_always_fine(as_user, world, rounds):
    midpoint, _end = rounds
    questionnaire = midpoint.mentor_questionnaire
    details = {"name": questionnaire.name, "intro": "", "purpose": "midpoint", "audience": "both"}
    assert as_user(world.coordinator).post(url("questionnaire_edit", questionnaire), details).status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.audience == "both"
