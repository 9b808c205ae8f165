"""Matching mentors through the database: capacity is never exceeded, suggestions explain themselves, the proposal
for all groups beats the greedy one and is confirmed all or nothing, and the mentor's answer does what it says."""

from __future__ import annotations

import pytest

from groups import matching
from groups.models import AssignmentStatus, GroupKind, GroupMembership, GroupRole, GroupWishes, MentorAssignment
from groups.services import mentors
from mentoring.tests.factories import (
    GoalAreaFactory,
    MentorAssignmentFactory,
    MentoringGroupFactory,
    ProgrammeFactory,
    UserFactory,
    accepted_mentee,
    add_to_group,
    programme_mentor,
)
from outbox.models import OutgoingEmail
from programmes.models import (
    MembershipStatus,
    Programme,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
)
from programmes.services.people import withdraw_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme() -> Programme:
    return ProgrammeFactory(name="Pathways", status=ProgrammeStatus.MATCHING)


@pytest.fixture
def coordinator(programme):
    person = UserFactory(display_name="Cora Coordinator")
    ProgrammeMembership.objects.create(programme=programme, user=person, role=Role.COORDINATOR)
    return person


def a_group(programme, name, *, mentees=2, goal_areas=(), languages="English", kind=GroupKind.MENTOR_LED, **answers):
    group = MentoringGroupFactory(programme=programme, name=name, kind=kind)
    for _ in range(mentees):
        add_to_group(
            group,
            accepted_mentee(programme, goal_areas=goal_areas, languages=languages, **answers),
            GroupRole.MENTEE,
        )
    return group


def a_mentor(programme, name, **profile):
    return programme_mentor(programme, user=UserFactory(display_name=name), **profile)


def close(programme):
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)
    programme.refresh_from_db()


# Capacity --------------------------------------------------------------------------------------------------------


def test_a_mentor_with_one_place_cannot_be_asked_for_a_second_group(programme, coordinator):
    mentor = programme_mentor(programme, max_groups=1)
    first, second = a_group(programme, "First"), a_group(programme, "Second")

    mentors.assign_mentor(group=first, mentor=mentor, by=coordinator)
    with pytest.raises(mentors.NoCapacity):
        mentors.assign_mentor(group=second, mentor=mentor, by=coordinator)

    assert list(MentorAssignment.objects.values_list("group__name", flat=True)) == ["First"]
    assert second in mentors.unmatched_groups(programme)


def test_groups_a_mentor_already_has_count_against_their_places(programme, coordinator):
    mentor = programme_mentor(programme, max_groups=2)
    add_to_group(a_group(programme, "Theirs already"), mentor, GroupRole.MENTOR)
    first, second = a_group(programme, "First"), a_group(programme, "Second")
    answered = mentors.assign_mentor(group=first, mentor=mentor, by=coordinator)
    mentors.answer_request(assignment=answered, accept=True)

    assert mentors.mentor_load([mentor.pk])[mentor.pk] == 2  # an accepted request counts once, as the membership
    with pytest.raises(mentors.NoCapacity):
        mentors.assign_mentor(group=second, mentor=mentor, by=coordinator)


def test_groups_and_requests_of_closed_programmes_do_not_count(programme, coordinator):
    mentor = programme_mentor(programme, max_groups=1)
    old = ProgrammeFactory(name="Last year")
    add_to_group(a_group(old, "Old group", mentees=0), mentor, GroupRole.MENTOR)
    MentorAssignmentFactory(group=a_group(old, "Never answered", mentees=0), mentor=mentor)
    close(old)

    assert mentors.mentor_load([mentor.pk])[mentor.pk] == 0
    assert mentors.assign_mentor(group=a_group(programme, "New"), mentor=mentor, by=coordinator).is_pending


def test_a_declined_or_withdrawn_request_frees_the_place(programme, coordinator):
    mentor = programme_mentor(programme, max_groups=1)
    first, second, third = (a_group(programme, name) for name in ("First", "Second", "Third"))
    mentors.answer_request(assignment=mentors.assign_mentor(group=first, mentor=mentor, by=coordinator), accept=False)
    asked = mentors.assign_mentor(group=second, mentor=mentor, by=coordinator)
    mentors.withdraw_request(assignment=asked, by=coordinator)

    assert mentors.assign_mentor(group=third, mentor=mentor, by=coordinator).is_pending


