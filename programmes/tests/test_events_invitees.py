"""Who a programme event invites (by role, by group), and which events a person sees coming up."""

import datetime

import pytest
from django.utils import timezone

from groups.models import GroupMembership
from mentoring.tests.factories import (
    MentoringGroupFactory,
    ProgrammeEventFactory,
    ProgrammeMembershipFactory,
    UserFactory,
    add_to_group,
)
from programmes.models import MembershipStatus, ProgrammeEvent, ProgrammeMembership, Role
from programmes.services.events import invitee_count, invitees, upcoming_events_for

pytestmark = pytest.mark.django_db


def event_for(world, *, mentors=False, mentees=False, groups=(), **fields):
    event = ProgrammeEventFactory(
        programme=world.programme, created_by=world.coordinator, for_mentors=mentors, for_mentees=mentees, **fields
    )
    event.groups.set(groups)
    return event


def test_a_mentors_training_invites_every_active_mentor_and_nobody_else(world):
    second_mentor = UserFactory(display_name="Aaron Second")
    ProgrammeMembershipFactory(programme=world.programme, user=second_mentor, role=Role.MENTOR)
    event = event_for(world, mentors=True)
    assert list(invitees(event)) == [second_mentor, world.mentor]  # by name


def test_a_mentees_training_invites_the_mentees_in_every_group(world):
    event = event_for(world, mentees=True)
    assert set(invitees(event)) == {world.mentee, world.other_group_member}


def test_a_group_invitation_invites_its_current_members_only(world):
    left = UserFactory()
    add_to_group(world.group, left, "mentee")
    GroupMembership.objects.filter(user=left).update(left_at=timezone.now())
    event = event_for(world, groups=[world.group])
    assert set(invitees(event)) == {world.mentor, world.mentee}


def test_roles_and_groups_together_count_each_person_once(world):
    event = event_for(world, mentors=True, mentees=True, groups=[world.group, world.other_group])
    people = list(invitees(event))
    assert len(people) == 3
    assert set(people) == {world.mentor, world.mentee, world.other_group_member}


def test_withdrawn_members_coordinators_and_other_programmes_are_not_invited(world):
    ProgrammeMembership.objects.filter(user=world.other_group_member).update(status=MembershipStatus.WITHDRAWN)
    ProgrammeMembershipFactory(programme=world.other_programme, role=Role.MENTEE)
    event = event_for(world, mentees=True, groups=[world.other_group])
    assert list(invitees(event)) == [world.mentee]


def test_invitees_take_one_query_however_many_people(world, django_assert_num_queries):
    event = event_for(world, mentors=True, groups=[world.group, world.other_group])
    for _ in range(5):
        add_to_group(world.other_group, UserFactory(), "mentee")
    with django_assert_num_queries(1):
        assert len(list(invitees(event))) == 8


def test_the_invitee_count_of_each_event_matches_its_invitees(world):
    for _ in range(3):
        add_to_group(world.other_group, UserFactory(), "mentee")
    events = [
        event_for(world, mentors=True),
        event_for(world, mentees=True),
        event_for(world, groups=[world.group]),
        event_for(world, mentors=True, mentees=True, groups=[world.group, world.other_group]),
        event_for(world, groups=[MentoringGroupFactory(programme=world.programme)]),  # an empty group
    ]
    counted = dict(ProgrammeEvent.objects.annotate(n=invitee_count()).values_list("pk", "n"))
    assert counted == {event.pk: invitees(event).count() for event in events}
    assert [counted[event.pk] for event in events] == [1, 5, 2, 6, 0]


def test_upcoming_events_are_those_that_invite_the_person(world):
    now = timezone.now()
    for_mentors = event_for(world, mentors=True, title="Mentor training")
    for_mentees = event_for(world, mentees=True, title="Mentee training")
    for_group = event_for(world, groups=[world.group], title="Group A visit")
    for_other_group = event_for(world, groups=[world.other_group], title="Group B visit")
    assert set(upcoming_events_for(world.mentee, now)) == {for_mentees, for_group}
    assert set(upcoming_events_for(world.mentor, now)) == {for_mentors, for_group}
    assert set(upcoming_events_for(world.other_group_member, now)) == {for_mentees, for_other_group}
    assert list(upcoming_events_for(world.outsider, now)) == []


def test_upcoming_leaves_out_cancelled_finished_and_withdrawn(world):
    now = timezone.now()
    soon = event_for(world, mentees=True, starts_at=now + datetime.timedelta(hours=1))
    event_for(world, mentees=True, cancelled_at=now)
    event_for(world, mentees=True, starts_at=now - datetime.timedelta(hours=5))  # ended two hours ago
    running = event_for(world, mentees=True, starts_at=now - datetime.timedelta(hours=1))  # still on
    assert list(upcoming_events_for(world.mentee, now)) == [running, soon]
    ProgrammeMembership.objects.filter(user=world.mentee).update(status=MembershipStatus.WITHDRAWN)
    assert list(upcoming_events_for(world.mentee, now)) == []


def test_upcoming_events_take_one_query(world, django_assert_num_queries):
    for _ in range(5):
        event_for(world, mentees=True)
        event_for(world, groups=[world.group])
    with django_assert_num_queries(1):
        events = list(upcoming_events_for(world.mentee, timezone.now()))
        assert len(events) == 10
        assert {event.programme.name for event in events} == {"Pathways"}
