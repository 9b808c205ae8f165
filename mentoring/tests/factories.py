import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from groups.models import (
    AssignmentStatus,
    Attendance,
    GroupKind,
    GroupMembership,
    GroupRole,
    Meeting,
    MentorAssignment,
    MentoringGroup,
)
from programmes.models import (
    Application,
    ApplicationStatus,
    GoalArea,
    Invitation,
    MentorProfile,
    Programme,
    ProgrammeEvent,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
)

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    time_zone = "Europe/Berlin"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 5, 31)
    time_zone = "Europe/Berlin"
    status = ProgrammeStatus.RUNNING


class ProgrammeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    programme = factory.SubFactory(ProgrammeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MENTEE


class MentoringGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringGroup

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = GroupKind.MENTOR_LED


class GoalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalArea

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Goal area {n}")
    position = factory.Sequence(lambda n: n)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation. The raw token of its link is on ``invitation.raw_token`` (the database holds only
    its hash)."""

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    name = factory.Faker("name")
    role = Role.MENTEE
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))

    @factory.post_generation
    def raw_token(obj, create, extracted, **kwargs):
        obj.raw_token = obj.new_token()
        if create:
            obj.save(update_fields=["token_salt", "token_hash"])


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    programme = factory.SubFactory(ProgrammeFactory, status=ProgrammeStatus.RECRUITING)
    applicant = factory.SubFactory(UserFactory)
    role = Role.MENTEE
    languages = "English"
    goals = "Find work as a nurse within a year."
    field = "Health care"
    available_evenings = True
    consent_given_at = factory.LazyFunction(timezone.now)


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(UserFactory)
    expertise = "Health care, Job interviews"
    background = "Twenty years as a nurse and ward manager."
    languages = "English, German"
    max_groups = 2
    available_evenings = True


class ProgrammeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeEvent

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Training {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=3))
    place = "Community centre, room 2"
    for_mentors = True
    created_by = factory.SubFactory(UserFactory)


class MentorAssignmentFactory(factory.django.DjangoModelFactory):
    """A request to a mentor to take a group, waiting for their answer."""

    class Meta:
        model = MentorAssignment

    group = factory.SubFactory(MentoringGroupFactory)
    mentor = factory.SubFactory(UserFactory)
    assigned_by = factory.SubFactory(UserFactory)
    status = AssignmentStatus.PENDING


def accepted_mentee(programme: Programme, *, goal_areas=(), user: User | None = None, **answers) -> User:
    """A mentee of the programme with an accepted application (``answers`` override the application's fields)."""
    user = user or UserFactory()
    ProgrammeMembership.objects.get_or_create(programme=programme, user=user, role=Role.MENTEE)
    application = ApplicationFactory(
        programme=programme, applicant=user, role=Role.MENTEE, status=ApplicationStatus.ACCEPTED, **answers
    )
    application.goal_areas.set(goal_areas)
    return user


def programme_mentor(programme: Programme, *, user: User | None = None, **profile) -> User:
    """A mentor of the programme with a profile in the mentor data bank (``profile`` overrides its fields)."""
    user = user or UserFactory()
    ProgrammeMembership.objects.get_or_create(programme=programme, user=user, role=Role.MENTOR)
    MentorProfileFactory(user=user, **profile)
    return user


def add_to_group(group: MentoringGroup, user: User, role: str) -> GroupMembership:
    """Puts a person in a group, and in its programme with the matching role."""
    ProgrammeMembership.objects.get_or_create(programme=group.programme, user=user, role=role)
    return GroupMembership.objects.create(group=group, user=user, role=role)


__all__ = [
    "PASSWORD",
    "ApplicationFactory",
    "GoalAreaFactory",
    "GroupRole",
    "InvitationFactory",
    "MentorAssignmentFactory",
    "MentorProfileFactory",
    "MentoringGroupFactory",
    "ProgrammeEventFactory",
    "ProgrammeFactory",
    "ProgrammeMembershipFactory",
    "UserFactory",
    "accepted_mentee",
    "add_to_group",
    "programme_mentor",
]


def mark_attendance(meeting: Meeting, marks) -> list[Attendance]:
    """Records attendance marks, ``(person, mark)`` pairs, for a session, and counts them on the session as the
    session log does."""
    created = Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user=person, status=status) for person, status in marks]
    )
    meeting.recount_attendance()
    return created