def test_places_and_candidates_say_how_many_groups_are_taken_of_the_most(programme, coordinator):
    mentor = a_mentor(programme, "Ann", max_groups=3)
    without_profile = UserFactory(display_name="Bo")
    ProgrammeMembership.objects.create(programme=programme, user=without_profile, role=Role.MENTOR)
    mentors.assign_mentor(group=a_group(programme, "First"), mentor=mentor, by=coordinator)

    places = {person.display_name: place for person, place in mentors.mentor_places(programme)}
    assert places == {"Ann": mentors.Places(taken=1, most=3), "Bo": mentors.Places(taken=0, most=1)}
    assert {candidate.name: candidate.capacity for candidate in mentors.candidates(programme)} == {"Ann": 2, "Bo": 1}


# Who can be asked ------------------------------------------------------------------------------------------------


def test_only_the_programmes_mentors_can_be_asked_for_its_mentor_led_groups(programme, coordinator):
    group = a_group(programme, "First")
    with pytest.raises(mentors.NotAProgrammeMentor):
        mentors.assign_mentor(group=group, mentor=UserFactory(), by=coordinator)
    peers = a_group(programme, "Peers", kind=GroupKind.PEER)
    with pytest.raises(mentors.NotMentorLed):
        mentors.assign_mentor(group=peers, mentor=programme_mentor(programme), by=coordinator)


def test_a_group_waiting_for_an_answer_cannot_be_asked_for_again(programme, coordinator):
    group = a_group(programme, "First")
    mentors.assign_mentor(group=group, mentor=programme_mentor(programme), by=coordinator)
    with pytest.raises(mentors.AlreadyMatched):
        mentors.assign_mentor(group=group, mentor=programme_mentor(programme), by=coordinator)


def test_nothing_is_asked_in_a_closed_programme(programme, coordinator):
    group, mentor = a_group(programme, "First"), programme_mentor(programme)
    close(programme)
    group.refresh_from_db()
    with pytest.raises(mentors.ProgrammeClosed):
        mentors.assign_mentor(group=group, mentor=mentor, by=coordinator)


def test_asking_records_the_score_and_queues_one_email_to_the_mentor(programme, coordinator):
    mentor = programme_mentor(programme)
    assignment = mentors.assign_mentor(group=a_group(programme, "First"), mentor=mentor, by=coordinator)

    assert assignment.assigned_by == coordinator
    assert assignment.score is not None and 0 < assignment.score <= 100
    [email] = OutgoingEmail.objects.all()
    assert (email.kind, email.to, email.recipient, email.object_id) == (
        mentors.ASSIGNMENT_EMAIL,
        mentor.email,
        mentor,
        assignment.pk,
    )


# Suggestions ------------------------------------------------------------------------------------------------------


def test_suggestions_rank_the_mentor_whose_expertise_covers_the_goal_areas_first(programme):
    careers = GoalAreaFactory(programme=programme, name="Career change")
    health = GoalAreaFactory(programme=programme, name="Health care")
    group = a_group(programme, "First", mentees=3, goal_areas=[careers, health])
    expert = a_mentor(programme, "Edith Expert", expertise="Career change, Health care, Baking")
    gardener = a_mentor(programme, "Gus Gardener", expertise="Gardening")
    mute = a_mentor(programme, "Aaron Arabic", languages="Arabic", expertise="Career change")

    ranked = mentors.suggestions(group)

    assert [r.mentor.id for r in ranked] == [expert.pk, gardener.pk, mute.pk]
    expertise = ranked[0].score.criterion(matching.EXPERTISE)
    assert expertise.points == 40.0
    assert [(area["area"], area["wanted_by"], area["coverage"]) for area in expertise.detail["areas"]] == [
        ("Career change", 3, 1.0),
        ("Health care", 3, 1.0),
    ]
    assert expertise.detail["areas"][1]["expertise"] == ("Health care",)
    assert ranked[1].score.criterion(matching.EXPERTISE).points == 0.0
    assert ranked[1].score.total < ranked[0].score.total
    assert ranked[2].blocking and ranked[2].score.blocking == ("language",)  # speaks no language of the group


