"""Invariants the database itself holds, so that no code path (admin, shell, a future bug) can break them."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from groups.models import GroupMembership
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory
from programmes.models import Programme, ProgrammeMembership, Role
from programmes.services import add_member

pytestmark = pytest.mark.django_db


def refused(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_database_refuses_a_programme_that_ends_before_it_starts():
    assert refused(lambda: ProgrammeFactory(starts_on=datetime.date(2027, 5, 1), ends_on=datetime.date(2027, 1, 1)))
    assert refused(lambda: ProgrammeFactory(starts_on=datetime.date(2027, 5, 1), ends_on=datetime.date(2027, 5, 1)))


def test_database_refuses_an_update_that_moves_the_end_before_the_start():
    programme = ProgrammeFactory()
    assert refused(lambda: Programme.objects.filter(pk=programme.pk).update(ends_on=programme.starts_on))


def test_database_refuses_group_sizes_out_of_order_and_unknown_statuses():
    assert refused(lambda: ProgrammeFactory(group_size_min=6, group_size_target=5, group_size_max=7))
    assert refused(lambda: ProgrammeFactory(group_size_target=8, group_size_max=6))
    assert refused(lambda: ProgrammeFactory(status="finished"))
    assert refused(lambda: ProgrammeFactory(sessions_per_month=0))


def test_duplicate_membership_in_the_same_role_is_refused():
    programme, user = ProgrammeFactory(), UserFactory()
    ProgrammeMembership.objects.create(programme=programme, user=user, role=Role.MENTEE)
    assert refused(lambda: ProgrammeMembership.objects.create(programme=programme, user=user, role=Role.MENTEE))


def test_one_person_may_hold_two_roles_in_a_programme():
    programme, user = ProgrammeFactory(), UserFactory()
    ProgrammeMembership.objects.create(programme=programme, user=user, role=Role.MENTEE)
    ProgrammeMembership.objects.create(programme=programme, user=user, role=Role.MENTOR)
    assert programme.memberships.filter(user=user).count() == 2


def test_adding_a_member_twice_is_idempotent_and_reactivates_a_withdrawn_one():
    programme, user = ProgrammeFactory(), UserFactory()
    first = add_member(programme=programme, user=user, role=Role.MENTOR)
    ProgrammeMembership.objects.filter(pk=first.pk).update(status="withdrawn")
    again = add_member(programme=programme, user=user, role=Role.MENTOR)
    assert again.pk == first.pk
    assert again.status == "active"


def test_a_person_is_in_a_group_once_at_a_time_but_may_rejoin_after_leaving():
    group, user = MentoringGroupFactory(), UserFactory()
    membership = GroupMembership.objects.create(group=group, user=user, role="mentee")
    assert refused(lambda: GroupMembership.objects.create(group=group, user=user, role="mentee"))
    membership.left_at = membership.joined_at + datetime.timedelta(days=30)
    membership.save()
    GroupMembership.objects.create(group=group, user=user, role="mentee")
    assert group.memberships.count() == 2
    assert group.memberships.current().count() == 1


def test_group_names_are_unique_within_a_programme_whatever_the_case():
    group = MentoringGroupFactory(name="Starting out")
    assert refused(lambda: MentoringGroupFactory(programme=group.programme, name="STARTING OUT"))
    MentoringGroupFactory(name="Starting out")  # another programme may use the same name


def test_history_is_protected_from_cascading_deletes():
    group, user = MentoringGroupFactory(), UserFactory()
    GroupMembership.objects.create(group=group, user=user, role="mentee")
    ProgrammeMembership.objects.create(programme=group.programme, user=user, role=Role.MENTEE)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        user.delete()
    with pytest.raises(ProtectedError):
        group.programme.delete()
