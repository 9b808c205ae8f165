"""Coordinators' feedback on a mentor: one entry per mentor and programme, for programmes the coordinator runs
and the person mentored in."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from mentoring.tests.factories import MentorProfileFactory, ProgrammeFactory, UserFactory
from programmes.models import (
    MembershipStatus,
    MentorFeedback,
    MentorProfile,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
)
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return reverse("bank:feedback", kwargs={"user_pk": person.pk})


@pytest.fixture
def banked(world):
    return MentorProfileFactory(user=world.mentor)


def post(client, person, **fields):
    return client.post(url(person), {f"feedback-{key}": value for key, value in fields.items()})


def test_a_coordinator_writes_feedback_for_their_programme(client, world, banked):
    client.force_login(world.coordinator)
    form = client.get(reverse("bank:mentor", kwargs={"user_pk": world.mentor.pk})).context["feedback_form"]
    assert list(form.fields["programme"].queryset) == [world.programme]

    response = post(client, world.mentor, programme=world.programme.pk, rating=5, comment="  Calm and clear.  ")
    assert response.status_code == 302
    assert response["Location"] == reverse("bank:mentor", kwargs={"user_pk": world.mentor.pk})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your feedback on Mina Mentor for Pathways has been saved."
    ]
    feedback = MentorFeedback.objects.get()
    assert (feedback.mentor, feedback.programme, feedback.rating, feedback.comment, feedback.written_by) == (
        world.mentor,
        world.programme,
        5,
        "Calm and clear.",
        world.coordinator,
    )


def test_writing_again_for_the_same_programme_updates_the_one_entry(client, world, banked):
    second_coordinator = UserFactory(display_name="Sam Second")
    ProgrammeMembership.objects.create(programme=world.programme, user=second_coordinator, role=Role.COORDINATOR)
    client.force_login(world.coordinator)
    post(client, world.mentor, programme=world.programme.pk, rating=5, comment="Great.")
    client.force_login(second_coordinator)
    post(client, world.mentor, programme=world.programme.pk, rating=3, comment="Missed two sessions.")
    feedback = MentorFeedback.objects.get()
    assert (feedback.rating, feedback.comment, feedback.written_by) == (3, "Missed two sessions.", second_coordinator)


def test_feedback_for_a_closed_programme_and_a_withdrawn_mentor_is_allowed(client, world, banked):
    """Feedback is about the past: a programme that has ended and a mentor who has left are what it is for."""
    ProgrammeMembership.objects.filter(user=world.mentor).update(status=MembershipStatus.WITHDRAWN)
    world.programme.status = ProgrammeStatus.CLOSED
    world.programme.save()
    client.force_login(world.coordinator)
    assert post(client, world.mentor, programme=world.programme.pk, rating=4).status_code == 302
    assert MentorFeedback.objects.get().rating == 4


def test_the_bank_shows_the_new_average(client, world, banked):
    elsewhere = ProgrammeFactory()
    ProgrammeMembership.objects.create(programme=elsewhere, user=world.mentor, role=Role.MENTOR)
    MentorFeedback.objects.create(mentor=world.mentor, programme=elsewhere, rating=2, written_by=UserFactory())
    client.force_login(world.coordinator)
    post(client, world.mentor, programme=world.programme.pk, rating=5)
    (row,) = client.get(reverse("bank:search")).context["page"].object_list
    assert (row.average_rating, row.feedback_count) == (pytest.approx(3.5), 2)


# Bad input: the page again, with the error next to the field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rating": 4}, "programme"),
        ({"programme": "other", "rating": 4}, "programme"),  # the other coordinator's programme
        ({"programme": "not-a-number", "rating": 4}, "programme"),
        ({"programme": "mine"}, "rating"),
        ({"programme": "mine", "rating": 0}, "rating"),
        ({"programme": "mine", "rating": 6}, "rating"),
        ({"programme": "mine", "rating": "excellent"}, "rating"),
        ({"programme": "mine", "rating": 4, "comment": "x" * 2001}, "comment"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(client, world, banked, fields, field):
    values = {"mine": world.programme.pk, "other": world.other_programme.pk}
    fields = {key: values.get(value, value) if isinstance(value, str) else value for key, value in fields.items()}
    client.force_login(world.coordinator)
    response = post(client, world.mentor, **fields)
    assert response.status_code == 200
    assert list(response.context["feedback_form"].errors) == [field]
    assert f'id="error_1_id_feedback-{field}"' in response.content.decode()
    assert not MentorFeedback.objects.exists()


def test_a_programme_the_person_never_mentored_in_cannot_be_chosen(client, world, banked):
    """The coordinator runs it, but she was not a mentor there (a mentee is not rated here)."""
    ProgrammeMembership.objects.filter(user=world.mentor, programme=world.programme).update(role=Role.MENTEE)
    client.force_login(world.coordinator)
    page = client.get(reverse("bank:mentor", kwargs={"user_pk": world.mentor.pk}))
    assert page.context["can_rate"] is False
    response = post(client, world.mentor, programme=world.programme.pk, rating=4)
    assert response.status_code == 200
    assert "programme" in response.context["feedback_form"].errors
    assert not MentorFeedback.objects.exists()


def test_nobody_writes_feedback_about_themself(client, world):
    """A coordinator who also mentored in their own programme."""
    MentorProfileFactory(user=world.coordinator)
    ProgrammeMembership.objects.create(programme=world.programme, user=world.coordinator, role=Role.MENTOR)
    client.force_login(world.coordinator)
    page = client.get(reverse("bank:mentor", kwargs={"user_pk": world.coordinator.pk}))
    assert page.context["can_rate"] is False
    assert "This is you." in page.content.decode()
    response = post(client, world.coordinator, programme=world.programme.pk, rating=5)
    assert response.status_code == 302
    assert not MentorFeedback.objects.exists()


# Who may write it


def test_wrong_method(client, world, banked):
    client.force_login(world.coordinator)
    assert client.get(url(world.mentor)).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, world, banked):
    response = post(client, world.mentor, programme=world.programme.pk, rating=5)
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "mentee", "mentor", "other_group_member"])
def test_people_who_coordinate_nothing_cannot_write_feedback(client, world, banked, persona):
    client.force_login(getattr(world, persona))
    assert post(client, world.mentor, programme=world.programme.pk, rating=1).status_code == 403
    assert not MentorFeedback.objects.exists()


def test_a_person_not_in_the_bank_is_not_found(client, world):
    client.force_login(world.coordinator)
    assert post(client, world.mentee, programme=world.programme.pk, rating=1).status_code == 404


def test_feedback_by_an_erased_coordinator_is_signed_former_participant_in_the_readers_language(as_user, world):
    MentorProfile.objects.get_or_create(user=world.mentor)
    writer = UserFactory(display_name="Wendy Writer")
    MentorFeedback.objects.create(mentor=world.mentor, programme=world.programme, written_by=writer, rating=4)
    anonymise_person(user=writer)
    page = as_user(world.coordinator).get(reverse("bank:mentor", kwargs={"user_pk": world.mentor.pk}))
    assert "Written by Former participant on" in page.content.decode()
    writer.refresh_from_db()
    with translation.override("de"):
        assert writer.shown_name == "Ehemaliges Mitglied"
