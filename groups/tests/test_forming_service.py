"""Forming groups from the database: who is still to be placed, what the algorithm is told about them, and
confirming a proposal (all or nothing)."""

from __future__ import annotations

from unittest import mock

import pytest

from groups.models import GroupMembership, GroupRole, GroupWishes, MentoringGroup
from groups.proposals import Share, move, rename
from groups.services import forming
from groups.services.forming import (
    EmptyProposal,
    NameTaken,
    ProgrammeClosed,
    StaleProposal,
    confirm_proposal,
    mentee_values,
    propose,
    unplaced_mentees,
)
from mentoring.tests.factories import (
    GoalAreaFactory,
    MentoringGroupFactory,
    ProgrammeFactory,
    UserFactory,
    accepted_mentee,
    add_to_group,
)
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db

LANGUAGES = ["English", "German, English", "Arabic", "Arabic, English"]
SLOTS = ["mornings", "evenings", "weekends"]


@pytest.fixture
def programme():
    return ProgrammeFactory(name="Pathways", group_size_min=3, group_size_target=4, group_size_max=5)


@pytest.fixture
def coordinator(programme):
    person = UserFactory(display_name="Cora Coordinator")
    ProgrammeMembership.objects.create(programme=programme, user=person, role=Role.COORDINATOR)
    return person


def mentee(programme, name, *, goals=(), languages="English", slots=("evenings",), field="Health care"):
    flags = {f"available_{slot}": slot in slots for slot in ("mornings", "afternoons", "evenings", "weekends")}
    return accepted_mentee(
        programme,
        user=UserFactory(display_name=name),
        goal_areas=goals,
        languages=languages,
        field=field,
        **flags,
    )


def many_mentees(programme, count: int) -> list:
    areas = [GoalAreaFactory(programme=programme, name=name) for name in ("Careers", "Studies", "Leadership")]
    return [
        mentee(
            programme,
            f"Mentee {number:02d}",
            goals=[areas[number % 3], areas[(number + 1) % 3]][: 1 + number % 2],
            languages=LANGUAGES[number % 4],
            slots=(SLOTS[number % 3],),
            field=["Health care", "IT", ""][number % 3],
        )
        for number in range(count)
    ]


# -- Who is still to be placed ----------------------------------------------------------------------------------


def test_unplaced_mentees_are_the_active_mentees_in_no_group_of_the_programme(programme):
    waiting = mentee(programme, "Wanda Waiting")
    placed = mentee(programme, "Paul Placed")
    add_to_group(MentoringGroupFactory(programme=programme), placed, GroupRole.MENTEE)
    withdrawn = mentee(programme, "Willa Withdrawn")
    ProgrammeMembership.objects.filter(user=withdrawn).update(status=MembershipStatus.WITHDRAWN)
    mentor = UserFactory(display_name="Mina Mentor")
    ProgrammeMembership.objects.create(programme=programme, user=mentor, role=Role.MENTOR)
    elsewhere = mentee(ProgrammeFactory(), "Elsa Elsewhere")
    assert list(unplaced_mentees(programme)) == [waiting]
    assert elsewhere not in unplaced_mentees(programme)


def test_a_mentee_who_left_their_group_is_to_be_placed_again(programme):
    person = mentee(programme, "Lena Left")
    membership = add_to_group(MentoringGroupFactory(programme=programme), person, GroupRole.MENTEE)
    membership.left_at = membership.joined_at
    membership.save()
    assert list(unplaced_mentees(programme)) == [person]


def test_a_mentee_placed_in_another_programme_is_still_to_be_placed_in_this_one(programme):
    person = mentee(programme, "Dana Double")
    add_to_group(MentoringGroupFactory(), person, GroupRole.MENTEE)
    assert list(unplaced_mentees(programme)) == [person]


def test_unplaced_mentees_are_listed_by_name(programme):
    mentee(programme, "zoe Last")
    mentee(programme, "Anna First")
    mentee(programme, "Ben Second")
    assert [person.display_name for person in unplaced_mentees(programme)] == ["Anna First", "Ben Second", "zoe Last"]


# -- What the algorithm is told -----------------------------------------------------------------------------------