def test_the_groups_agreed_wishes_take_the_place_of_the_applications(programme):
    group = a_group(programme, "First", gender_preference="man")
    GroupWishes.objects.create(group=group, gender_preference="woman", languages="German", background="a nurse")
    woman = programme_mentor(programme, gender="woman", languages="German", background="Nurse for 20 years")
    man = programme_mentor(programme, gender="man", languages="German", background="")

    ranked = {r.mentor.id: r.score for r in mentors.suggestions(group)}

    assert ranked[woman.pk].criterion(matching.GENDER).detail == {
        "assessed": True,
        "wished": "woman",
        "mentor": "woman",
        "met": True,
    }
    assert ranked[man.pk].criterion(matching.GENDER).points == 0.0
    assert ranked[woman.pk].criterion(matching.LANGUAGE).detail["shared"] == ("German",)
    assert ranked[woman.pk].criterion(matching.BACKGROUND).detail["matched"] == ("nurse",)


def test_explained_suggestions_carry_the_needs_the_wishes_and_each_mentors_places(programme, coordinator):
    group = a_group(programme, "First")
    wishes = GroupWishes.objects.create(group=group, mentor_kind="Patient")
    full = programme_mentor(programme, max_groups=1)
    mentors.assign_mentor(group=a_group(programme, "Other"), mentor=full, by=coordinator)

    found = mentors.explain_suggestions(group)

    assert found.wishes == wishes
    assert found.needs.languages == {"English"}
    assert found.places[full.pk] == mentors.Places(taken=1, most=1)
    assert found.ranked[-1].score.blocking == ("capacity",)


# Proposing mentors for all groups ---------------------------------------------------------------------------------


def test_the_proposal_for_all_groups_beats_greedy_through_the_database(programme):
    careers = GoalAreaFactory(programme=programme, name="Career change")
    business = GoalAreaFactory(programme=programme, name="Starting a business")
    # Xena suits group A a little better (A wishes for someone from business); group B speaks only Arabic, so
    # Xena is the only mentor who can take B. Greedy gives A to Xena and leaves B without a mentor.
    xena = a_mentor(
        programme,
        "Xena",
        expertise="Career coaching, Business planning",
        languages="English, Arabic",
        background="",
        max_groups=1,
    )
    yusuf = a_mentor(programme, "Yusuf", expertise="Career coaching", languages="English", background="", max_groups=1)
    group_a = a_group(programme, "A", goal_areas=[careers])
    GroupWishes.objects.create(group=group_a, background="business")
    group_b = a_group(programme, "B", goal_areas=[business], languages="Arabic")
    needs = mentors.group_needs([group_a, group_b])
    candidates = mentors.candidates(programme)
    assert (
        matching.score(needs[group_a.pk], candidates[0]).total > matching.score(needs[group_a.pk], candidates[1]).total
    )

    naive = matching.greedy([needs[group_a.pk], needs[group_b.pk]], candidates)
    optimal = mentors.propose_all(programme)

    assert naive.pairs == {group_a.pk: xena.pk}
    assert optimal.pairs == {group_a.pk: yusuf.pk, group_b.pk: xena.pk}
    assert optimal.unmatched == ()
    assert naive.total < optimal.total
    assert MentorAssignment.objects.count() == 0  # nothing is saved by proposing


def test_the_proposal_never_gives_a_mentor_more_groups_than_their_free_places(programme, coordinator):
    ann = a_mentor(programme, "Ann", max_groups=2)
    bo = a_mentor(programme, "Bo", max_groups=1)
    add_to_group(a_group(programme, "Bo's group already", mentees=0), bo, GroupRole.MENTOR)
    groups = [a_group(programme, f"Group {number}") for number in range(1, 4)]

    proposal = mentors.propose_all(programme)

    assert sorted(proposal.pairs.values()) == [ann.pk, ann.pk]
    assert [(left.group.name, left.reason) for left in proposal.unmatched] == [("Group 3", matching.NO_CAPACITY)]
    made = mentors.confirm_all(programme=programme, pairs=proposal.pairs, by=coordinator)
    assert len(made) == 2
    assert mentors.mentor_load([ann.pk, bo.pk]) == {ann.pk: 2, bo.pk: 1}
    assert list(mentors.unmatched_groups(programme)) == [groups[2]]


