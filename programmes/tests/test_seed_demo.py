import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from groups.models import ContractVersion, Goal, GroupKind, GroupMembership, Meeting, MentoringGroup
from groups.services.forming import propose, unplaced_mentees
from groups.services.mentors import candidates
from outbox.models import OutgoingEmail
from programmes.models import (
    Application,
    ApplicationStatus,
    EventKind,
    GoalArea,
    Invitation,
    InvitationStatus,
    MentorFeedback,
    MentorProfile,
    Programme,
    ProgrammeEvent,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
)

pytestmark = pytest.mark.django_db


def test_demo_data_has_a_running_a_matching_and_a_recruiting_programme(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    running = Programme.objects.get(status=ProgrammeStatus.RUNNING)
    assert Programme.objects.filter(status=ProgrammeStatus.RECRUITING).count() == 1
    assert running.groups.filter(kind=GroupKind.MENTOR_LED).count() == 4
    assert running.memberships.filter(role=Role.MENTOR).count() == 4
    assert 16 <= running.memberships.filter(role=Role.MENTEE).count() <= 20
    for group in running.groups.filter(kind=GroupKind.MENTOR_LED):
        assert group.memberships.filter(role="mentor").count() == 1
        assert 4 <= group.memberships.filter(role="mentee").count() <= 5
    circle = running.groups.get(kind=GroupKind.MENTOR_CIRCLE)
    assert circle.memberships.filter(role="mentor").count() == 4
    assert circle.memberships.get(role="supervisor").user.email == "coordinator@demo.example"


def test_the_programme_in_matching_has_mentees_to_place_and_mentors_with_room(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    matching = Programme.objects.get(status=ProgrammeStatus.MATCHING)
    assert unplaced_mentees(matching).count() == 14
    proposal = propose(matching)
    assert len(proposal.groups) == 3 and not proposal.unplaced
    free = [candidate for candidate in candidates(matching) if candidate.capacity > 0]
    assert sum(candidate.capacity for candidate in free) >= 3


def test_seeding_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    models = (
        User,
        Programme,
        ProgrammeMembership,
        MentoringGroup,
        GroupMembership,
        GoalArea,
        Application,
        MentorProfile,
        MentorFeedback,
        ProgrammeEvent,
        Invitation,
        OutgoingEmail,
    )
    counts = [model.objects.count() for model in models]
    User.objects.filter(email="mentor@demo.example").update(display_name="Renamed by hand")
    MentorProfile.objects.filter(user__email="mentor@demo.example").update(expertise="Edited by hand")
    call_command("seed_demo", stdout=None)
    assert [model.objects.count() for model in models] == counts
    assert User.objects.get(email="mentor@demo.example").display_name == "Renamed by hand"
    assert MentorProfile.objects.get(user__email="mentor@demo.example").expertise == "Edited by hand"


@pytest.mark.parametrize(
    ("email", "lands_on"),
    [
        ("coordinator@demo.example", "/programmes/"),
        ("mentor@demo.example", "/"),
        ("mentee@demo.example", "/"),
    ],
)
def test_each_demo_login_signs_in_with_the_published_password_and_reaches_their_home(settings, email, lands_on):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": "demo-password"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == lands_on


def test_refuses_to_run_with_production_settings(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    return {
        "running": Programme.objects.get(status=ProgrammeStatus.RUNNING),
        "recruiting": Programme.objects.get(status=ProgrammeStatus.RECRUITING),
        "coordinator": User.objects.get(email="coordinator@demo.example"),
    }


def _client_for(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_recruiting_programme_has_an_application_page_and_applications_of_every_kind(demo):
    recruiting = demo["recruiting"]
    assert recruiting.application_intro
    assert 5 <= recruiting.goal_areas.count() <= 6
    applications = recruiting.applications.all()
    waiting = applications.filter(role=Role.MENTEE, status=ApplicationStatus.SUBMITTED)
    assert 2 <= waiting.count() <= 3
    assert applications.filter(role=Role.MENTEE, status=ApplicationStatus.WAITLISTED).count() == 1
    assert applications.filter(role=Role.MENTOR).count() == 1
    for application in applications:
        assert application.languages and application.availability
        assert application.goal_areas.exists()
        assert application.submitted_at < timezone.now()
        assert application.applicant.email.endswith("@demo.example")
        assert application.applicant.check_password("demo-password")
    for application in applications.filter(role=Role.MENTEE):
        assert application.goals and application.field and application.mentor_kind


def test_the_coordinator_sees_the_waiting_applications(demo):
    response = _client_for("coordinator@demo.example").get(
        reverse("programmes:applications", kwargs={"pk": demo["recruiting"].pk})
    )
    assert response.status_code == 200
    for application in demo["recruiting"].applications.filter(status=ApplicationStatus.SUBMITTED):
        assert application.applicant.display_name in response.content.decode()


def test_the_mentor_bank_lists_every_demo_mentor(demo):
    response = _client_for("coordinator@demo.example").get(reverse("bank:search"))
    assert response.status_code == 200
    page = response.content.decode()
    for membership in demo["running"].memberships.filter(role=Role.MENTOR).select_related("user"):
        profile = membership.user.mentor_profile
        assert profile.expertise and profile.languages and profile.background and profile.availability
        assert membership.user.display_name in page
    assert MentorFeedback.objects.filter(programme=demo["running"]).count() == 2


def test_the_demo_mentor_and_mentee_see_the_programme_events_on_their_home_page(demo):
    training = ProgrammeEvent.objects.get(programme=demo["running"], kind=EventKind.MENTOR_TRAINING)
    final = ProgrammeEvent.objects.get(programme=demo["running"], kind=EventKind.FINAL_MEETING)
    now = timezone.now()
    assert now < training.starts_at < now + datetime.timedelta(weeks=4)
    assert training.starts_at < final.starts_at
    assert final.starts_at.date() <= demo["running"].ends_on
    mentor_home = _client_for("mentor@demo.example").get("/").content.decode()
    assert training.title in mentor_home and final.title in mentor_home
    mentee_home = _client_for("mentee@demo.example").get("/").content.decode()
    assert final.title in mentee_home
    assert training.title not in mentee_home


def test_the_coordinator_sees_the_pending_invitation(demo):
    invitation = Invitation.objects.get(programme=demo["recruiting"])
    assert invitation.state == InvitationStatus.PENDING
    assert invitation.email.endswith("@demo.example")
    assert not User.objects.filter(email__iexact=invitation.email).exists()
    response = _client_for("coordinator@demo.example").get(
        reverse("programmes:invitations", kwargs={"pk": demo["recruiting"].pk})
    )
    assert response.status_code == 200
    assert invitation.email in response.content.decode()


def test_an_invitation_that_expired_since_the_demo_was_loaded_is_sent_again(demo):
    invitation = Invitation.objects.get(programme=demo["recruiting"])
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    call_command("seed_demo", stdout=None)
    invitation.refresh_from_db()
    assert invitation.state == InvitationStatus.PENDING
    assert invitation.sent_count == 2
    assert Invitation.objects.filter(programme=demo["recruiting"]).count() == 1


def test_the_running_programme_has_contracts_and_goals_and_emails_nobody_about_them(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    running = Programme.objects.get(status=ProgrammeStatus.RUNNING)
    statuses = sorted(
        ContractVersion.objects.filter(contract__group__programme=running).values_list("status", flat=True)
    )
    assert statuses == ["in_force", "in_force", "in_force", "proposed"]
    assert Goal.objects.filter(group__programme=running, owner__isnull=True).count() == 8
    own = Goal.objects.filter(owner__email="mentee@demo.example")
    assert own.count() == 2 and own.filter(shared_with_group=True).count() == 1
    assert not OutgoingEmail.objects.filter(kind__startswith="groups.contract", status="pending").exists()


def test_the_running_programme_has_logged_sessions_and_a_next_one_and_emails_nobody_about_them(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    running = Programme.objects.get(status=ProgrammeStatus.RUNNING)
    meetings = Meeting.objects.filter(group__programme=running)
    assert meetings.filter(held=True, logged_at__isnull=False).count() == 8
    assert meetings.filter(logged_at__isnull=True, status="scheduled").count() == 4
    assert not OutgoingEmail.objects.filter(kind__startswith="groups.session", status="pending").exists()


def test_every_email_the_demo_queued_belongs_to_its_programme(demo):
    from outbox.models import OutgoingEmail

    emails = OutgoingEmail.objects.all()
    assert emails.count() > 10
    assert not emails.filter(programme__isnull=True).exists()
    assert emails.filter(kind="groups.session_invitation", programme=demo["running"]).exists()


def test_the_running_programme_has_an_open_survey_answered_by_most_but_not_the_demo_mentee(demo):
    from feedback.models import Respondent, RoundKind, RoundStatus

    running = demo["running"]
    assert set(running.survey_rounds.values_list("kind", "status")) == {
        (RoundKind.MIDPOINT, RoundStatus.SCHEDULED),
        (RoundKind.END, RoundStatus.SCHEDULED),
        (RoundKind.OTHER, RoundStatus.OPEN),
    }
    check_in = running.survey_rounds.get(kind=RoundKind.OTHER)
    answered = check_in.responses.filter(submitted_on__isnull=False)
    assert answered.filter(role="mentee").count() >= 3 and answered.filter(role="mentor").count() >= 1
    assert not answered.filter(respondent__isnull=False).exists()  # anonymous
    waiting = Respondent.objects.get(round=check_in, user__email="mentee@demo.example")
    assert waiting.submitted_at is None
