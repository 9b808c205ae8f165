"""The coordinator matches mentors with groups: the matching page, the suggestions for one group, asking a mentor,
withdrawing a request, and proposing mentors for all groups at once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import AssignmentStatus, GroupKind, GroupRole, GroupWishes, MentorAssignment
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
from mentoring.tests.querycount import count_queries
from outbox.models import OutgoingEmail
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db


def url(name, world, **kwargs):
    return reverse(f"grouping:{name}", kwargs={"pk": world.programme.pk, **kwargs})


def suggestions_url(world, group):
    return url("suggestions", world, group_pk=group.pk)


def a_mentor(programme, name, **profile):
    return programme_mentor(programme, user=UserFactory(display_name=name), **profile)


def a_group(programme, name, *, mentees=2, goal_areas=(), languages="English"):
    group = MentoringGroupFactory(programme=programme, name=name)
    for _ in range(mentees):
        add_to_group(group, accepted_mentee(programme, goal_areas=goal_areas, languages=languages), GroupRole.MENTEE)
    return group


def close(programme):
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The matching page ------------------------------------------------------------------------------------------------


def test_the_matching_page_shows_each_stage_of_matching(as_user, world):
    waiting = a_group(world.programme, "Group C")
    declined = a_group(world.programme, "Group D")
    ann = a_mentor(world.programme, "Ann Able", max_groups=3)
    bo = a_mentor(world.programme, "Bo Busy", max_groups=1)
    mentors.assign_mentor(group=waiting, mentor=ann, by=world.coordinator)
    no = mentors.assign_mentor(group=declined, mentor=bo, by=world.coordinator)
    mentors.answer_request(assignment=no, accept=False, note="Away all spring.")

    page = as_user(world.coordinator).get(url("matching", world))
    text = page.content.decode()

    assert page.status_code == 200
    assert [group.name for group in page.context["overview"].unmatched] == ["Group B", "Group D"]
    assert suggestions_url(world, declined) in text
    assert "See suggested mentors" in text
    assert "Propose mentors for all groups" in text and url("propose_all", world) in text
    assert [a.group.name for a in page.context["overview"].pending] == ["Group C"]
    assert url("withdraw", world, assignment_pk=waiting.mentor_assignments.get().pk) in text
    assert "Bo Busy said no to Group D." in text and "Away all spring." in text
    assert [(m.group.name, m.user.display_name) for m in page.context["overview"].matched] == [
        ("Group A", "Mina Mentor")
    ]
    assert "Ann Able" in text and "1 / 3" in text  # the mentors' places
    assert "Mina Mentor" in text and "1 / 1" in text  # no bank profile: one group


def test_the_wishes_status_of_each_group_without_a_mentor(as_user, world):
    group = a_group(world.programme, "Group C", mentees=3)
    wishes = GroupWishes.objects.create(group=group)
    mentee = group.memberships.first().user
    wishes.agreements.create(user=mentee, version=1)
    text = as_user(world.coordinator).get(url("matching", world)).content.decode()
    assert "Agreed by 1 of 3 mentees" in text
    assert "Not written yet" in text  # Group B


def test_a_programme_without_groups_or_mentors_says_what_to_do_first(as_user, world):
    programme = ProgrammeFactory(name="Fresh")
    ProgrammeMembership.objects.create(programme=programme, user=world.coordinator, role=Role.COORDINATOR)
    text = as_user(world.coordinator).get(reverse("grouping:matching", kwargs={"pk": programme.pk})).content.decode()
    assert "There are no groups to match yet." in text
    assert reverse("grouping:groups", kwargs={"pk": programme.pk}) in text
    assert "This programme has no mentors yet." in text
    assert reverse("programmes:invitations", kwargs={"pk": programme.pk}) in text
    assert reverse("bank:search") in text
    assert "Propose mentors for all groups" not in text


def test_the_matching_page_is_only_for_the_programmes_coordinators(as_user, world):
    assert as_user(world.mentor).get(url("matching", world)).status_code == 403
    assert as_user(world.other_coordinator).get(url("matching", world)).status_code == 404
    assert as_user(world.coordinator).post(url("matching", world)).status_code == 405


def _fill(programme, coordinator, count, start=0):
    """``count`` groups of each kind (waiting, declined, matched, unmatched) and ``count`` mentors."""
    areas = list(programme.goal_areas.all()) or [GoalAreaFactory(programme=programme) for _ in range(2)]
    for number in range(start, start + count):
        ann = a_mentor(programme, f"Mentor {number}", max_groups=5)
        for kind in ("waiting", "declined", "matched", "unmatched"):
            group = a_group(programme, f"{kind} {number}", goal_areas=areas)
            GroupWishes.objects.create(group=group)
            if kind == "unmatched":
                continue
            asked = mentors.assign_mentor(group=group, mentor=ann, by=coordinator)
            if kind != "waiting":
                mentors.answer_request(assignment=asked, accept=kind == "matched", note="Sorry")


def test_the_matching_page_makes_as_many_queries_for_six_groups_as_for_two(as_user, world):
    client = as_user(world.coordinator)
    _fill(world.programme, world.coordinator, 2)
    small = count_queries(client, url("matching", world))
    _fill(world.programme, world.coordinator, 4, start=2)
    assert count_queries(client, url("matching", world)) == small == 11


# Suggestions for one group ----------------------------------------------------------------------------------------


@pytest.fixture
def careers(world):
    return GoalAreaFactory(programme=world.programme, name="Career change")


def test_suggestions_rank_every_mentor_and_explain_each_criterion(as_user, world, careers):
    group = a_group(world.programme, "Group C", mentees=3, goal_areas=[careers])
    GroupWishes.objects.create(group=group, gender_preference="woman", mentor_kind="Patient")
    best = a_mentor(world.programme, "Edith Expert", expertise="Career change", gender="woman", max_groups=2)
    a_mentor(world.programme, "Gus Gardener", expertise="Gardening", gender="man")
    a_mentor(world.programme, "Aaron Arabic", languages="Arabic")

    page = as_user(world.coordinator).get(suggestions_url(world, group))
    text = page.content.decode()

    assert [row["mentor"].name for row in page.context["rows"]] == [
        "Edith Expert",
        "Gus Gardener",
        "Aaron Arabic",
        "Mina Mentor",
    ]
    assert "Career change (3 mentees)" in text  # what the group needs
    assert "A woman" in text and "Patient" in text
    assert reverse("groups:wishes", kwargs={"pk": group.pk}) in text
    edith = page.context["rows"][0]
    assert [c.text for c in edith["criteria"]] == [
        "Covers 1 of 1 goal area: Career change. From their expertise: Career change.",
        "The group wishes for a woman. Met.",
        "The group has no wish about the mentor's age.",
        "Nothing in their background matches what the group wishes for.",
        "Speaks English.",
        "Can meet: Weekday evenings.",
        "2 free places (0 of 2 groups).",
    ]
    assert "The group wishes for a woman. Not met." in text  # Gus
    assert "Speaks none of the group&#x27;s languages (English)." in text  # Aaron
    assert "No free place (1 of 1 group)." in text  # Mina mentors Group A already
    assert text.count("Not possible") == 2
    assert "Ask Edith Expert to mentor this group" in text and "Ask Gus Gardener to mentor this group" in text
    assert "Ask Aaron Arabic" not in text and "Ask Mina Mentor" not in text
    assert f'name="mentor" value="{best.pk}"' in text


def test_suggestions_for_a_group_waiting_for_an_answer_offer_nobody_to_ask(as_user, world):
    mentor = a_mentor(world.programme, "Ann Able")
    mentors.assign_mentor(group=world.other_group, mentor=mentor, by=world.coordinator)
    text = as_user(world.coordinator).get(suggestions_url(world, world.other_group)).content.decode()
    assert "we asked Ann Able." in text and "waits for their answer" in text
    assert "to mentor this group</button>" not in text


def test_suggestions_for_a_group_with_a_mentor_say_so(as_user, world):
    a_mentor(world.programme, "Ann Able")
    text = as_user(world.coordinator).get(suggestions_url(world, world.group)).content.decode()
    assert "This group already has a mentor: Mina Mentor." in text
    assert "to mentor this group</button>" not in text


def test_a_peer_group_gets_no_suggestions(as_user, world):
    peers = MentoringGroupFactory(programme=world.programme, name="Peers", kind=GroupKind.PEER)
    page = as_user(world.coordinator).get(suggestions_url(world, peers))
    assert page.status_code == 200 and page.context["rows"] == []
    assert "It does not get a mentor." in page.content.decode()


def test_suggestions_for_another_programmes_group_are_not_found(as_user, world):
    elsewhere = MentoringGroupFactory(programme=world.other_programme)
    assert as_user(world.coordinator).get(suggestions_url(world, elsewhere)).status_code == 404


def test_the_suggestions_page_makes_as_many_queries_for_nine_mentors_as_for_three(as_user, world, careers):
    client = as_user(world.coordinator)
    group = a_group(world.programme, "Group C", goal_areas=[careers])
    GroupWishes.objects.create(group=group)

    def more_mentors(count):
        for _ in range(count):
            a_mentor(world.programme, "Someone", expertise="Career change")

    more_mentors(2)  # and Mina
    small = count_queries(client, suggestions_url(world, group))
    more_mentors(6)
    assert count_queries(client, suggestions_url(world, group)) == small == 15


# Asking a mentor --------------------------------------------------------------------------------------------------


def test_asking_a_mentor_creates_a_request_and_queues_their_email(as_user, world):
    ann = a_mentor(world.programme, "Ann Able")
    response = as_user(world.coordinator).post(
        url("assign", world, group_pk=world.other_group.pk), {"mentor": ann.pk}, follow=True
    )
    assert response.redirect_chain == [(url("matching", world), 302)]
    assert "We asked Ann Able to mentor Group B; they will get an email." in texts(response)
    assignment = MentorAssignment.objects.get()
    assert (assignment.group, assignment.mentor, assignment.status) == (world.other_group, ann, "pending")
    assert OutgoingEmail.objects.filter(kind=mentors.ASSIGNMENT_EMAIL, to=ann.email).count() == 1


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_asking_an_unknown_mentor_gives_a_message_not_an_error(as_user, world, value):
    response = as_user(world.coordinator).post(
        url("assign", world, group_pk=world.other_group.pk), {"mentor": value}, follow=True
    )
    assert response.redirect_chain == [(suggestions_url(world, world.other_group), 302)]
    assert texts(response) == ["Choose one of the programme's mentors."]
    assert not MentorAssignment.objects.exists()


def test_a_mentor_of_another_programme_cannot_be_asked(as_user, world):
    stranger = a_mentor(world.other_programme, "Stella Stranger")
    response = as_user(world.coordinator).post(
        url("assign", world, group_pk=world.other_group.pk), {"mentor": stranger.pk}, follow=True
    )
    assert texts(response) == ["Choose one of the programme's mentors."]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("full", "Mina Mentor has no free place: they already have or were asked for as many groups as they can take."),
        ("waiting", "Group B already has a mentor, or is waiting for a mentor's answer."),
        ("closed", "This programme is closed. Its groups can no longer get a mentor."),
    ],
)
def test_a_refused_request_says_why(as_user, world, setup, message):
    if setup == "waiting":
        mentors.assign_mentor(group=world.other_group, mentor=a_mentor(world.programme, "Ann"), by=world.coordinator)
    if setup == "closed":
        close(world.programme)
    response = as_user(world.coordinator).post(
        url("assign", world, group_pk=world.other_group.pk), {"mentor": world.mentor.pk}, follow=True
    )
    assert response.redirect_chain == [(suggestions_url(world, world.other_group), 302)]
    assert texts(response) == [message]


def test_asking_needs_a_post(as_user, world):
    assert as_user(world.coordinator).get(url("assign", world, group_pk=world.group.pk)).status_code == 405


# Withdrawing a request --------------------------------------------------------------------------------------------


def test_the_coordinator_withdraws_a_request_and_the_group_needs_a_mentor_again(as_user, world):
    ann = a_mentor(world.programme, "Ann")
    asked = mentors.assign_mentor(group=world.other_group, mentor=ann, by=world.coordinator)
    response = as_user(world.coordinator).post(url("withdraw", world, assignment_pk=asked.pk), follow=True)
    assert response.redirect_chain == [(url("matching", world), 302)]
    assert texts(response) == ["You took back the request to Ann. Group B needs a mentor again."]
    asked.refresh_from_db()
    assert asked.status == AssignmentStatus.WITHDRAWN
    assert world.other_group in response.context["overview"].unmatched


def test_withdrawing_an_answered_request_says_it_was_answered(as_user, world):
    ann = a_mentor(world.programme, "Ann")
    asked = mentors.assign_mentor(group=world.other_group, mentor=ann, by=world.coordinator)
    mentors.answer_request(assignment=asked, accept=True)
    response = as_user(world.coordinator).post(url("withdraw", world, assignment_pk=asked.pk), follow=True)
    assert texts(response) == ["Ann has already answered the request for Group B."]


def test_a_request_of_another_programme_cannot_be_withdrawn(as_user, world):
    elsewhere = MentorAssignmentFactory(group=MentoringGroupFactory(programme=world.other_programme))
    response = as_user(world.coordinator).post(url("withdraw", world, assignment_pk=elsewhere.pk))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_pending


def test_withdrawing_needs_a_post(as_user, world):
    asked = MentorAssignmentFactory(group=world.other_group)
    assert as_user(world.coordinator).get(url("withdraw", world, assignment_pk=asked.pk)).status_code == 405


# Proposing mentors for all groups ---------------------------------------------------------------------------------


@pytest.fixture
def two_open_groups(world, careers):
    a_group(world.programme, "Group C", goal_areas=[careers])
    a_group(world.programme, "Group D", languages="Arabic")
    return a_mentor(world.programme, "Ann Able", expertise="Career change", max_groups=2)


def test_proposing_keeps_the_proposal_in_the_session_and_shows_it_for_review(as_user, world, two_open_groups):
    client = as_user(world.coordinator)
    response = client.post(url("propose_all", world), follow=True)

    assert response.redirect_chain == [(url("propose_all", world), 302)]
    stored = client.session[f"mentor_proposal:{world.programme.pk}"]
    group_b, group_c = (world.programme.groups.get(name=name) for name in ("Group B", "Group C"))
    assert stored["pairs"] == {str(group_b.pk): two_open_groups.pk, str(group_c.pk): two_open_groups.pk}
    text = response.content.decode()
    assert [(row["pair"].group.name, row["pair"].mentor.name) for row in response.context["rows"]] == [
        ("Group B", "Ann Able"),
        ("Group C", "Ann Able"),
    ]
    assert "Covers 1 of 1 goal area: Career change." in text  # Group C's breakdown
    assert "Group D</strong>: No mentor speaks a language that every member speaks." in text
    assert "2 groups matched" in text
    assert "Ask these mentors" in text and "Start again" in text and "Discard the proposal" in text
    assert not MentorAssignment.objects.exists()  # nothing is saved before confirming


def test_the_review_without_a_proposal_goes_back_to_matching(as_user, world):
    response = as_user(world.coordinator).get(url("propose_all", world))
    assert response["Location"] == url("matching", world)


def test_proposing_when_every_group_is_matched_says_so(as_user, world):
    MentorAssignmentFactory(group=world.other_group, mentor=a_mentor(world.programme, "Ann"))
    response = as_user(world.coordinator).post(url("propose_all", world), follow=True)
    assert texts(response) == ["Every group has a mentor or is waiting for a mentor's answer."]


def test_discarding_the_proposal_forgets_it(as_user, world, two_open_groups):
    client = as_user(world.coordinator)
    client.post(url("propose_all", world))
    response = client.post(url("propose_all", world), {"action": "discard"}, follow=True)
    assert texts(response) == ["The proposal is discarded. Nothing was changed."]
    assert f"mentor_proposal:{world.programme.pk}" not in client.session


def test_asking_the_proposed_mentors_creates_every_request(as_user, world, two_open_groups):
    client = as_user(world.coordinator)
    client.post(url("propose_all", world))
    response = client.post(url("propose_all_confirm", world), follow=True)

    assert response.redirect_chain == [(url("matching", world), 302)]
    assert texts(response) == ["We asked mentors to take 2 groups. Each mentor will get an email."]
    assert sorted(MentorAssignment.objects.values_list("group__name", flat=True)) == ["Group B", "Group C"]
    assert OutgoingEmail.objects.filter(kind=mentors.ASSIGNMENT_EMAIL).count() == 2
    assert f"mentor_proposal:{world.programme.pk}" not in client.session


def test_a_stale_proposal_asks_nobody(as_user, world, two_open_groups):
    client = as_user(world.coordinator)
    client.post(url("propose_all", world))
    other = a_mentor(world.programme, "Bo")
    mentors.assign_mentor(group=world.other_group, mentor=other, by=world.coordinator)  # matched meanwhile

    review = client.get(url("propose_all", world)).content.decode()
    assert "Something changed since this proposal was made" in review
    response = client.post(url("propose_all_confirm", world), follow=True)

    assert texts(response)[0].startswith("Something changed since the proposal was made")
    assert list(MentorAssignment.objects.values_list("mentor__display_name", flat=True)) == ["Bo"]
    assert f"mentor_proposal:{world.programme.pk}" not in client.session


def test_confirming_without_a_proposal_says_there_is_none(as_user, world):
    response = as_user(world.coordinator).post(url("propose_all_confirm", world), follow=True)
    assert texts(response) == ["There is no proposal to confirm. Choose “Propose mentors for all groups” again."]


def test_a_broken_proposal_in_the_session_is_ignored(as_user, world):
    client = as_user(world.coordinator)
    session = client.session
    session[f"mentor_proposal:{world.programme.pk}"] = {"pairs": {"x": "y"}}
    session.save()
    assert client.get(url("propose_all", world))["Location"] == url("matching", world)


def test_confirming_needs_a_post(as_user, world):
    assert as_user(world.coordinator).get(url("propose_all_confirm", world)).status_code == 405


def test_nothing_is_proposed_in_a_closed_programme(as_user, world, two_open_groups):
    close(world.programme)
    response = as_user(world.coordinator).post(url("propose_all", world), follow=True)
    assert texts(response) == ["This programme is closed. Its groups can no longer get a mentor."]


def test_old_answers_do_not_fill_the_page(as_user, world):
    """Declines older than the ten most recent are not listed."""
    ann = a_mentor(world.programme, "Ann", max_groups=5)
    for number in range(12):
        MentorAssignmentFactory(
            group=world.other_group,
            mentor=ann,
            status=AssignmentStatus.DECLINED,
            decided_at=timezone.now(),
            response_note=f"Note {number}",
        )
    page = as_user(world.coordinator).get(url("matching", world))
    assert len(page.context["overview"].declined) == 10
