"""The pulse after a session: on a group session's page, once it has started, each member who does not lead the
group answers two quick questions, once. The group's leaders, the programme's coordinators, and everyone on a
cancelled, not held or future session, a one-to-one check-in or in a closed programme, are not asked."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone

from feedback.models import Answer, Audience, Purpose, RespondentRole, Response
from feedback.services.pulse import AlreadyAnswered, answer_pulse, pulse_questionnaire
from feedback.services.questionnaires import copy_questionnaire, default_questionnaires
from groups.access import GroupAccess
from groups.models import GroupKind, GroupRole, Meeting, MeetingKind, MeetingStatus
from groups.services.kinds import create_circle
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group, programme_mentor
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


def session(group, *, hours=-3, **fields) -> Meeting:
    """A session of the group ``hours`` from now (negative: it has started)."""
    return Meeting.objects.create(
        group=group,
        starts_at=timezone.now() + datetime.timedelta(hours=hours),
        created_by=UserFactory(),
        **fields,
    )


def session_url(meeting) -> str:
    return reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def pulse_url(meeting) -> str:
    return reverse("feedback:pulse", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def questions(programme):
    questionnaire = pulse_questionnaire(programme)
    useful, note = questionnaire.ordered
    return useful, note


def answers(programme, useful_score=4, note="More time for questions") -> dict:
    useful, note_question = questions(programme)
    return {f"q{useful.pk}": str(useful_score), f"q{note_question.pk}": note}


def test_a_mentee_sees_the_two_questions_on_a_session_that_has_started(as_user, world):
    meeting = session(world.group)
    response = as_user(world.mentee).get(session_url(meeting))
    page = response.content.decode()
    assert "Two quick questions" in page
    assert "This session was useful to me." in page and "One thing to keep or change next time" in page
    assert pulse_url(meeting) in page
    assert "Nobody sees your name with your answers." in page
    assert response.context["pulse"].form is not None


def test_the_first_time_the_programme_gets_its_copy_of_the_default_pulse(as_user, world):
    assert not world.programme.questionnaires.filter(purpose=Purpose.PULSE).exists()
    as_user(world.mentee).get(session_url(session(world.group)))
    assert world.programme.questionnaires.filter(purpose=Purpose.PULSE, audience=Audience.BOTH).count() == 1
    default_questionnaires(world.programme)
    assert world.programme.questionnaires.filter(purpose=Purpose.PULSE).count() == 1  # the same one


def test_a_mentee_answers_once_and_is_thanked(as_user, world):
    meeting = session(world.group)
    client = as_user(world.mentee)
    response = client.post(pulse_url(meeting), answers(world.programme), follow=True)
    assert response.redirect_chain[-1][0] == session_url(meeting)
    page = response.content.decode()
    assert "Thank you for your answers!" in page
    assert "Thank you! You answered on" in page
    assert "This session was useful to me." not in page  # the questions are gone
    pulse = Response.objects.get()
    assert (pulse.meeting, pulse.user, pulse.round, pulse.group) == (meeting, world.mentee, None, world.group)
    assert pulse.role == RespondentRole.MENTEE
    assert pulse.questionnaire.purpose == Purpose.PULSE
    assert pulse.submitted_on is not None and pulse.submitted_at is not None
    by_key = {answer.question.key: answer for answer in pulse.answers.select_related("question")}
    assert by_key["pulse_useful"].number == 4
    assert by_key["pulse_note"].text == "More time for questions"


def test_the_note_is_optional(as_user, world):
    meeting = session(world.group)
    assert as_user(world.mentee).post(pulse_url(meeting), answers(world.programme, note="")).status_code == 302
    assert Answer.objects.get().number == 4


def test_answering_twice_keeps_the_first_answer(as_user, world):
    meeting = session(world.group)
    client = as_user(world.mentee)
    client.post(pulse_url(meeting), answers(world.programme, 5))
    response = client.post(pulse_url(meeting), answers(world.programme, 1, note="Changed my mind"), follow=True)
    assert "You have already answered for this session." in response.content.decode()
    assert Response.objects.count() == 1
    assert Answer.objects.filter(number=5).exists() and not Answer.objects.filter(number=1).exists()
    assert client.get(pulse_url(meeting)).status_code == 302  # the questions page sends them back too


def test_two_answers_at_the_same_moment_keep_the_first(world):
    """Both requests passed the check before either saved: the database's unique constraint decides."""
    meeting = session(world.group)
    access = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    questionnaire = pulse_questionnaire(world.programme)
    useful, _note = questionnaire.ordered
    answer_pulse(access=access, meeting=meeting, user=world.mentee, questionnaire=questionnaire, answers={useful.pk: 5})
    with mock.patch.object(QuerySet, "exists", side_effect=[False, True]), pytest.raises(AlreadyAnswered):
        answer_pulse(
            access=access, meeting=meeting, user=world.mentee, questionnaire=questionnaire, answers={useful.pk: 1}
        )
    assert list(Answer.objects.values_list("number", flat=True)) == [5]


