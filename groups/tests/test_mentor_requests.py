"""A mentor is asked to take a group: the email they get, their home page, the page where they say yes or no, and
the email the coordinators get when they say no."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from groups.models import AssignmentStatus, GroupMembership, GroupRole, GroupWishes
from groups.services import mentors
from mentoring.tests.factories import (
    MentorAssignmentFactory,
    MentoringGroupFactory,
    UserFactory,
    add_to_group,
    programme_mentor,
)
from mentoring.tests.querycount import count_queries
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


@pytest.fixture
def ann(world):
    return programme_mentor(
        world.programme, user=UserFactory(display_name="Ann Able", email="ann@example.org"), max_groups=2
    )


@pytest.fixture
def wishes(world):
    return GroupWishes.objects.create(
        group=world.other_group,
        mentor_kind="Patient and practical",
        background="Works in a hospital",
        support="Job interviews",
        languages="English, Arabic",
        gender_preference="woman",
        age_preference="older",
    )


def ask(world, mentor, django_capture_on_commit_callbacks=None):
    if django_capture_on_commit_callbacks is None:
        return mentors.assign_mentor(group=world.other_group, mentor=mentor, by=world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        return mentors.assign_mentor(group=world.other_group, mentor=mentor, by=world.coordinator)


def request_url(assignment):
    return reverse("groups:request", kwargs={"pk": assignment.pk})


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def close(programme):
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)


# The email to the mentor -----------------------------------------------------------------------------------------


def test_the_mentor_gets_an_email_with_the_groups_wishes_and_a_link_to_answer(
    world, ann, wishes, worker, django_capture_on_commit_callbacks
):
    assignment = ask(world, ann, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.to == ["ann@example.org"]
    assert message.subject == 'Would you mentor a group in "Pathways"?'
    body = message.body
    assert "Hello Ann," in body
    assert 'Cora Coordinator would like you to mentor the group "Group B" in the programme "Pathways".' in body
    assert "The group has 1 mentee." in body
    assert "Patient and practical" in body and "Works in a hospital" in body and "Job interviews" in body
    assert "Languages: English, Arabic" in body
    assert "The mentor's gender: A woman" in body
    assert "The mentor's age: Older than me" in body
    assert settings.SITE_URL + request_url(assignment) in body
    assert "Olga Othergroup" not in body  # the mentees' names wait until the mentor says yes
    html = message.alternatives[0][0]
    assert request_url(assignment) in html and "Answer the request" in html


def test_the_email_is_written_in_the_mentors_language(world, ann, worker, django_capture_on_commit_callbacks):
    ann.language = "de"
    ann.save()
    ask(world, ann, django_capture_on_commit_callbacks)
    assert OutgoingEmail.objects.get().language == "de"
    assert len(mail.outbox) == 1


def test_a_request_withdrawn_before_the_email_went_out_is_not_sent(world, ann):
    assignment = ask(world, ann)
    mentors.withdraw_request(assignment=assignment, by=world.coordinator)
    email = OutgoingEmail.objects.get()
    assert deliver(email.pk) == EmailStatus.CANCELLED
    assert mail.outbox == []


# The mentor's home page ------------------------------------------------------------------------------------------


def test_a_mentor_with_a_request_sees_it_on_their_home_page(as_user, world, ann):
    assignment = ask(world, ann)
    text = as_user(ann).get(reverse("home")).content.decode()
    assert "Requests to mentor a group" in text
    assert f'<a href="{request_url(assignment)}">Would you mentor Group B?</a>' in text
    assert "Pathways" in text


def test_answered_requests_and_closed_programmes_leave_the_home_page(as_user, world, ann):
    assignment = ask(world, ann)
    mentors.answer_request(assignment=assignment, accept=False)
    MentorAssignmentFactory(group=world.group, mentor=world.mentor)
    assert "Requests to mentor a group" not in as_user(ann).get(reverse("home")).content.decode()
    close(world.programme)
    assert "Requests to mentor a group" not in as_user(world.mentor).get(reverse("home")).content.decode()


def test_the_home_page_makes_as_many_queries_for_three_requests_as_for_one(as_user, world, ann):
    client = as_user(ann)
    ask(world, ann)
    small = count_queries(client, reverse("home"))
    for _ in range(2):
        MentorAssignmentFactory(group=MentoringGroupFactory(programme=world.programme), mentor=ann)
    assert count_queries(client, reverse("home")) == small


# The page where the mentor answers -------------------------------------------------------------------------------


def test_the_mentor_reads_about_the_group_before_answering(as_user, world, ann, wishes):
    assignment = ask(world, ann)
    text = as_user(ann).get(request_url(assignment)).content.decode()
    assert "Would you mentor Group B?" in text
    assert "Cora Coordinator asked you on" in text and "Pathways" in text
    assert "Patient and practical" in text and "Job interviews" in text and "English, Arabic" in text
    assert "A woman" in text and "Older than me" in text
    assert "Olga Othergroup" not in text
    assert "You match what the group needs with" in text
    assert "Accept: I will mentor this group" in text and "Decline: I cannot mentor this group" in text


def test_accepting_makes_the_mentor_the_groups_mentor(as_user, world, ann):
    assignment = ask(world, ann)
    response = as_user(ann).post(request_url(assignment), {"answer": "accept"}, follow=True)

    assert response.redirect_chain == [(request_url(assignment), 302)]
    assert texts(response) == ["Thank you! You are now the mentor of Group B."]
    assert GroupMembership.objects.current().get(group=world.other_group, user=ann).role == GroupRole.MENTOR
    text = response.content.decode()
    assert "You said yes on" in text
    assert reverse("groups:detail", kwargs={"pk": world.other_group.pk}) in text
    assert "Accept: I will mentor this group" not in text


def test_declining_with_a_message_tells_every_coordinator(
    as_user, world, ann, worker, django_capture_on_commit_callbacks
):
    second = UserFactory(display_name="Sam Second", email="sam@example.org")
    ProgrammeMembership.objects.create(programme=world.programme, user=second, role=Role.COORDINATOR)
    assignment = ask(world, ann)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(ann).post(
            request_url(assignment), {"answer": "decline", "message": "I am away until March."}, follow=True
        )

    assert texts(response) == ["Thank you for your answer. The coordinators will ask another mentor."]
    assignment.refresh_from_db()
    assert (assignment.status, assignment.response_note) == (AssignmentStatus.DECLINED, "I am away until March.")
    assert "You said no on" in response.content.decode()
    assert sorted(message.to[0] for message in mail.outbox) == ["coordinator@example.org", "sam@example.org"]
    message = next(message for message in mail.outbox if message.to == ["sam@example.org"])
    assert message.subject == "Ann Able cannot mentor Group B"
    assert "Hello Sam," in message.body
    assert 'Ann Able said no to mentoring the group "Group B" in the programme "Pathways".' in message.body
    assert "I am away until March." in message.body
    suggestions = reverse("grouping:suggestions", kwargs={"pk": world.programme.pk, "group_pk": world.other_group.pk})
    assert settings.SITE_URL + suggestions in message.body
    assert "Choose another mentor" in message.alternatives[0][0]


def test_a_message_is_not_kept_with_a_yes(as_user, world, ann):
    assignment = ask(world, ann)
    as_user(ann).post(request_url(assignment), {"answer": "accept", "message": "Glad to!"})
    assignment.refresh_from_db()
    assert assignment.response_note == ""


def test_answering_twice_says_it_was_already_answered(as_user, world, ann):
    assignment = ask(world, ann)
    client = as_user(ann)
    client.post(request_url(assignment), {"answer": "decline"}, follow=True)
    response = client.post(request_url(assignment), {"answer": "accept"}, follow=True)
    assert texts(response) == ["This request has already been answered or taken back."]
    assert not GroupMembership.objects.filter(group=world.other_group, user=ann).exists()


def test_a_withdrawn_request_says_so_and_cannot_be_answered(as_user, world, ann):
    assignment = ask(world, ann)
    mentors.withdraw_request(assignment=assignment, by=world.coordinator)
    text = as_user(ann).get(request_url(assignment)).content.decode()
    assert "The coordinators took back this request" in text
    assert "Accept: I will mentor this group" not in text


def test_a_request_in_a_closed_programme_cannot_be_answered(as_user, world, ann):
    assignment = ask(world, ann)
    close(world.programme)
    response = as_user(ann).post(request_url(assignment), {"answer": "accept"}, follow=True)
    assert texts(response) == ["This programme is closed. Its groups can no longer get a mentor."]
    assert "Accept: I will mentor this group" not in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"answer": "maybe"}])
def test_an_answer_that_is_neither_yes_nor_no_is_refused_with_a_message(as_user, world, ann, data):
    assignment = ask(world, ann)
    response = as_user(ann).post(request_url(assignment), data)
    assert response.status_code == 200
    assert "Say yes or no." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.is_pending


def test_a_too_long_message_is_refused_next_to_the_field(as_user, world, ann):
    assignment = ask(world, ann)
    response = as_user(ann).post(request_url(assignment), {"answer": "decline", "message": "x" * 2001})
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.content.decode()


def test_only_the_mentor_asked_sees_the_request(as_user, world, ann):
    assignment = ask(world, ann)
    assert as_user(world.coordinator).get(request_url(assignment)).status_code == 403
    assert as_user(world.mentor).get(request_url(assignment)).status_code == 404
    assert as_user(world.outsider).post(request_url(assignment), {"answer": "accept"}).status_code == 404


def test_the_request_page_takes_get_and_post_only(as_user, world, ann):
    assignment = ask(world, ann)
    assert as_user(ann).put(request_url(assignment)).status_code == 405


def test_a_mentor_asked_for_a_group_they_are_not_in_yet_sees_it_after_accepting(as_user, world, ann):
    add_to_group(world.other_group, UserFactory(display_name="Nina New"), GroupRole.MENTEE)
    assignment = ask(world, ann)
    client = as_user(ann)
    assert client.get(reverse("groups:detail", kwargs={"pk": world.other_group.pk})).status_code == 404
    client.post(request_url(assignment), {"answer": "accept"})
    detail = client.get(reverse("groups:detail", kwargs={"pk": world.other_group.pk})).content.decode()
    assert "Nina New" in detail and "Olga Othergroup" in detail
