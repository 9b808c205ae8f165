"""Erasing a person: everything that identifies them goes, everything the programme's history and figures need
stays."""

from __future__ import annotations

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from feedback.models import Interview
from groups.models import GroupMembership, GroupRole
from mentoring.tests.factories import (
    ApplicationFactory,
    InvitationFactory,
    MentoringGroupFactory,
    MentorProfileFactory,
    ProgrammeEventFactory,
    ProgrammeFactory,
    UserFactory,
    add_to_group,
)
from outbox.models import EmailStatus, OutgoingEmail
from programmes.models import (
    Application,
    ApplicationStatus,
    AttendanceStatus,
    EventAttendance,
    Invitation,
    InvitationStatus,
    MembershipStatus,
    MentorFeedback,
    MentorProfile,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
)
from programmes.services.people import ERASED_NAME, anonymise_person, erased_email

pytestmark = pytest.mark.django_db

NAME = "Petra Privacy"
EMAIL = "petra.private@example.org"
OTHER_EMAIL = "petra@home.example"


def url(world, person) -> str:
    return reverse("programmes:person_erase", kwargs={"pk": world.programme.pk, "user_pk": person.pk})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def text_fields(model) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)  # EmailField is a CharField
    ]


def where_found(*needles: str) -> dict[str, int]:
    """Every model and text field in the database that holds any of ``needles``, with how many rows."""
    found = {}
    for model in apps.get_models():
        for name in text_fields(model):
            condition = Q()
            for needle in needles:
                condition |= Q(**{f"{name}__icontains": needle})
            count = model._default_manager.filter(condition).count()
            if count:
                found[f"{model._meta.label}.{name}"] = count
    return found


@pytest.fixture
def petra(world):
    """A mentee of the programme with a trail in every corner of the database, written in her own words and
    in others' words about her."""
    person = UserFactory(email=EMAIL, display_name=NAME)
    EmailAddress.objects.create(user=person, email=OTHER_EMAIL, verified=True, primary=False)
    add_to_group(world.group, person, GroupRole.MENTEE)
    past_group = MentoringGroupFactory(programme=world.programme, name="Earlier group")
    GroupMembership.objects.create(
        group=past_group,
        user=person,
        role=GroupRole.MENTEE,
        joined_at=timezone.now() - datetime.timedelta(days=30),
        left_at=timezone.now() - datetime.timedelta(days=10),
    )
    application = ApplicationFactory(
        programme=world.programme,
        applicant=person,
        status=ApplicationStatus.ACCEPTED,
        goals=f"I am {NAME} and I want to find work as a nurse.",
        field="Nursing",
        support_expected="Practice for interviews",
        mentor_kind="Someone patient",
        mentor_background="Health care",
        languages="English, Polish",
        accessibility_needs="Step-free access please",
        availability_note=f"Write to {EMAIL} before August",
        decision_note=f"{NAME} is keen; call her on {OTHER_EMAIL}.",
    )
    application.goal_areas.create(programme=world.programme, name="Finding work")
    # A mentor application elsewhere, declined long ago: its text goes as well.
    closed = ProgrammeFactory(name="Last year", status=ProgrammeStatus.CLOSED)
    ApplicationFactory(
        programme=closed,
        applicant=person,
        role=Role.MENTOR,
        status=ApplicationStatus.DECLINED,
        expertise="Nursing",
        background=f"{NAME}, ward nurse",
        motivation="Giving back",
    )
    ProgrammeMembership.objects.create(
        programme=closed, user=person, role=Role.MENTOR, status=MembershipStatus.WITHDRAWN, left_at=timezone.now()
    )
    MentorProfileFactory(
        user=person,
        background=f"{NAME} has twenty years on the ward.",
        motivation="I was mentored once.",
        availability_note="Evenings",
        gender="woman",
        age_band="45_59",
    )
    MentorFeedback.objects.create(
        mentor=person, programme=closed, rating=4, comment=f"{NAME} was great.", written_by=world.other_coordinator
    )
    InvitationFactory(
        programme=world.programme,
        email=EMAIL,
        name=NAME,
        invited_by=world.coordinator,
        status=InvitationStatus.ACCEPTED,
        accepted_by=person,
        accepted_at=timezone.now(),
    )
    pending = InvitationFactory(
        programme=world.other_programme, email=OTHER_EMAIL.upper(), name="Petra", invited_by=world.other_coordinator
    )
    event = ProgrammeEventFactory(programme=world.programme, created_by=world.coordinator, for_mentees=True)
    EventAttendance.objects.create(
        event=event, user=person, status=AttendanceStatus.PRESENT, recorded_by=world.coordinator
    )
    OutgoingEmail.objects.create(
        kind="programmes.invitation",
        object_id=pending.pk,
        key="petra-sent",
        to=EMAIL,
        recipient=person,
        subject=f"Welcome, {NAME}",
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        last_error=f"550 mailbox {EMAIL} full",
    )
    OutgoingEmail.objects.create(
        kind="programmes.invitation", object_id=pending.pk, key="petra-pending", to=OTHER_EMAIL
    )
    OutgoingEmail.objects.create(
        kind="programmes.application",
        object_id=application.pk,
        key="coordinator-told",
        to=world.coordinator.email,
        recipient=world.coordinator,
        subject=f"New application from {NAME}",
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
    )
    LogEntry.objects.log_actions(
        user_id=world.coordinator.pk, queryset=User.objects.filter(pk=person.pk), action_flag=CHANGE
    )
    LogEntry.objects.create(
        user=world.coordinator,
        content_type=ContentType.objects.get_for_model(ProgrammeMembership),
        object_id="1",
        object_repr=f"{EMAIL} – Mentee – Pathways",
        action_flag=CHANGE,
    )
    # A named survey she answered in her own words, and the coordinator's notes of an interview with her.
    from feedback.models import SurveyRound
    from feedback.services.responding import questionnaire_of, save_answers
    from feedback.services.rounds import ensure_rounds, open_round

    midpoint, _end = ensure_rounds(world.programme)
    SurveyRound.objects.filter(pk=midpoint.pk).update(anonymous=False)
    open_round(midpoint)
    respondent = midpoint.respondents.get(user=person)
    question = questionnaire_of(respondent).questions.filter(kind="long_text").first()
    save_answers(respondent=respondent, answers={question.pk: f"I am {NAME} and the group helped."}, submit=True)
    Interview.objects.create(
        programme=world.programme,
        person=person,
        interviewer=world.coordinator,
        held_on=timezone.localdate(),
        accomplishments=f"{NAME} found work.",
        concerns=f"Write to {EMAIL}.",
    )
    return person