def test_mentee_values_come_from_the_accepted_application(programme):
    careers = GoalAreaFactory(programme=programme, name="Careers")
    person = mentee(
        programme, "Ana Silva", goals=[careers], languages="Portuguese, English", slots=("mornings", "weekends")
    )
    values = mentee_values(programme)[person.pk]
    assert values.name == "Ana Silva"
    assert values.goal_areas == {"Careers"}
    assert values.languages == {"Portuguese", "English"}
    assert values.availability == {"mornings", "weekends"}
    assert values.field == "Health care"


def test_a_mentee_invited_without_an_application_is_known_by_name_only(programme):
    person = UserFactory(display_name="Ivo Invited")
    ProgrammeMembership.objects.create(programme=programme, user=person, role=Role.MENTEE)
    values = mentee_values(programme)[person.pk]
    assert values.name == "Ivo Invited"
    assert not values.goal_areas and not values.languages and not values.availability


@pytest.mark.parametrize("count", [3, 12])
def test_mentee_values_take_three_queries_whatever_the_number_of_mentees(programme, django_assert_num_queries, count):
    many_mentees(programme, count)
    with django_assert_num_queries(3):
        values = mentee_values(programme)
    assert len(values) == count


# -- Proposing ------------------------------------------------------------------------------------------------------


def test_a_proposal_keeps_every_group_within_the_programmes_limits(programme):
    many_mentees(programme, 13)
    proposal = propose(programme)
    sizes = sorted(len(group.members) for group in proposal.groups)
    assert sum(sizes) == 13 and not proposal.unplaced
    assert all(3 <= size <= 5 for size in sizes), sizes
    assert {warning.code for warning in proposal.warnings}.isdisjoint({"group_too_small", "group_too_large"})


def test_the_explanation_says_what_the_applications_say(programme):
    careers = GoalAreaFactory(programme=programme, name="Careers")
    studies = GoalAreaFactory(programme=programme, name="Studies")
    leadership = GoalAreaFactory(programme=programme, name="Leadership")
    mentee(programme, "Ana", goals=[careers, studies], languages="English, Arabic")
    mentee(programme, "Ben", goals=[careers, leadership], languages="English")
    mentee(
        programme, "Cai", goals=[careers, studies], languages="German, English, Arabic", slots=("evenings", "weekends")
    )
    [group] = propose(programme).groups
    explanation = group.explanation()
    assert explanation.goal_areas == (Share("Careers", 3, 3), Share("Studies", 2, 3))
    assert explanation.languages == (Share("English", 3, 3), Share("Arabic", 2, 3))
    assert explanation.availability == (Share("evenings", 3, 3),)
    assert explanation.fields == (Share("Health care", 3, 3),)
    assert [(area, person.name) for area, person in explanation.unique_goal_areas] == [("Leadership", "Ben")]
    assert group.name == "Group 1: Careers"


# -- Confirming -------------------------------------------------------------------------------------------------------


def test_confirming_creates_the_groups_with_their_mentees_and_starts_their_wishes(programme, coordinator):
    many_mentees(programme, 8)
    proposal = propose(programme)
    created = confirm_proposal(programme=programme, data=proposal.to_data(), by=coordinator)
    assert [group.name for group in created] == [group.name for group in proposal.groups]
    for made, planned in zip(created, proposal.groups, strict=True):
        members = set(made.memberships.current().filter(role=GroupRole.MENTEE).values_list("user_id", flat=True))
        assert members == set(planned.member_ids)
        assert made.kind == "mentor_led"
        assert GroupWishes.objects.filter(group=made).exists()
    assert not unplaced_mentees(programme).exists()


def test_the_focus_of_a_created_group_is_the_goal_areas_most_members_share(programme, coordinator):
    careers = GoalAreaFactory(programme=programme, name="Careers")
    studies = GoalAreaFactory(programme=programme, name="Studies")
    for name in ("Ana", "Ben", "Cai"):
        mentee(programme, name, goals=[careers] + ([studies] if name == "Ana" else []))
    [group] = confirm_proposal(programme=programme, data=propose(programme).to_data(), by=coordinator)
    assert group.focus == "Careers"


