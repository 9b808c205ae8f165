import pytest
from django.urls import reverse

from groups.models import GroupMembership
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
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
    assert count_queries(client, url) == small == 6


def test_group_detail_query_count_stays_flat(as_user, world):
    client = as_user(world.mentor)
    url = reverse("groups:detail", kwargs={"pk": world.group.pk})
    small = count_queries(client, url)
    for _ in range(4):
        add_to_group(world.group, UserFactory(), "mentee")
    assert count_queries(client, url) == small == 6
