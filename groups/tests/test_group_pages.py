import pytest
from django.urls import reverse

from groups.models import GroupKind, GroupMembership, GroupRole
from groups.services.kinds import create_circle
from groups.services.wishes import agree, start_wishes, update_wishes
from mentoring.tests.factories import (
    MentorAssignmentFactory,
    MentoringGroupFactory,
    ProgrammeFactory,
    UserFactory,
    add_to_group,
    programme_mentor,
)
from mentoring.tests.querycount import count_queries

pytestmark = pytest.mark.django_db


def test_a_mentee_sees_their_group_its_mentor_and_the_other_mentees(as_user, world):
    page = as_user(world.mentee).get(reverse("groups:detail", kwargs={"pk": world.group.pk}))
    text = page.content.decode()
    assert "Group A" in text
    assert "Mina Mentor" in text
    assert "Max Mentee" in text and "(you)" in text
    assert "Olga Othergroup" not in text  # a member of another group
    assert "You are a mentee in this group." in text


def test_a_coordinator_sees_the_group_from_the_programme(as_user, world):
    page = as_user(world.coordinator).get(reverse("groups:detail", kwargs={"pk": world.group.pk}))
    assert page.status_code == 200
    assert page.context["access"].is_coordinator
    assert page.context["access"].group_role is None
    assert reverse("programmes:detail", kwargs={"pk": world.programme.pk}) in page.content.decode()


def test_a_member_who_left_no_longer_sees_the_group(as_user, world):
    from django.utils import timezone

    GroupMembership.objects.filter(group=world.group, user=world.mentee).update(left_at=timezone.now())
    assert as_user(world.mentee).get(reverse("groups:detail", kwargs={"pk": world.group.pk})).status_code == 404


def test_a_group_without_a_mentor_says_so(as_user, world):
    group = MentoringGroupFactory(programme=world.programme, name="Unmatched")
    add_to_group(group, world.outsider, "mentee")
    text = as_user(world.outsider).get(reverse("groups:detail", kwargs={"pk": group.pk})).content.decode()
    assert "No mentor yet" in text
    assert "has not matched a mentor with this group yet" in text


def test_my_groups_lists_every_group_with_role_and_mentor(as_user, world):
    circle = MentoringGroupFactory(programme=ProgrammeFactory(name="Mentor circle programme"), name="Circle")
    add_to_group(circle, world.mentor, "mentee")
    rows = as_user(world.mentor).get(reverse("groups:list")).context["rows"]
    assert {(row["group"].name, row["my_role"]) for row in rows} == {("Group A", "Mentor"), ("Circle", "Mentee")}
    group_a = next(row for row in rows if row["group"].name == "Group A")
    assert group_a["mentee_count"] == 1
    assert [mentor.display_name for mentor in group_a["mentors"]] == ["Mina Mentor"]


def test_my_groups_empty_state_says_what_happens_next(as_user, world):
    text = as_user(world.outsider).get(reverse("groups:list")).content.decode()
    assert "You are not in a group yet." in text
    assert "Your coordinator forms the groups" in text


def test_my_groups_query_count_stays_flat(as_user, world):
    client = as_user(world.mentor)
    url = reverse("groups:list")
    small = count_queries(client, url)
    for _ in range(5):
        group = MentoringGroupFactory()
        add_to_group(group, world.mentor, "mentor")
        for _ in range(4):
            add_to_group(group, UserFactory(), "mentee")
    assert count_queries(client, url) == small == 5


def test_group_detail_query_count_stays_flat(as_user, world):
    """3 members (mentor and 2 mentees) against 9."""
    add_to_group(world.group, UserFactory(), "mentee")
    client = as_user(world.mentor)
    url = reverse("groups:detail", kwargs={"pk": world.group.pk})
    start_wishes(world.group)  # as forming the group does
    small = count_queries(client, url)
    for _ in range(6):
        add_to_group(world.group, UserFactory(), "mentee")
    # 6, one for the goals' summary (members only) and one for the contract's
    # with the next session, and one for the group's evaluations (feedback; its leaders only)
    assert count_queries(client, url) == small == 10


def test_group_detail_query_count_stays_flat_for_the_coordinator_of_a_group_waiting_for_its_mentor(as_user, world):
    group = MentoringGroupFactory(programme=world.programme, name="Waiting")
    for _ in range(3):
        add_to_group(group, UserFactory(), "mentee")
    MentorAssignmentFactory(group=group, assigned_by=world.coordinator)
    client = as_user(world.coordinator)
    url = reverse("groups:detail", kwargs={"pk": group.pk})
    start_wishes(group)  # as forming the group does
    small = count_queries(client, url)
    for _ in range(6):
        add_to_group(group, UserFactory(), "mentee")
    assert count_queries(client, url) == small == 10  # 8, one for the contract and one for the next session