def test_mentees_left_unplaced_stay_without_a_group(programme, coordinator):
    people = many_mentees(programme, 4)
    proposal = move(propose(programme), people[0].pk, None)
    confirm_proposal(programme=programme, data=proposal.to_data(), by=coordinator)
    assert list(unplaced_mentees(programme)) == [people[0]]


def test_a_proposal_is_stale_when_one_of_its_mentees_was_placed_meanwhile(programme, coordinator):
    people = many_mentees(programme, 6)
    data = propose(programme).to_data()
    add_to_group(MentoringGroupFactory(programme=programme, name="Made by hand"), people[2], GroupRole.MENTEE)
    with pytest.raises(StaleProposal):
        confirm_proposal(programme=programme, data=data, by=coordinator)
    assert MentoringGroup.objects.filter(programme=programme).count() == 1


def test_a_proposal_is_stale_when_one_of_its_mentees_withdrew(programme, coordinator):
    people = many_mentees(programme, 6)
    data = propose(programme).to_data()
    ProgrammeMembership.objects.filter(user=people[0]).update(status=MembershipStatus.WITHDRAWN)
    with pytest.raises(StaleProposal):
        confirm_proposal(programme=programme, data=data, by=coordinator)
    assert not MentoringGroup.objects.exists()


def test_a_proposal_is_stale_when_a_mentee_joined_whom_it_does_not_name(programme, coordinator):
    many_mentees(programme, 6)
    data = propose(programme).to_data()
    mentee(programme, "Nina New")
    with pytest.raises(StaleProposal):
        confirm_proposal(programme=programme, data=data, by=coordinator)
    assert not MentoringGroup.objects.exists()


def test_a_proposal_without_groups_creates_nothing(programme, coordinator):
    people = many_mentees(programme, 3)
    proposal = propose(programme)
    for person in people:
        proposal = move(proposal, person.pk, None)
    with pytest.raises(EmptyProposal):
        confirm_proposal(programme=programme, data=proposal.to_data(), by=coordinator)
    assert not MentoringGroup.objects.exists()


def test_a_closed_programme_forms_no_groups(programme, coordinator):
    many_mentees(programme, 4)
    data = propose(programme).to_data()
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)
    with pytest.raises(ProgrammeClosed):
        confirm_proposal(programme=programme, data=data, by=coordinator)
    assert not MentoringGroup.objects.exists()


def test_a_suggested_name_that_a_group_already_has_gets_a_number(programme, coordinator):
    careers = GoalAreaFactory(programme=programme, name="Careers")
    MentoringGroupFactory(programme=programme, name="group 1: CAREERS")
    for name in ("Ana", "Ben", "Cai"):
        mentee(programme, name, goals=[careers])
    [group] = confirm_proposal(programme=programme, data=propose(programme).to_data(), by=coordinator)
    assert group.name == "Group 1: Careers (2)"


def test_a_name_the_coordinator_chose_is_refused_if_a_group_already_has_it(programme, coordinator):
    many_mentees(programme, 8)
    MentoringGroupFactory(programme=programme, name="The Pioneers")
    proposal = rename(propose(programme), 1, "the pioneers")
    with pytest.raises(NameTaken) as refused:
        confirm_proposal(programme=programme, data=proposal.to_data(), by=coordinator)
    assert refused.value.name == "the pioneers"
    assert MentoringGroup.objects.filter(programme=programme).count() == 1


def test_confirming_is_all_or_nothing(programme, coordinator):
    many_mentees(programme, 8)
    data = propose(programme).to_data()
    assert len(data["groups"]) == 2
    real = forming.start_wishes
    calls = []

    def fail_on_the_second_group(group):
        calls.append(group)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(group)

    with (
        mock.patch.object(forming, "start_wishes", side_effect=fail_on_the_second_group),
        pytest.raises(RuntimeError),
    ):
        confirm_proposal(programme=programme, data=data, by=coordinator)
    assert len(calls) == 2
    assert not MentoringGroup.objects.exists()
    assert not GroupMembership.objects.exists()
    assert not GroupWishes.objects.exists()
    assert unplaced_mentees(programme).count() == 8
