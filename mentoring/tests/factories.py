import datetime

import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from groups.models import GroupKind, GroupMembership, GroupRole, MentoringGroup
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

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


def add_to_group(group: MentoringGroup, user: User, role: str) -> GroupMembership:
    """Puts a person in a group, and in its programme with the matching role."""
    ProgrammeMembership.objects.get_or_create(programme=group.programme, user=user, role=role)
    return GroupMembership.objects.create(group=group, user=user, role=role)


__all__ = [
    "PASSWORD",
    "GroupRole",
    "MentoringGroupFactory",
    "ProgrammeFactory",
    "ProgrammeMembershipFactory",
    "UserFactory",
    "add_to_group",
]
