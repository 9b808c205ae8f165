"""Peer groups have no mentor: the members take turns facilitating, and anyone in the group (or a coordinator)
says whose turn is next."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupKind, GroupMembership, GroupRole, MentoringGroup
from groups.services.kinds import NotAMember, pass_facilitation, set_next_facilitator
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def peers(world):
    """A peer group of three, who joined in this order: Max (the world's mentee), Bea, Ann."""
    group = MentoringGroupFactory(programme=world.programme, name="Peers", kind=GroupKind.PEER)
    start = timezone.now() - datetime.timedelta(days=10)
    for days, person in enumerate(
        [world.mentee, UserFactory(display_name="Bea Second"), UserFactory(display_name="Ann Third")]
    ):
        membership = add_to_group(group, person, GroupRole.MENTEE)
        GroupMembership.objects.filter(pk=membership.pk).update(joined_at=start + datetime.timedelta(days=days))
    return group


def names(group):
    members = list(group.memberships.current().select_related("user"))
    return [m.user.display_name for m in group.facilitation_rota(members)]


def detail(group):
    return reverse("groups:detail", kwargs={"pk": group.pk})


def facilitation(group):
    return reverse("groups:facilitation", kwargs={"pk": group.pk})


def member(group, name):
    return group.memberships.get(user__display_name=name).user


def next_name(group):
    group = MentoringGroup.objects.select_related("next_facilitator").get(pk=group.pk)
    return group.next_facilitator.display_name if group.next_facilitator else None


def test_the_rota_is_the_order_the_members_joined(peers):
    assert names(peers) == ["Max Mentee", "Bea Second", "Ann Third"]


def test_members_who_joined_together_take_turns_by_name(world):
    group = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    for name in ["Zoe", "adam", "Ben"]:
        add_to_group(group, UserFactory(display_name=name), GroupRole.MENTEE)
    GroupMembership.objects.filter(group=group).update(joined_at=timezone.now())
    assert names(group) == ["adam", "Ben", "Zoe"]


def test_the_group_page_shows_the_rota_and_that_nobody_is_chosen_yet(as_user, world, peers):
    response = as_user(world.mentee).get(detail(peers))
    text = response.content.decode()
    assert [m.user.display_name for m in response.context["rota"]] == ["Max Mentee", "Bea Second", "Ann Third"]
    assert response.context["next_up"] is None
    assert "This is a peer group: it has no mentor." in text
    assert "Nobody has been chosen yet." in text
    assert "Next person's turn" in text
    assert "wishes" not in text.lower()  # a peer group wishes for no mentor


def test_a_member_chooses_who_facilitates_next(as_user, world, peers):
    bea = member(peers, "Bea Second")
    response = as_user(world.mentee).post(facilitation(peers), {"action": "set", "facilitator": bea.pk}, follow=True)
    assert response.redirect_chain == [(detail(peers), 302)]
    assert "Bea Second facilitates the next session." in response.content.decode()
    assert next_name(peers) == "Bea Second"
    assert response.context["next_up"].user == bea
    assert "It is Bea Second's turn." in response.content.decode()


def test_next_persons_turn_goes_down_the_list_and_starts_again_at_the_top(as_user, world, peers):
    client = as_user(world.mentee)
    turns = []
    for _ in range(4):
        client.post(facilitation(peers), {"action": "pass"})
        turns.append(next_name(peers))
    assert turns == ["Max Mentee", "Bea Second", "Ann Third", "Max Mentee"]


def test_the_coordinator_may_choose_too(as_user, world, peers):
    ann = member(peers, "Ann Third")
    as_user(world.coordinator).post(facilitation(peers), {"action": "set", "facilitator": ann.pk})
    assert next_name(peers) == "Ann Third"


def test_someone_outside_the_group_cannot_be_chosen(as_user, world, peers):
    response = as_user(world.mentee).post(
        facilitation(peers), {"action": "set", "facilitator": world.other_group_member.pk}, follow=True
    )
    assert "Please choose one of the group&#x27;s members." in response.content.decode()
    assert next_name(peers) is None
    with pytest.raises(NotAMember):
        set_next_facilitator(group=peers, user_id=world.other_group_member.pk)


def test_a_member_who_left_is_skipped(world, peers):
    set_next_facilitator(group=peers, user_id=member(peers, "Bea Second").pk)
    GroupMembership.objects.filter(group=peers, user__display_name="Ann Third").update(left_at=timezone.now())
    assert next_name(pass_facilitation(group=peers)) == "Max Mentee"


@pytest.mark.parametrize(
    "data",
    [{}, {"action": "dance"}, {"action": "set"}, {"action": "set", "facilitator": "abc"}],
    ids=["nothing", "unknown action", "nobody chosen", "not a number"],
)
def test_bad_input_gives_a_message(as_user, world, peers, data):
    response = as_user(world.mentee).post(facilitation(peers), data, follow=True)
    assert response.status_code == 200
    assert response.context["messages"]
    assert next(iter(response.context["messages"])).level_tag == "error"
    assert next_name(peers) is None


def test_a_mentor_led_group_does_not_take_turns(as_user, world):
    response = as_user(world.mentor).post(facilitation(world.group), {"action": "pass"}, follow=True)
    assert response.redirect_chain == [(detail(world.group), 302)]
    assert "Only peer groups take turns to facilitate." in response.content.decode()
    assert MentoringGroup.objects.get(pk=world.group.pk).next_facilitator is None


@pytest.mark.parametrize("persona", ["outsider", "other_group_member", "other_coordinator", "mentor"])
def test_people_outside_the_peer_group_are_refused(as_user, world, peers, persona):
    assert as_user(getattr(world, persona)).post(facilitation(peers), {"action": "pass"}).status_code == 404
    assert next_name(peers) is None


def test_facilitation_only_takes_posts(as_user, world, peers):
    assert as_user(world.mentee).get(facilitation(peers)).status_code == 405


def test_a_closed_programme_keeps_its_turns(as_user, world, peers):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.mentee)
    response = client.post(facilitation(peers), {"action": "pass"}, follow=True)
    assert "This programme is closed." in response.content.decode()
    assert next_name(peers) is None
    assert "Next person" not in client.get(detail(peers)).content.decode()


def test_the_peer_group_page_makes_as_many_queries_for_9_members_as_for_3(as_user, world, peers):
    client = as_user(world.mentee)
    set_next_facilitator(group=peers, user_id=member(peers, "Ann Third").pk)
    small = count_queries(client, detail(peers))
    for _ in range(6):
        add_to_group(peers, UserFactory(), GroupRole.MENTEE)
    # 6, one for the goals' summary and one for the contract's; one for the group's evaluations (feedback: every
    # member of a peer group leads it)
    assert count_queries(client, detail(peers)) == small == 8