def test_a_missing_answer_shows_the_questions_again_with_the_message(as_user, world):
    meeting = session(world.group)
    _useful, note = questions(world.programme)
    response = as_user(world.mentee).post(pulse_url(meeting), {f"q{note.pk}": "Nice"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please answer this question." in page
    assert 'value="Nice"' in page  # what they wrote stays
    assert not Response.objects.exists()


@pytest.mark.parametrize("bad", [{"useful": "9"}, {"useful": "very"}, {"note": "x" * 301}])
def test_bad_answers_are_refused_at_the_question(as_user, world, bad):
    meeting = session(world.group)
    useful, note = questions(world.programme)
    data = {f"q{useful.pk}": bad.get("useful", "4"), f"q{note.pk}": bad.get("note", "")}
    response = as_user(world.mentee).post(pulse_url(meeting), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Response.objects.exists()


def test_the_questions_page_shows_the_questions_too(as_user, world):
    response = as_user(world.mentee).get(pulse_url(session(world.group)))
    assert response.status_code == 200
    assert "Two quick questions about the session" in response.content.decode()


def test_the_mentor_leads_the_group_and_is_not_asked(as_user, world):
    meeting = session(world.group)
    client = as_user(world.mentor)
    assert "This session was useful to me." not in client.get(session_url(meeting)).content.decode()
    assert client.post(pulse_url(meeting), answers(world.programme)).status_code == 403
    assert not Response.objects.exists()


def test_a_coordinator_who_is_not_a_member_is_not_asked_and_sees_nothing(as_user, world):
    meeting = session(world.group)
    Response.objects.create(
        meeting=meeting,
        group=meeting.group,
        user=world.mentee,
        questionnaire=pulse_questionnaire(world.programme),
        role=RespondentRole.MENTEE,
        submitted_on=timezone.localdate(),
    )
    client = as_user(world.coordinator)
    response = client.get(session_url(meeting))
    assert response.context["pulse"] is None
    assert "answered" not in response.content.decode()
    assert client.post(pulse_url(meeting), answers(world.programme)).status_code == 403


def test_people_outside_the_group_get_404(as_user, world):
    meeting = session(world.group)
    assert as_user(world.other_group_member).post(pulse_url(meeting), {}).status_code == 404
    assert as_user(world.outsider).get(pulse_url(meeting)).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hours": 2}, "This session has not started yet."),
        ({"status": MeetingStatus.CANCELLED, "cancelled_at": timezone.now()}, "This session was cancelled"),
        ({"held": False, "logged_at": timezone.now()}, "This session did not take place"),
    ],
    ids=["not started", "cancelled", "not held"],
)
def test_no_pulse_for_a_session_that_has_not_started_was_cancelled_or_not_held(as_user, world, fields, message):
    meeting = session(world.group, **fields)
    client = as_user(world.mentee)
    assert client.get(session_url(meeting)).context["pulse"] is None
    response = client.post(pulse_url(meeting), answers(world.programme), follow=True)
    assert message in response.content.decode()
    assert not Response.objects.exists()


def test_no_pulse_after_a_one_to_one_check_in(as_user, world):
    meeting = session(world.group, kind=MeetingKind.CHECK_IN, with_member=world.mentee)
    client = as_user(world.mentee)
    assert client.get(session_url(meeting)).context["pulse"] is None
    response = client.post(pulse_url(meeting), answers(world.programme), follow=True)
    assert "One-to-one check-ins have no questions afterwards." in response.content.decode()
    assert not Response.objects.exists()


def test_a_session_logged_as_held_still_has_its_pulse(as_user, world):
    meeting = session(world.group, hours=-30, held=True, logged_at=timezone.now())
    assert as_user(world.mentee).get(session_url(meeting)).context["pulse"].form is not None


def test_a_closed_programme_asks_nothing_but_keeps_the_thanks(as_user, world):
    answered, waiting = session(world.group), session(world.group, hours=-5)
    client = as_user(world.mentee)
    client.post(pulse_url(answered), answers(world.programme))
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    assert client.get(session_url(waiting)).context["pulse"] is None
    assert client.get(session_url(answered)).context["pulse"].answered is not None
    response = client.post(pulse_url(waiting), answers(world.programme), follow=True)
    assert "This programme is closed." in response.content.decode()
    assert Response.objects.count() == 1


def test_in_a_peer_group_everyone_leads_so_nobody_is_asked(as_user, world):
    peers = MentoringGroupFactory(programme=world.programme, name="Peers", kind=GroupKind.PEER)
    add_to_group(peers, world.mentee, GroupRole.MENTEE)
    meeting = session(peers)
    assert "This session was useful to me." not in as_user(world.mentee).get(session_url(meeting)).content.decode()
    assert as_user(world.mentee).post(pulse_url(meeting), answers(world.programme)).status_code == 403


def test_in_a_mentor_circle_the_mentors_answer_as_mentors(as_user, world):
    mentors = [programme_mentor(world.programme) for _ in range(3)]
    circle = create_circle(programme=world.programme, name="Circle", mentors=mentors, supervisor=world.coordinator)
    meeting = session(circle)
    assert as_user(mentors[0]).post(pulse_url(meeting), answers(world.programme)).status_code == 302
    assert Response.objects.get().role == RespondentRole.MENTOR
    assert as_user(world.coordinator).post(pulse_url(meeting), answers(world.programme)).status_code == 403


def test_the_newest_pulse_questionnaire_of_the_programme_is_used(as_user, world):
    first = pulse_questionnaire(world.programme)
    newer = copy_questionnaire(first, name="Our pulse")
    newer.questions.filter(key="pulse_note").update(text="What should we do next time?")
    meeting = session(world.group)
    page = as_user(world.mentee).get(session_url(meeting)).content.decode()
    assert "What should we do next time?" in page
    assert as_user(world.mentee).post(pulse_url(meeting), answers(world.programme)).status_code == 302
    assert Response.objects.get().questionnaire == newer