def figures(programme) -> dict:
    """What the programme's reports count: none of it may change when a person is erased."""
    return {
        "memberships": programme.memberships.count(),
        "memberships_by_role": dict(programme.memberships.values_list("role").annotate(n=Count("pk"))),
        "group_memberships": GroupMembership.objects.filter(group__programme=programme).count(),
        "applications_by_status": dict(Application.objects.values_list("status").annotate(n=Count("pk")).order_by()),
        "goal_area_choices": Application.goal_areas.through.objects.count(),
        "attendance": dict(
            EventAttendance.objects.filter(event__programme=programme)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "feedback_ratings": list(MentorFeedback.objects.values_list("rating", flat=True)),
        "emails": OutgoingEmail.objects.count(),
        "invitations": Invitation.objects.count(),
    }


# The erasure itself


def test_after_erasing_neither_name_nor_address_is_anywhere_and_every_figure_is_kept(as_user, world, petra):
    before = where_found(NAME, EMAIL, OTHER_EMAIL)
    # The walk finds her everywhere she was put, so finding nothing afterwards means something.
    assert {
        "accounts.User.email",
        "accounts.User.display_name",
        "account.EmailAddress.email",
        "programmes.Application.goals",
        "programmes.Application.decision_note",
        "programmes.Application.availability_note",
        "programmes.Application.background",
        "programmes.MentorProfile.background",
        "programmes.MentorFeedback.comment",
        "programmes.Invitation.email",
        "programmes.Invitation.name",
        "outbox.OutgoingEmail.to",
        "outbox.OutgoingEmail.subject",
        "outbox.OutgoingEmail.last_error",
        "admin.LogEntry.object_repr",
    } <= set(before)
    programme_figures = figures(world.programme)

    response = as_user(world.coordinator).post(url(world, petra))

    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:people", kwargs={"pk": world.programme.pk})
    assert messages_of(response) == ["The person's personal data has been erased. The programme's figures are kept."]
    assert where_found(NAME, EMAIL, OTHER_EMAIL) == {}
    assert figures(world.programme) == programme_figures


def test_the_account_is_closed_and_shows_as_a_former_participant(world, petra):
    anonymise_person(user=petra, by=world.coordinator)
    petra.refresh_from_db()
    assert petra.email == f"erased-{petra.pk}@erased.invalid" == erased_email(petra)
    assert petra.display_name == ERASED_NAME == "Former participant"
    assert not petra.has_usable_password()
    assert not petra.is_active
    assert petra.anonymised_at is not None
    assert not EmailAddress.objects.filter(user=petra).exists()


def test_roles_and_group_places_end_and_their_rows_stay(world, petra):
    anonymise_person(user=petra)
    memberships = ProgrammeMembership.objects.filter(user=petra)
    assert memberships.count() == 2
    assert all(m.status == MembershipStatus.WITHDRAWN and m.left_at for m in memberships)
    assert GroupMembership.objects.filter(user=petra).count() == 2
    assert not GroupMembership.objects.current().filter(user=petra).exists()


def test_what_she_wrote_is_blanked_and_the_facts_for_figures_are_kept(world, petra):
    anonymise_person(user=petra)
    application = Application.objects.get(applicant=petra, programme=world.programme)
    for field in ("goals", "field", "support_expected", "mentor_kind", "mentor_background", "languages"):
        assert getattr(application, field) == "", field
    assert application.accessibility_needs == application.availability_note == application.decision_note == ""
    assert application.role == Role.MENTEE
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.available_evenings
    assert [area.name for area in application.goal_areas.all()] == ["Finding work"]
    profile = MentorProfile.objects.get(user=petra)
    assert (profile.expertise, profile.background, profile.languages, profile.motivation) == ("", "", "", "")
    assert (profile.gender, profile.age_band, profile.availability_note) == ("", "", "")
    assert profile.open_to_invitations is False
    feedback = MentorFeedback.objects.get(mentor=petra)
    assert (feedback.rating, feedback.comment) == (4, "")


def test_invitations_and_emails_to_her_no_longer_carry_her_address(world, petra):
    anonymise_person(user=petra)
    erased = erased_email(petra)
    invitations = world.programme.invitations.all() | world.other_programme.invitations.all()
    assert {(i.email, i.name) for i in invitations} == {(erased, "")}
    pending = world.other_programme.invitations.get()
    assert pending.status == InvitationStatus.REVOKED  # her link no longer works
    assert not pending.is_usable
    emails = {email.key: email for email in OutgoingEmail.objects.all()}
    assert emails["petra-sent"].to == erased
    assert emails["petra-sent"].status == EmailStatus.SENT
    assert emails["petra-sent"].subject == "Welcome, Former participant"
    assert emails["petra-pending"].to == erased
    assert emails["petra-pending"].status == EmailStatus.CANCELLED
    assert emails["coordinator-told"].to == world.coordinator.email
    assert emails["coordinator-told"].subject == "New application from Former participant"


def test_her_open_sessions_end(client, world, petra):
    client.force_login(petra)
    assert client.get(reverse("accounts:profile")).status_code == 200
    anonymise_person(user=petra)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_erasing_twice_is_harmless(world, petra):
    anonymise_person(user=petra)
    petra.refresh_from_db()
    first = petra.anonymised_at
    state = where_found(erased_email(petra))
    anonymise_person(user=petra)
    petra.refresh_from_db()
    assert petra.anonymised_at == first
    assert petra.email == erased_email(petra)
    assert where_found(erased_email(petra)) == state


def test_erasing_an_erased_person_through_the_page_says_so(as_user, world, petra):
    anonymise_person(user=petra)
    client = as_user(world.coordinator)
    page = client.get(url(world, petra)).content.decode()
    assert "There is nothing more to do." in page
    assert client.post(url(world, petra)).status_code == 302


def test_other_people_are_untouched(world, petra):
    anonymise_person(user=petra)
    world.mentee.refresh_from_db()
    assert (world.mentee.email, world.mentee.display_name, world.mentee.is_active) == (
        "mentee@example.org",
        "Max Mentee",
        True,
    )
    assert GroupMembership.objects.current().filter(user=world.mentee).exists()


# The confirmation page


def test_the_confirmation_page_says_what_goes_and_what_stays_and_changes_nothing(as_user, world, petra):
    response = as_user(world.coordinator).get(url(world, petra))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Erase the personal data of {NAME}" in page
    assert EMAIL in page
    assert "What is kept" in page
    assert '<button type="submit" class="btn btn-danger">' in page
    petra.refresh_from_db()
    assert petra.anonymised_at is None


def test_a_withdrawn_member_can_be_erased(as_user, world, petra):
    world.programme.memberships.filter(user=petra).update(status=MembershipStatus.WITHDRAWN)
    as_user(world.coordinator).post(url(world, petra))
    petra.refresh_from_db()
    assert petra.anonymised_at is not None


def test_erasing_works_in_a_closed_programme_too(as_user, world, petra):
    world.programme.status = ProgrammeStatus.CLOSED
    world.programme.save()
    as_user(world.coordinator).post(url(world, petra))
    petra.refresh_from_db()
    assert petra.anonymised_at is not None


# Refusals


def assert_refused(client, world, person, message: str) -> None:
    page = client.get(url(world, person)).content.decode()
    assert message in page.replace("&#x27;", "'")
    assert '<button type="submit" class="btn btn-danger">' not in page
    response = client.post(url(world, person))
    assert response.status_code == 302
    assert response["Location"] == url(world, person)
    assert messages_of(response) == [message]
    person.refresh_from_db()
    assert person.anonymised_at is None
    assert person.is_active


def test_someone_who_also_takes_part_elsewhere_must_be_erased_by_an_administrator(as_user, world, petra):
    ProgrammeMembership.objects.create(programme=world.other_programme, user=petra, role=Role.MENTEE)
    assert_refused(
        as_user(world.coordinator),
        world,
        petra,
        f"{NAME} also takes part in a programme that you do not coordinate. "
        "An administrator must erase their personal data.",
    )


def test_a_role_elsewhere_in_a_programme_the_coordinator_also_runs_is_fine(as_user, world, petra):
    ProgrammeMembership.objects.create(programme=world.other_programme, user=petra, role=Role.MENTEE)
    ProgrammeMembership.objects.create(programme=world.other_programme, user=world.coordinator, role=Role.COORDINATOR)
    as_user(world.coordinator).post(url(world, petra))
    petra.refresh_from_db()
    assert petra.anonymised_at is not None


def test_a_coordinator_cannot_erase_themself_and_is_pointed_to_their_account(as_user, world):
    client = as_user(world.coordinator)
    page = client.get(url(world, world.coordinator)).content.decode()
    assert reverse("accounts:delete_account") in page
    assert_refused(
        client,
        world,
        world.coordinator,
        "You cannot erase yourself here. To delete your own account, use “Delete your account” instead.",
    )


def test_another_coordinator_cannot_be_erased(as_user, world):
    colleague = UserFactory(display_name="Colin Colleague")
    ProgrammeMembership.objects.create(programme=world.programme, user=colleague, role=Role.COORDINATOR)
    assert_refused(
        as_user(world.coordinator),
        world,
        colleague,
        "Colin Colleague coordinates a programme. Coordinators cannot erase each other: please ask an administrator.",
    )


def test_a_mentee_here_who_coordinates_elsewhere_cannot_be_erased(as_user, world):
    ProgrammeMembership.objects.create(programme=world.programme, user=world.other_coordinator, role=Role.MENTEE)
    assert_refused(
        as_user(world.coordinator),
        world,
        world.other_coordinator,
        "Otto Other coordinates a programme. Coordinators cannot erase each other: please ask an administrator.",
    )


# Who may open the page


def test_a_person_who_never_was_in_the_programme_is_not_found(as_user, world):
    client = as_user(world.coordinator)
    assert client.get(url(world, world.outsider)).status_code == 404
    assert client.post(url(world, world.outsider)).status_code == 404
    world.outsider.refresh_from_db()
    assert world.outsider.anonymised_at is None


def test_members_without_the_role_and_outsiders_are_refused(client, world, petra):
    client.force_login(world.mentor)
    assert client.post(url(world, petra)).status_code == 403
    client.force_login(world.other_coordinator)
    assert client.post(url(world, petra)).status_code == 404
    client.logout()
    assert client.post(url(world, petra)).status_code == 302
    petra.refresh_from_db()
    assert petra.anonymised_at is None


def test_only_get_and_post(as_user, world, petra):
    assert as_user(world.coordinator).put(url(world, petra)).status_code == 405


def test_erasing_a_short_name_leaves_the_words_that_contain_it(world):
    al = UserFactory(display_name="Al")
    other = OutgoingEmail.objects.create(
        kind="programmes.invitation", object_id=1, key="alumni", to="x@example.org", subject="Final meeting with Alumni"
    )
    told = OutgoingEmail.objects.create(
        kind="programmes.invitation", object_id=1, key="al", to="y@example.org", subject="Al has applied"
    )
    anonymise_person(user=al)
    other.refresh_from_db()
    told.refresh_from_db()
    assert other.subject == "Final meeting with Alumni"
    assert told.subject == "Former participant has applied"


def test_erasing_blanks_the_gender_and_age_given_in_applications(world):
    application = ApplicationFactory(programme=world.programme, gender="woman", age_band="30_44")
    anonymise_person(user=application.applicant)
    application.refresh_from_db()
    assert (application.gender, application.age_band) == ("", "")