def test_confirming_is_all_or_nothing_when_one_pair_has_gone_stale(programme, coordinator):
    ann, bo = programme_mentor(programme, max_groups=1), programme_mentor(programme, max_groups=1)
    first, second, elsewhere = a_group(programme, "First"), a_group(programme, "Second"), a_group(programme, "Third")
    pairs = {first.pk: ann.pk, second.pk: bo.pk}
    mentors.assign_mentor(group=elsewhere, mentor=bo, by=coordinator)  # Bo's one place is taken meanwhile
    emails = OutgoingEmail.objects.count()

    with pytest.raises(mentors.StaleMatching):
        mentors.confirm_all(programme=programme, pairs=pairs, by=coordinator)

    assert not MentorAssignment.objects.filter(group__in=[first, second]).exists()
    assert OutgoingEmail.objects.count() == emails


def test_confirming_a_pair_whose_group_was_matched_meanwhile_is_stale(programme, coordinator):
    ann, bo = programme_mentor(programme), programme_mentor(programme)
    group = a_group(programme, "First")
    mentors.assign_mentor(group=group, mentor=bo, by=coordinator)
    with pytest.raises(mentors.StaleMatching):
        mentors.confirm_all(programme=programme, pairs={group.pk: ann.pk}, by=coordinator)


def test_a_stored_proposal_is_reviewed_against_the_data_as_it_is_now(programme, coordinator):
    ann = a_mentor(programme, "Ann", max_groups=1)
    first, second = a_group(programme, "First"), a_group(programme, "Second")
    review = mentors.review_proposal(programme, {first.pk: ann.pk}, {second.pk: matching.NO_CAPACITY})
    assert [(pair.group, pair.mentor.id, pair.still_open) for pair in review.pairs] == [(first, ann.pk, True)]
    assert review.unmatched == [(second, matching.NO_CAPACITY)]
    assert review.total == review.pairs[0].score.total and not review.is_stale

    mentors.assign_mentor(group=second, mentor=ann, by=coordinator)  # Ann's place is taken meanwhile
    stale = mentors.review_proposal(programme, {first.pk: ann.pk, 999999: ann.pk}, {})
    assert stale.is_stale and stale.missing == 1
    assert stale.pairs[0].score.blocking == ("capacity",)


# The mentor's answer ----------------------------------------------------------------------------------------------


def test_accepting_makes_the_mentor_a_member_of_the_group(programme, coordinator):
    mentor = programme_mentor(programme)
    group = a_group(programme, "First")
    answered = mentors.answer_request(
        assignment=mentors.assign_mentor(group=group, mentor=mentor, by=coordinator), accept=True
    )

    assert answered.status == AssignmentStatus.ACCEPTED and answered.decided_at is not None
    assert GroupMembership.objects.current().get(group=group, user=mentor).role == GroupRole.MENTOR
    assert group not in mentors.unmatched_groups(programme)
    assert not mentors.pending_requests_for(mentor).exists()


def test_declining_returns_the_group_to_matching_and_tells_each_coordinator(programme, coordinator):
    second = UserFactory()
    ProgrammeMembership.objects.create(programme=programme, user=second, role=Role.COORDINATOR)
    gone = UserFactory()
    ProgrammeMembership.objects.create(
        programme=programme, user=gone, role=Role.COORDINATOR, status=MembershipStatus.WITHDRAWN
    )
    mentor = programme_mentor(programme)
    group = a_group(programme, "First")
    assignment = mentors.assign_mentor(group=group, mentor=mentor, by=coordinator)

    answered = mentors.answer_request(assignment=assignment, accept=False, note="  Too busy until March.  ")

    assert answered.status == AssignmentStatus.DECLINED
    assert answered.response_note == "Too busy until March."
    assert group in mentors.unmatched_groups(programme)
    declined = OutgoingEmail.objects.filter(kind=mentors.DECLINED_EMAIL)
    assert sorted(declined.values_list("recipient_id", flat=True)) == sorted([coordinator.pk, second.pk])
    assert not GroupMembership.objects.filter(group=group, user=mentor).exists()


