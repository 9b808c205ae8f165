"""A coordinator sees the programme's groups, has groups proposed for the mentees without one, changes the
proposal (move, rename, split, merge) without saving anything, and confirms it to create the groups."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from groups.models import GroupKind, GroupMembership, GroupRole, GroupWishes, MentoringGroup
from mentoring.tests.factories import (
    GoalAreaFactory,
    MentorAssignmentFactory,
    MentoringGroupFactory,
    UserFactory,
    accepted_mentee,
    add_to_group,
)
from mentoring.tests.querycount import count_queries
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, ProgrammeStatus

pytestmark = pytest.mark.django_db

SLOTS = ("mornings", "afternoons", "evenings", "weekends")


def url(name, world):
    return reverse(f"grouping:{name}", kwargs={"pk": world.programme.pk})


def key(world):
    return f"group_proposal:{world.programme.pk}"


def mentee(programme, name, *, goals=(), languages="English", slots=("evenings",), field="Health care"):
    flags = {f"available_{slot}": slot in slots for slot in SLOTS}
    return accepted_mentee(
        programme, user=UserFactory(display_name=name), goal_areas=goals, languages=languages, field=field, **flags
    )


def sizes(programme, minimum, target, maximum):
    Programme.objects.filter(pk=programme.pk).update(
        group_size_min=minimum, group_size_target=target, group_size_max=maximum
    )


@pytest.fixture
def eight(world):
    """Eight mentees without a group in two clear kinds: English speakers in the evening who want a new career,
    and Arabic speakers at the weekend who want to study. The programme makes groups of 3 to 5, usually 4."""
    sizes(world.programme, 3, 4, 5)
    careers = GoalAreaFactory(programme=world.programme, name="Career change")
    studies = GoalAreaFactory(programme=world.programme, name="Studies")
    people = [mentee(world.programme, f"Eve {letter}", goals=[careers]) for letter in "ABCD"]
    people += [
        mentee(world.programme, f"Sami {letter}", goals=[studies], languages="Arabic", slots=("weekends",), field="")
        for letter in "ABCD"
    ]
    return people


@pytest.fixture
def coordinator(as_user, world):
    return as_user(world.coordinator)


def start(client, world):
    return client.post(url("proposal", world), {"action": "start"})


def saved(client, world):
    return client.session.get(key(world))


def keep(client, world, data):
    session = client.session
    session[key(world)] = data
    session.save()


def members(data):
    return [sorted(group["members"]) for group in data["groups"]]


def index_of(data, person) -> int:
    return next(index for index, group in enumerate(data["groups"]) if person.pk in group["members"])


def text(response):
    return response.content.decode()


# -- The groups page ------------------------------------------------------------------------------------------------


def test_the_groups_page_lists_every_group_with_its_members_and_mentor(coordinator, world):
    waiting = MentoringGroupFactory(programme=world.programme, name="Group C")
    asked = UserFactory(display_name="Ned Newmentor")
    MentorAssignmentFactory(group=waiting, mentor=asked, assigned_by=world.coordinator)
    MentoringGroupFactory(programme=world.programme, name="Peers", kind=GroupKind.PEER)
    circle = MentoringGroupFactory(programme=world.programme, name="Circle", kind=GroupKind.MENTOR_CIRCLE)
    add_to_group(circle, world.mentor, GroupRole.MENTOR)
    add_to_group(circle, world.coordinator, GroupRole.SUPERVISOR)
    page = text(coordinator.get(url("groups", world)))
    assert reverse("groups:detail", kwargs={"pk": world.group.pk}) in page
    assert reverse("groups:settings", kwargs={"pk": world.group.pk}) in page
    assert "Mina Mentor" in page  # group A's mentor
    assert "Waiting for Ned Newmentor's answer" in page
    assert "No mentor yet" in page  # group B
    assert reverse("grouping:suggestions", kwargs={"pk": world.programme.pk, "group_pk": world.other_group.pk}) in page
    assert "Led by Cora Coordinator" in page
    assert "1 mentor" in page and "1 mentee" in page
    assert "Peer group" in page and "Mentor circle" in page and "Mentor-led group" in page
    assert reverse("grouping:circle_create", kwargs={"pk": world.programme.pk}) in page


def test_the_groups_page_lists_the_mentees_without_a_group_and_offers_a_proposal(coordinator, world, eight):
    page = text(coordinator.get(url("groups", world)))
    assert "8 accepted mentees have no group yet." in page
    assert "Eve A" in page and "Sami D" in page
    assert "Max Mentee" not in page.split("Mentees without a group")[1].split("The programme")[0]
    assert 'name="action" value="start"' in page
    assert "Propose groups" in page
    assert "Continue the proposal" not in page


def test_a_proposal_in_progress_can_be_continued(coordinator, world, eight):
    start(coordinator, world)
    page = text(coordinator.get(url("groups", world)))
    assert "Continue the proposal" in page
    assert reverse("grouping:proposal", kwargs={"pk": world.programme.pk}) in page


def test_when_every_mentee_has_a_group_the_page_says_so(coordinator, world):
    page = text(coordinator.get(url("groups", world)))
    assert "Every accepted mentee has a group." in page
    assert "Propose groups" not in page


def test_a_programme_without_mentees_says_where_groups_come_from(as_user, world):
    empty = MentoringGroupFactory(programme=world.other_programme).programme
    client = as_user(world.other_coordinator)
    page = text(client.get(reverse("grouping:groups", kwargs={"pk": empty.pk})))
    assert "Groups are formed from the mentees you accept." in page
    assert reverse("programmes:applications", kwargs={"pk": empty.pk}) in page


def test_a_closed_programme_offers_no_proposal(coordinator, world, eight):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    page = text(coordinator.get(url("groups", world)))
    assert "Propose groups" not in page
    assert "read-only archive" in page


def test_the_groups_page_is_for_coordinators(as_user, world):
    assert as_user(world.mentor).get(url("groups", world)).status_code == 403
    assert as_user(world.other_coordinator).get(url("groups", world)).status_code == 404


def test_the_groups_page_refuses_a_post(coordinator, world):
    assert coordinator.post(url("groups", world)).status_code == 405


def _fill(world, groups: int, mentees: int, batch: str):
    """``groups`` more groups, each with a mentor and three mentees, half of them with a pending request, and
    ``mentees`` accepted mentees without a group."""
    for number in range(groups):
        group = MentoringGroupFactory(programme=world.programme, name=f"Filled {batch}{number}")
        if number % 2:
            MentorAssignmentFactory(group=group, assigned_by=world.coordinator)
        else:
            add_to_group(group, UserFactory(), GroupRole.MENTOR)
        for _ in range(3):
            add_to_group(group, UserFactory(), GroupRole.MENTEE)
    for number in range(mentees):
        mentee(world.programme, f"Waiting {batch}{number}")


def test_the_groups_page_makes_as_many_queries_for_many_groups_as_for_few(coordinator, world):
    _fill(world, groups=2, mentees=8, batch="a")
    few = count_queries(coordinator, url("groups", world))
    _fill(world, groups=6, mentees=16, batch="b")
    assert count_queries(coordinator, url("groups", world)) == few == 7


# -- Starting, discarding and reshuffling a proposal ------------------------------------------------------------


def test_proposing_keeps_the_proposal_in_the_session_and_saves_nothing(coordinator, world, eight):
    response = start(coordinator, world)
    assert response.status_code == 302 and response["Location"] == url("proposal", world)
    data = saved(coordinator, world)
    assert sorted(members(data)) == sorted([[p.pk for p in eight[:4]], [p.pk for p in eight[4:]]])
    assert MentoringGroup.objects.filter(programme=world.programme).count() == 2  # the world's two


def test_the_proposal_page_explains_each_group(coordinator, world, eight):
    start(coordinator, world)
    page = text(coordinator.get(url("proposal", world)))
    names = sorted(group["name"] for group in saved(coordinator, world)["groups"])
    assert names == ["Group 1: Studies", "Group 2: Career change"]
    assert all(f">{name}</h3>" in page for name in names)
    assert "All 4 share:" in page
    assert "Goal areas: Career change" in page
    assert "Languages: English" in page
    assert "Can meet: Weekday evenings" in page
    assert "Field: Health care" in page
    assert "2 groups" in page and "8 of 8 mentees placed" in page
    assert "In this programme, groups have 3 to 5 mentees, usually 4." in page


def test_each_mentee_has_a_move_form_labelled_with_their_name(coordinator, world, eight):
    start(coordinator, world)
    page = text(coordinator.get(url("proposal", world)))
    mentee_id = eight[0].pk
    assert f'<label class="visually-hidden" for="move-{mentee_id}">Move Eve A to</label>' in page
    assert f'id="move-{mentee_id}"' in page
    assert page.count('name="action" value="move"') == 8
    assert "A new group" in page and "No group for now" in page


def test_the_proposal_page_without_a_proposal_sends_back_to_the_groups(coordinator, world):
    response = coordinator.get(url("proposal", world))
    assert response.status_code == 302 and response["Location"] == url("groups", world)


def test_proposing_with_nobody_to_place_says_so(coordinator, world):
    response = coordinator.post(url("proposal", world), {"action": "start"}, follow=True)
    assert "Every mentee already has a group." in text(response)
    assert saved(coordinator, world) is None


def test_discarding_forgets_the_proposal(coordinator, world, eight):
    start(coordinator, world)
    response = coordinator.post(url("proposal", world), {"action": "discard"}, follow=True)
    assert response.redirect_chain == [(url("groups", world), 302)]
    assert "The proposal is discarded. No groups were created." in text(response)
    assert saved(coordinator, world) is None


def test_another_arrangement_is_a_new_proposal_of_everyone(coordinator, world, eight):
    start(coordinator, world)
    with mock.patch("groups.views.forming.secrets.randbelow", return_value=41):
        response = coordinator.post(url("proposal", world), {"action": "reshuffle"}, follow=True)
    assert "Here is another arrangement." in text(response)
    data = saved(coordinator, world)
    assert sorted(id for group in members(data) for id in group) == sorted(person.pk for person in eight)


def test_a_proposal_is_kept_per_programme(coordinator, world, eight):
    start(coordinator, world)
    assert list(coordinator.session.keys()).count(key(world)) == 1
    assert f"group_proposal:{world.other_programme.pk}" not in coordinator.session


def test_an_unknown_action_changes_nothing(coordinator, world, eight):
    start(coordinator, world)
    before = saved(coordinator, world)
    response = coordinator.post(url("proposal", world), {"action": "explode"}, follow=True)
    assert response.status_code == 200
    assert "That is not something you can do here." in text(response)
    assert saved(coordinator, world) == before


# -- Changing the proposal --------------------------------------------------------------------------------------


def test_a_mentee_can_be_moved_to_another_group(coordinator, world, eight):
    start(coordinator, world)
    eve = eight[0]
    data = saved(coordinator, world)
    target = next(index for index, group in enumerate(data["groups"]) if eve.pk not in group["members"])
    response = coordinator.post(url("proposal", world), {"action": "move", "mentee": eve.pk, "to": target}, follow=True)
    assert "Eve A is now in" in text(response)
    assert eve.pk in saved(coordinator, world)["groups"][target]["members"]
    assert response.redirect_chain[0][0].endswith(f"#group-{target + 1}")


def test_a_mentee_can_be_moved_to_a_new_group(coordinator, world, eight):
    start(coordinator, world)
    coordinator.post(url("proposal", world), {"action": "move", "mentee": eight[0].pk, "to": "new"})
    data = saved(coordinator, world)
    assert len(data["groups"]) == 3 and data["groups"][2]["members"] == [eight[0].pk]


def test_a_mentee_can_be_left_without_a_group_for_now(coordinator, world, eight):
    start(coordinator, world)
    response = coordinator.post(
        url("proposal", world), {"action": "move", "mentee": eight[0].pk, "to": "unplaced"}, follow=True
    )
    assert "Eve A has no group for now." in text(response)
    assert saved(coordinator, world)["unplaced"] == [eight[0].pk]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mentee": "999999", "to": "0"}, "That mentee is not in the proposal any more. Please look again."),
        ({"mentee": "first", "to": "0"}, "That mentee is not in the proposal any more. Please look again."),
        ({"to": "0"}, "Choose a mentee."),
        ({"mentee": "MENTEE", "to": "7"}, "That group is not in the proposal any more. Please look again."),
        ({"mentee": "MENTEE", "to": "-1"}, "That group is not in the proposal any more. Please look again."),
    ],
)
def test_a_bad_move_changes_nothing_and_says_why(coordinator, world, eight, data, message):
    start(coordinator, world)
    before = saved(coordinator, world)
    if data.get("mentee") == "MENTEE":
        data = {**data, "mentee": eight[0].pk}
    response = coordinator.post(url("proposal", world), {"action": "move", **data}, follow=True)
    assert response.status_code == 200
    assert message in text(response)
    assert saved(coordinator, world) == before


def test_a_group_can_be_renamed_and_given_back_its_suggested_name(coordinator, world, eight):
    start(coordinator, world)
    response = coordinator.post(url("proposal", world), {"action": "rename", "group": "0", "name": "  The  Pioneers "})
    assert response.status_code == 302
    assert saved(coordinator, world)["groups"][0] == {
        "name": "The Pioneers",
        "custom_name": True,
        "members": saved(coordinator, world)["groups"][0]["members"],
    }
    coordinator.post(url("proposal", world), {"action": "rename", "group": "0", "name": ""})
    group = saved(coordinator, world)["groups"][0]
    assert group["custom_name"] is False and group["name"].startswith("Group 1")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 121, "Ensure this value has at most 120 characters (it has 121)."),
        ("OTHER", "Another group in this proposal is already called “OTHER”."),
        ("GROUP a", "The programme already has a group called “GROUP a”. Choose another name."),
    ],
)
def test_a_name_that_cannot_be_used_is_refused_next_to_the_field(coordinator, world, eight, name, message):
    start(coordinator, world)
    before = saved(coordinator, world)
    if name == "OTHER":  # the other group's suggested name, in other letters
        name, message = (
            before["groups"][1]["name"].upper(),
            message.replace("OTHER", before["groups"][1]["name"].upper()),
        )
    response = coordinator.post(url("proposal", world), {"action": "rename", "group": "0", "name": name})
    assert response.status_code == 200
    page = text(response)
    assert f'<p class="invalid-feedback d-block mb-0" id="name-1-error">{message}</p>' in page
    assert "The group was not renamed." in page
    assert saved(coordinator, world) == before


def test_renaming_a_group_that_is_not_there_changes_nothing(coordinator, world, eight):
    start(coordinator, world)
    before = saved(coordinator, world)
    response = coordinator.post(
        url("proposal", world), {"action": "rename", "group": "5", "name": "Ghosts"}, follow=True
    )
    assert "That group is not in the proposal any more." in text(response)
    assert saved(coordinator, world) == before


def test_a_group_can_be_split_in_two(coordinator, world, eight):
    start(coordinator, world)
    response = coordinator.post(url("proposal", world), {"action": "split", "group": "0"}, follow=True)
    assert "The group is now two groups:" in text(response)
    assert [len(group) for group in members(saved(coordinator, world))] == [2, 2, 4]


def test_a_group_of_one_cannot_be_split(coordinator, world, eight):
    start(coordinator, world)
    coordinator.post(url("proposal", world), {"action": "move", "mentee": eight[0].pk, "to": "new"})
    before = saved(coordinator, world)
    response = coordinator.post(url("proposal", world), {"action": "split", "group": "2"}, follow=True)
    assert "A group of one person cannot be split." in text(response)
    assert saved(coordinator, world) == before


def test_a_group_can_be_merged_into_another(coordinator, world, eight):
    start(coordinator, world)
    first, second = saved(coordinator, world)["groups"]
    response = coordinator.post(url("proposal", world), {"action": "merge", "group": "0", "into": "1"}, follow=True)
    assert f"“{first['name']}” is merged into" in text(response)
    [merged] = saved(coordinator, world)["groups"]
    assert sorted(merged["members"]) == sorted(first["members"] + second["members"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"group": "0", "into": "0"}, "Choose another group: a group cannot be merged with itself."),
        ({"group": "0", "into": "9"}, "That group is not in the proposal any more. Please look again."),
        ({"group": "x", "into": "1"}, "That group is not in the proposal any more. Please look again."),
    ],
)
def test_a_bad_merge_changes_nothing(coordinator, world, eight, data, message):
    start(coordinator, world)
    before = saved(coordinator, world)
    response = coordinator.post(url("proposal", world), {"action": "merge", **data}, follow=True)
    assert message in text(response)
    assert saved(coordinator, world) == before


def test_changing_without_a_proposal_says_there_is_none(coordinator, world, eight):
    response = coordinator.post(url("proposal", world), {"action": "split", "group": "0"}, follow=True)
    assert "There is no proposal to change." in text(response)
    assert saved(coordinator, world) is None


# -- Warnings -----------------------------------------------------------------------------------------------------


def test_the_page_warns_about_a_group_that_shares_nothing_and_about_mentees_without_a_group(coordinator, world):
    sizes(world.programme, 2, 2, 3)
    ana = mentee(world.programme, "Ana Silva", languages="Portuguese", slots=("mornings",), field="IT")
    ben = mentee(world.programme, "Ben Okafor", languages="Igbo", slots=("weekends",), field="Retail")
    cai = mentee(world.programme, "Cai Wong")
    start(coordinator, world)
    keep(
        coordinator,
        world,
        {**saved(coordinator, world), "groups": [{"name": "", "members": [ana.pk, ben.pk]}], "unplaced": [cai.pk]},
    )
    page = text(coordinator.get(url("proposal", world)))
    warnings = page.split("Check these first")[1].split("The groups")[0]
    assert (
        "The members of “Group 1” have no language, time, goal area or field that they all share: "
        "Ana Silva and Ben Okafor." in warnings
    )
    assert "1 mentee has no group yet: Cai Wong." in warnings
    assert 'href="#group-1"' in warnings and 'href="#unplaced"' in warnings
    assert "Nothing is shared by all of them." in page
    assert "Ana Silva speaks no language of the others." in page


def test_the_page_warns_about_groups_outside_the_programmes_limits(coordinator, world, eight):
    start(coordinator, world)
    coordinator.post(url("proposal", world), {"action": "merge", "group": "0", "into": "1"})
    page = text(coordinator.get(url("proposal", world)))
    assert "has 8 mentees. In this programme, groups have 3 to 5 mentees." in page
    assert "Too large" in page


def test_the_page_warns_about_a_group_without_a_common_language(coordinator, world):
    sizes(world.programme, 3, 3, 3)
    for name in ("Ana", "Ben"):
        mentee(world.programme, name, languages="English")
    mentee(world.programme, "Cai", languages="Arabic")
    start(coordinator, world)
    page = text(coordinator.get(url("proposal", world)))
    assert "Not everyone in “Group 1” speaks one language. Cai does not speak the language most of" in page


# -- When the data changes meanwhile ----------------------------------------------------------------------------


def test_a_proposal_that_no_longer_fits_is_made_again(coordinator, world, eight):
    start(coordinator, world)
    add_to_group(world.other_group, eight[0], GroupRole.MENTEE)
    response = coordinator.get(url("proposal", world))
    assert "Mentees have joined, left or been placed since this proposal was made. Here is a new one." in text(response)
    ids = {mentee_id for group in members(saved(coordinator, world)) for mentee_id in group}
    assert ids == {person.pk for person in eight[1:]}


def test_a_change_to_a_proposal_that_no_longer_fits_is_not_applied(coordinator, world, eight):
    start(coordinator, world)
    ProgrammeMembership.objects.filter(user=eight[0]).update(status=MembershipStatus.WITHDRAWN)
    response = coordinator.post(
        url("proposal", world), {"action": "move", "mentee": eight[1].pk, "to": "unplaced"}, follow=True
    )
    assert "Here is a new one." in text(response)
    assert saved(coordinator, world)["unplaced"] == []


def test_a_mentee_accepted_since_shows_up_without_a_group(coordinator, world, eight):
    start(coordinator, world)
    newcomer = mentee(world.programme, "Nina New")
    page = text(coordinator.get(url("proposal", world)))
    assert "1 mentee has no group yet: Nina New." in page
    assert saved(coordinator, world)["unplaced"] == [newcomer.pk]  # what the page showed is what gets confirmed


def test_when_everyone_was_placed_meanwhile_the_proposal_is_dropped(coordinator, world, eight):
    start(coordinator, world)
    for person in eight:
        add_to_group(world.other_group, person, GroupRole.MENTEE)
    response = coordinator.get(url("proposal", world), follow=True)
    assert response.redirect_chain == [(url("groups", world), 302)]
    assert "Every mentee has a group now." in text(response)
    assert saved(coordinator, world) is None


# -- Confirming ---------------------------------------------------------------------------------------------------


def test_confirming_creates_the_groups_the_coordinator_arranged(coordinator, world, eight):
    start(coordinator, world)
    coordinator.post(url("proposal", world), {"action": "move", "mentee": eight[0].pk, "to": "unplaced"})
    careers = index_of(saved(coordinator, world), eight[1])
    coordinator.post(url("proposal", world), {"action": "rename", "group": careers, "name": "Career changers"})
    response = coordinator.post(url("proposal_confirm", world), follow=True)
    assert response.redirect_chain == [(url("groups", world), 302)]
    page = text(response)
    assert "Created 2 groups." in page
    assert "Career changers" in page
    careers = MentoringGroup.objects.get(programme=world.programme, name="Career changers")
    assert set(careers.memberships.current().values_list("user_id", flat=True)) == {p.pk for p in eight[1:4]}
    assert GroupWishes.objects.filter(group=careers).exists()
    studies = MentoringGroup.objects.get(programme=world.programme, name__endswith=": Studies")
    assert set(studies.memberships.values_list("user_id", flat=True)) == {p.pk for p in eight[4:]}
    assert saved(coordinator, world) is None
    assert "1 accepted mentee has no group yet." in page  # Eve A, left out on purpose


def test_confirming_a_stale_proposal_creates_nothing_and_shows_it_again(coordinator, world, eight):
    start(coordinator, world)
    ProgrammeMembership.objects.filter(user=eight[3]).update(status=MembershipStatus.WITHDRAWN)
    response = coordinator.post(url("proposal_confirm", world), follow=True)
    assert response.redirect_chain[0] == (url("proposal", world), 302)
    assert "Nothing was created." in text(response)
    assert MentoringGroup.objects.filter(programme=world.programme).count() == 2


def test_confirming_a_name_another_group_took_meanwhile_names_the_group(coordinator, world, eight):
    start(coordinator, world)
    coordinator.post(url("proposal", world), {"action": "rename", "group": "0", "name": "Pioneers"})
    MentoringGroupFactory(programme=world.programme, name="pioneers")
    response = coordinator.post(url("proposal_confirm", world), follow=True)
    assert "The programme already has a group called “Pioneers”." in text(response)
    assert saved(coordinator, world)["groups"][0]["name"] == "Pioneers"
    assert MentoringGroup.objects.filter(programme=world.programme).count() == 3


def test_confirming_a_proposal_without_groups_says_so(coordinator, world, eight):
    sizes(world.programme, 2, 2, 2)
    for person in eight[:2]:
        add_to_group(world.other_group, person, GroupRole.MENTEE)
    for person in eight[4:]:
        add_to_group(world.other_group, person, GroupRole.MENTEE)
    start(coordinator, world)
    for person in eight[2:4]:
        coordinator.post(url("proposal", world), {"action": "move", "mentee": person.pk, "to": "unplaced"})
    response = coordinator.post(url("proposal_confirm", world), follow=True)
    assert "The proposal has no groups." in text(response)
    assert "No groups in this proposal." in text(response)


def test_confirming_is_all_or_nothing(coordinator, world, eight):
    start(coordinator, world)
    real = GroupMembership.objects.bulk_create
    calls = []

    def fail_on_the_second_group(objs, *args, **kwargs):
        calls.append(objs)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(objs, *args, **kwargs)

    with (
        mock.patch.object(GroupMembership.objects, "bulk_create", side_effect=fail_on_the_second_group),
        pytest.raises(RuntimeError),
    ):
        coordinator.post(url("proposal_confirm", world))
    assert MentoringGroup.objects.filter(programme=world.programme).count() == 2  # the world's own
    assert GroupMembership.objects.filter(user__in=eight).count() == 0
    assert saved(coordinator, world) is not None


def test_confirming_without_a_proposal_says_so(coordinator, world):
    response = coordinator.post(url("proposal_confirm", world), follow=True)
    assert "There is no proposal to confirm." in text(response)


def test_a_closed_programme_refuses_to_propose_and_to_confirm(coordinator, world, eight):
    start(coordinator, world)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    response = coordinator.post(url("proposal_confirm", world), follow=True)
    assert "This programme is closed. No new groups can be formed." in text(response)
    assert MentoringGroup.objects.filter(programme=world.programme).count() == 2
    response = coordinator.post(url("proposal", world), {"action": "start"}, follow=True)
    assert "This programme is closed." in text(response)
    assert saved(coordinator, world) is None


def test_confirm_takes_only_a_post(coordinator, world):
    assert coordinator.get(url("proposal_confirm", world)).status_code == 405


def test_only_the_programmes_coordinators_may_confirm(as_user, world, eight):
    assert as_user(world.mentee).post(url("proposal_confirm", world)).status_code == 403
    assert as_user(world.other_coordinator).post(url("proposal_confirm", world)).status_code == 404
    assert as_user(world.mentor).post(url("proposal", world), {"action": "start"}).status_code == 403


# -- Performance ----------------------------------------------------------------------------------------------------


def _mentees(world, count: int):
    areas = [GoalAreaFactory(programme=world.programme, name=f"Area {n}") for n in range(3)]
    for number in range(count):
        mentee(
            world.programme,
            f"Person {number:02d}",
            goals=[areas[number % 3]],
            languages=["English", "Arabic", "German, English"][number % 3],
            slots=(SLOTS[number % 4],),
        )


@pytest.mark.parametrize("count", [8, 24])
def test_the_proposal_page_makes_the_same_queries_for_8_and_24_mentees(coordinator, world, count):
    _mentees(world, count)
    start(coordinator, world)
    assert count_queries(coordinator, url("proposal", world)) == 6