def test_circle_detail_query_count_stays_flat(as_user, world):
    programme = world.programme
    mentors = [programme_mentor(programme) for _ in range(3)]
    circle = create_circle(programme=programme, name="Circle", mentors=mentors, supervisor=world.coordinator)
    client = as_user(mentors[0])
    url = reverse("groups:detail", kwargs={"pk": circle.pk})
    small = count_queries(client, url)
    for _ in range(6):
        add_to_group(circle, UserFactory(), "mentor")
    # 4, one for the goals' summary (members only) and one for the contract's
    assert count_queries(client, url) == small == 7


# A mentor-led group: where the search for its mentor stands, and its wishes


def detail(group):
    return reverse("groups:detail", kwargs={"pk": group.pk})


def suggestions(world, group):
    return reverse("grouping:suggestions", kwargs={"pk": world.programme.pk, "group_pk": group.pk})


@pytest.fixture
def unmatched(world):
    group = MentoringGroupFactory(programme=world.programme, name="Unmatched")
    add_to_group(group, world.outsider, "mentee")
    return group


def test_a_group_waiting_for_its_mentors_answer_says_so(as_user, world, unmatched):
    MentorAssignmentFactory(group=unmatched, assigned_by=world.coordinator, mentor=world.mentor)
    text = as_user(world.outsider).get(detail(unmatched)).content.decode()
    assert "Waiting for the mentor's answer" in text
    assert "A mentor has been asked to take this group." in text
    assert "Mina Mentor" not in text  # who was asked is the coordinator's business until they accept
    text = as_user(world.coordinator).get(detail(unmatched)).content.decode()
    assert "You asked Mina Mentor on" in text
    assert suggestions(world, unmatched) not in text  # the group is not looking for a mentor now


def test_a_group_without_a_mentor_says_no_mentor_yet(as_user, world, unmatched):
    text = as_user(world.outsider).get(detail(unmatched)).content.decode()
    assert "No mentor yet" in text
    assert suggestions(world, unmatched) not in text  # for coordinators only


def test_the_coordinator_is_pointed_to_a_mentor_for_an_unmatched_group(as_user, world, unmatched):
    text = as_user(world.coordinator).get(detail(unmatched)).content.decode()
    assert "Find a mentor for this group" in text
    assert suggestions(world, unmatched) in text
    assert reverse("groups:settings", kwargs={"pk": unmatched.pk}) in text
    assert suggestions(world, world.group) not in as_user(world.coordinator).get(detail(world.group)).content.decode()


def test_the_group_page_sums_up_the_wishes_and_who_agreed(as_user, world):
    second = UserFactory()
    add_to_group(world.group, second, "mentee")
    wishes = start_wishes(world.group)
    wishes = update_wishes(wishes=wishes, by=world.mentee, languages="English, Arabic", gender_preference="woman")
    text = as_user(world.mentor).get(detail(world.group)).content.decode()
    assert "English, Arabic" in text and "A woman" in text
    assert "1 of 2 agreed" in text
    assert "agreed by all" not in text
    assert "Read the wishes and agree" not in text  # the mentor reads; only mentees agree
    agree(wishes=wishes, user=second, version=wishes.version)
    assert "agreed by all" in as_user(world.mentor).get(detail(world.group)).content.decode()


def test_the_group_page_only_takes_get(as_user, world):
    assert as_user(world.mentee).post(detail(world.group)).status_code == 405
    assert as_user(world.mentee).post(reverse("groups:list")).status_code == 405


def test_my_groups_describes_a_mentor_circle_and_a_peer_group_by_their_kind(as_user, world):
    circle = MentoringGroupFactory(programme=world.programme, name="Circle", kind=GroupKind.MENTOR_CIRCLE)
    add_to_group(circle, world.mentor, GroupRole.MENTOR)
    add_to_group(circle, world.coordinator, GroupRole.SUPERVISOR)
    peer = MentoringGroupFactory(programme=world.programme, name="Peers", kind=GroupKind.PEER)
    add_to_group(peer, world.mentor, GroupRole.MENTEE)
    page = as_user(world.mentor).get(reverse("groups:list")).content.decode()
    assert "led by Cora Coordinator" in page
    assert "Peer group · 1 member" in page
