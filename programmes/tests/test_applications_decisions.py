"""From application to acceptance: a person applies, the coordinator finds them in the list and decides; an
accepted applicant becomes a member (a mentor also enters the mentor data bank), and the applicant hears about it
by email in their own language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from mentoring.tests.factories import ApplicationFactory, GoalAreaFactory, MentorProfileFactory, UserFactory
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import (
    Application,
    ApplicationStatus,
    MembershipStatus,
    MentorProfile,
    Programme,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
)
from programmes.services.applications import (
    InvalidDecision,
    ProgrammeArchived,
    decide,
)
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db


def recruiting(world) -> Programme:
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.RECRUITING)
    world.programme.refresh_from_db()
    return world.programme


def detail_url(application: Application) -> str:
    return reverse("programmes:application", kwargs={"pk": application.programme_id, "application_pk": application.pk})


def decide_url(application: Application) -> str:
    return reverse(
        "programmes:application_decide", kwargs={"pk": application.programme_id, "application_pk": application.pk}
    )


def send_all() -> None:
    for email in OutgoingEmail.objects.all():
        deliver(email.pk)


def test_application_to_acceptance_end_to_end(client, world, django_capture_on_commit_callbacks):
    programme = recruiting(world)
    careers = GoalAreaFactory(programme=programme, name="Careers")
    GoalAreaFactory(programme=programme, name="Studies")
    applicant = UserFactory(display_name="Amira Applicant", email="amira@example.org", language="de")

    # She applies as a mentee from the programme's application page.
    client.force_login(applicant)
    response = client.post(
        reverse("join:apply_as", kwargs={"key": programme.application_key, "role": "mentee"}),
        {
            "goals": "Work as a nurse again.",
            "goal_areas": [careers.pk],
            "field": "Health care",
            "languages": "Arabic, English",
            "needs_language_support": "on",
            "availability": ["evenings"],
            "consent": "on",
        },
    )
    application = applicant.applications.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("join:my_application", kwargs={"application_pk": application.pk})

    # The coordinator finds her among the mentees who need language support and chose "Careers".
    client.force_login(world.coordinator)
    listed = client.get(
        reverse("programmes:applications", kwargs={"pk": programme.pk}),
        {"role": "mentee", "area": careers.pk, "support": "on", "status": "submitted"},
    )
    assert [a.applicant for a in listed.context["page"]] == [applicant]
    assert detail_url(application) in listed.content.decode()
    page = client.get(detail_url(application)).content.decode()
    assert "Work as a nurse again." in page and "Arabic, English" in page

    # ... and accepts her, with a message.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(application), {"status": "accepted", "notify": "on", "message": "Willkommen, Amira!"}
        )
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.decided_by == world.coordinator
    assert application.decided_at is not None
    assert ProgrammeMembership.objects.get(programme=programme, user=applicant).role == Role.MENTEE

    email = OutgoingEmail.objects.get(kind="programmes.application_decision")
    assert email.language == "de"
    assert email.recipient == applicant
    send_all()
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    [message] = mail.outbox
    assert message.to == ["amira@example.org"]
    assert "Pathways" in message.subject
    assert "Willkommen, Amira!" in message.body
    assert "1. September 2026" in message.body  # the programme's start, written the German way
    assert reverse("join:my_application", kwargs={"application_pk": application.pk}) in message.body
    assert "Willkommen, Amira!" in message.alternatives[0][0]


def test_the_decision_is_confirmed_to_the_coordinator(as_user, world):
    application = ApplicationFactory(programme=world.programme, applicant=UserFactory(display_name="Ben"))
    response = as_user(world.coordinator).post(decide_url(application), {"status": "waitlisted"}, follow=True)
    assert "Ben is on the waiting list." in response.content.decode()


def test_an_accepted_mentor_enters_the_mentor_data_bank_with_their_answers(world):
    programme = recruiting(world)
    careers = GoalAreaFactory(programme=programme, name="Careers")
    application = ApplicationFactory(
        programme=programme,
        role=Role.MENTOR,
        goals="",
        expertise="Job interviews, careers",
        background="Twenty years in human resources.",
        languages="English, French",
        available_mornings=True,
        available_evenings=False,
        availability_note="Not in August",
        max_groups=2,
        engagement="paid",
        motivation="I was mentored once.",
        gender="woman",
        age_band="45_59",
    )
    application.goal_areas.set([careers])

    decide(application=application, status=ApplicationStatus.ACCEPTED, by=world.coordinator, notify=False)

    profile = MentorProfile.objects.get(user=application.applicant)
    assert profile.expertise == "Careers, Job interviews"
    assert profile.background == "Twenty years in human resources."
    assert profile.languages == "English, French"
    assert profile.availability == ["mornings"]
    assert profile.availability_note == "Not in August"
    assert profile.max_groups == 2
    assert profile.engagement == "paid"
    assert profile.motivation == "I was mentored once."
    assert (profile.gender, profile.age_band) == ("woman", "45_59")
    assert ProgrammeMembership.objects.filter(programme=programme, user=application.applicant, role=Role.MENTOR)
    assert not OutgoingEmail.objects.exists()


def test_an_accepted_mentor_updates_the_profile_they_already_have(world):
    profile = MentorProfileFactory(expertise="Old things", max_groups=3, open_to_invitations=False)
    application = ApplicationFactory(
        programme=world.programme, applicant=profile.user, role=Role.MENTOR, expertise="New things", max_groups=None
    )
    decide(application=application, status=ApplicationStatus.ACCEPTED, by=world.coordinator, notify=False)
    profile.refresh_from_db()
    assert profile.expertise == "New things"
    assert profile.max_groups == 3  # not answered: kept
    assert profile.open_to_invitations is False  # their own choice: kept
    assert MentorProfile.objects.filter(user=profile.user).count() == 1


@pytest.mark.parametrize(
    ("status", "words"),
    [("waitlisted", "on the waiting list"), ("declined", "we cannot offer you a place")],
)
def test_waitlist_and_decline_tell_the_applicant_and_add_no_member(
    as_user, world, django_capture_on_commit_callbacks, status, words
):
    application = ApplicationFactory(programme=world.programme)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.coordinator).post(decide_url(application), {"status": status, "notify": "on"})
    application.refresh_from_db()
    assert application.status == status
    assert not ProgrammeMembership.objects.filter(user=application.applicant).exists()
    send_all()
    [message] = mail.outbox
    assert words in message.body
    assert message.subject == "Your application to Pathways"


def test_without_notify_no_email_is_queued(as_user, world):
    application = ApplicationFactory(programme=world.programme)
    as_user(world.coordinator).post(decide_url(application), {"status": "declined"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert not OutgoingEmail.objects.exists()


def test_the_note_for_coordinators_is_saved_with_the_decision_and_not_emailed(
    as_user, world, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(programme=world.programme)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.coordinator).post(
            decide_url(application), {"status": "waitlisted", "notify": "on", "note": "Strong; wait for group 2."}
        )
    application.refresh_from_db()
    assert application.decision_note == "Strong; wait for group 2."
    send_all()
    assert "Strong" not in mail.outbox[0].body


def test_a_waitlisted_applicant_can_be_accepted_later_and_a_declined_one_reconsidered(world):
    application = ApplicationFactory(programme=world.programme)
    decide(application=application, status="waitlisted", by=world.coordinator, notify=False)
    decide(application=application, status="declined", by=world.coordinator, notify=False)
    decide(application=application, status="accepted", by=world.coordinator, notify=False)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_an_email_for_a_decision_that_was_replaced_before_sending_is_not_sent(
    world, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(programme=world.programme)
    with django_capture_on_commit_callbacks(execute=True):
        decide(application=application, status="waitlisted", by=world.coordinator, notify=True)
        decide(application=application, status="accepted", by=world.coordinator, notify=True)
    send_all()
    statuses = dict(OutgoingEmail.objects.values_list("key", "status"))
    assert sorted(statuses.values()) == [EmailStatus.CANCELLED, EmailStatus.SENT]
    [message] = mail.outbox
    assert message.subject == "Welcome to Pathways"


@pytest.mark.parametrize(
    ("start", "wanted"),
    [
        ("accepted", "declined"),
        ("accepted", "waitlisted"),
        ("withdrawn", "accepted"),
        ("submitted", "withdrawn"),
        ("submitted", "submitted"),
        ("waitlisted", "waitlisted"),
    ],
)
def test_transitions_that_are_not_decisions_are_refused(world, start, wanted):
    application = ApplicationFactory(programme=world.programme, status=start)
    with pytest.raises(InvalidDecision):
        decide(application=application, status=wanted, by=world.coordinator, notify=True)
    application.refresh_from_db()
    assert application.status == start
    assert not OutgoingEmail.objects.exists()


def test_the_form_offers_only_the_next_decisions_and_refuses_others(as_user, world):
    application = ApplicationFactory(programme=world.programme, status="waitlisted")
    client = as_user(world.coordinator)
    form = client.get(detail_url(application)).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["accepted", "declined"]
    assert form.fields["notify"].initial is True
    response = client.post(decide_url(application), {"status": "waitlisted", "notify": "on"})
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == "waitlisted"


def test_a_decision_without_a_choice_is_explained(as_user, world):
    application = ApplicationFactory(programme=world.programme)
    response = as_user(world.coordinator).post(decide_url(application), {"notify": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["status"] == ["This field is required."]


def test_an_accepted_application_offers_no_decision(as_user, world):
    application = ApplicationFactory(programme=world.programme, status="accepted")
    page = as_user(world.coordinator).get(detail_url(application)).content.decode()
    assert "Save the decision" not in page
    assert "this person is a member of the programme" in page


def test_a_closed_programme_refuses_decisions(as_user, world):
    application = ApplicationFactory(programme=world.programme)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    response = as_user(world.coordinator).post(decide_url(application), {"status": "accepted"}, follow=True)
    assert "This programme is closed" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    with pytest.raises(ProgrammeArchived):
        decide(application=application, status="accepted", by=world.coordinator, notify=False)


def test_accepting_someone_whose_membership_was_withdrawn_makes_it_active_again(world):
    application = ApplicationFactory(programme=world.programme, applicant=world.outsider)
    ProgrammeMembership.objects.create(
        programme=world.programme, user=world.outsider, role=Role.MENTEE, status=MembershipStatus.WITHDRAWN
    )
    decide(application=application, status="accepted", by=world.coordinator, notify=False)
    membership = ProgrammeMembership.objects.get(programme=world.programme, user=world.outsider)
    assert membership.status == MembershipStatus.ACTIVE


def test_decide_refuses_get(as_user, world):
    application = ApplicationFactory(programme=world.programme)
    assert as_user(world.coordinator).get(decide_url(application)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("mentee", 403), ("mentor", 403), ("outsider", 404), ("other_coordinator", 404)],
)
def test_only_the_programmes_coordinators_see_and_decide(as_user, world, persona, expected):
    application = ApplicationFactory(programme=world.programme)
    client = as_user(getattr(world, persona))
    assert client.get(detail_url(application)).status_code == expected
    assert client.post(decide_url(application), {"status": "accepted"}).status_code == expected
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_an_application_of_another_programme_is_not_found_through_this_one(as_user, world):
    elsewhere = ApplicationFactory(programme=world.other_programme)
    client = as_user(world.coordinator)
    url = reverse("programmes:application", kwargs={"pk": world.programme.pk, "application_pk": elsewhere.pk})
    assert client.get(url).status_code == 404
    decide = reverse("programmes:application_decide", kwargs={"pk": world.programme.pk, "application_pk": elsewhere.pk})
    assert client.post(decide, {"status": "accepted"}).status_code == 404


def test_the_message_to_an_applicant_is_forgotten_when_their_data_is_erased(world):
    application = ApplicationFactory(programme=world.programme)
    decide(application=application, status="waitlisted", by=world.coordinator, notify=True, message=" Dear Jo, ... ")
    application.refresh_from_db()
    assert application.decision_message == "Dear Jo, ..."
    anonymise_person(user=application.applicant, by=world.coordinator)
    application.refresh_from_db()
    assert application.decision_message == ""
    assert application.status == ApplicationStatus.WAITLISTED