def test_a_request_is_answered_once(programme, coordinator):
    assignment = mentors.assign_mentor(
        group=a_group(programme, "First"), mentor=programme_mentor(programme), by=coordinator
    )
    mentors.answer_request(assignment=assignment, accept=False)
    with pytest.raises(mentors.AlreadyAnswered):
        mentors.answer_request(assignment=assignment, accept=True)
    with pytest.raises(mentors.AlreadyAnswered):
        mentors.withdraw_request(assignment=assignment, by=coordinator)
    assert OutgoingEmail.objects.filter(kind=mentors.DECLINED_EMAIL).count() == 1


def test_withdrawing_takes_the_request_back_and_the_group_returns_to_matching(programme, coordinator):
    mentor = programme_mentor(programme)
    group = a_group(programme, "First")
    assignment = mentors.assign_mentor(group=group, mentor=mentor, by=coordinator)

    withdrawn = mentors.withdraw_request(assignment=assignment, by=coordinator)

    assert withdrawn.status == AssignmentStatus.WITHDRAWN and withdrawn.decided_at is not None
    assert group in mentors.unmatched_groups(programme)
    with pytest.raises(mentors.AlreadyAnswered):
        mentors.answer_request(assignment=assignment, accept=True)


def test_a_request_in_a_closed_programme_cannot_be_answered_and_is_not_listed(programme, coordinator):
    mentor = programme_mentor(programme)
    assignment = mentors.assign_mentor(group=a_group(programme, "First"), mentor=mentor, by=coordinator)
    assert list(mentors.pending_requests_for(mentor)) == [assignment]
    close(programme)
    with pytest.raises(mentors.ProgrammeClosed):
        mentors.answer_request(assignment=assignment, accept=True)
    assert not mentors.pending_requests_for(mentor).exists()


def test_a_mentor_who_left_the_programme_cannot_accept(programme, coordinator):
    mentor = programme_mentor(programme)
    group = a_group(programme, "First")
    assignment = mentors.assign_mentor(group=group, mentor=mentor, by=coordinator)
    # A request the mentor never answered could still be accepted if it were left pending by hand.
    ProgrammeMembership.objects.filter(programme=programme, user=mentor).update(status=MembershipStatus.WITHDRAWN)
    with pytest.raises(mentors.NotAProgrammeMentor):
        mentors.answer_request(assignment=assignment, accept=True)
    assert mentors.answer_request(assignment=assignment, accept=False).status == AssignmentStatus.DECLINED


def test_withdrawing_a_mentor_withdraws_their_requests_and_frees_the_group(programme, coordinator):
    mentor = programme_mentor(programme)
    group = a_group(programme, "First")
    assignment = mentors.assign_mentor(group=group, mentor=mentor, by=coordinator)
    withdraw_member(membership=ProgrammeMembership.objects.get(programme=programme, user=mentor), by=coordinator)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert group in mentors.unmatched_groups(programme)


def test_a_group_whose_mentor_left_can_be_matched_again(programme, coordinator):
    mentor = programme_mentor(programme)
    group = a_group(programme, "First")
    mentors.answer_request(assignment=mentors.assign_mentor(group=group, mentor=mentor, by=coordinator), accept=True)
    withdraw_member(membership=ProgrammeMembership.objects.get(programme=programme, user=mentor), by=coordinator)

    assert group in mentors.unmatched_groups(programme)
    successor = programme_mentor(programme)
    again = mentors.assign_mentor(group=group, mentor=successor, by=coordinator)
    mentors.answer_request(assignment=again, accept=True)
    statuses = sorted(group.mentor_assignments.values_list("mentor_id", "status"))
    assert statuses == sorted([(mentor.pk, AssignmentStatus.ACCEPTED), (successor.pk, AssignmentStatus.ACCEPTED)])
    assert [m.user for m in group.memberships.current().filter(role="mentor")] == [successor]
