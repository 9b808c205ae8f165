"""A coordinator renames a group, changes its focus, and turns a mentor-led group into a peer group or back."""

import pytest
from django.urls import reverse

from groups.models import GroupKind, GroupRole, MentoringGroup
from groups.services.forming import NameTaken, ProgrammeClosed
from groups.services.kinds import HasMentor, change_kind, save_settings, set_next_facilitator, update_group
from mentoring.tests.factories import MentorAssignmentFactory, MentoringGroupFactory, UserFactory, add_to_group
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

HAS_MENTOR = "This group has a mentor or is waiting for a mentor&#x27;s answer, so it cannot become a peer group."
NAME_TAKEN = "Another group in this programme already has this name. Please choose another."


def settings_url(group):
    return reverse("groups:settings", kwargs={"pk": group.pk})


def detail(group):
    return reverse("groups:detail", kwargs={"pk": group.pk})


@pytest.fixture
def unmatched(world):
    group = MentoringGroupFactory(programme=world.programme, name="Unmatched", focus="Careers")
    add_to_group(group, UserFactory(), GroupRole.MENTEE)
    return group


def fresh(group):
    return MentoringGroup.objects.get(pk=group.pk)


def test_the_coordinator_renames_the_group_and_changes_its_focus(as_user, world):
    data = {"name": "  Nurses   and carers ", "focus": "Health care", "kind": GroupKind.MENTOR_LED}
    response = as_user(world.coordinator).post(settings_url(world.group), data, follow=True)
    assert response.redirect_chain == [(detail(world.group), 302)]
    assert "The group&#x27;s settings are saved." in response.content.decode()
    group = fresh(world.group)
    assert (group.name, group.focus, group.kind) == ("Nurses and carers", "Health care", GroupKind.MENTOR_LED)


def test_the_form_starts_with_the_groups_settings(as_user, world, unmatched):
    form = as_user(world.coordinator).get(settings_url(unmatched)).context["form"]
    assert form.initial == {"name": "Unmatched", "focus": "Careers", "kind": GroupKind.MENTOR_LED}


def test_a_name_another_group_has_is_refused_whatever_its_case(as_user, world):
    data = {"name": "group b", "focus": "", "kind": GroupKind.MENTOR_LED}
    response = as_user(world.coordinator).post(settings_url(world.group), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": [NAME_TAKEN]}
    assert fresh(world.group).name == "Group A"


def test_the_group_may_keep_its_own_name_in_another_case(as_user, world):
    as_user(world.coordinator).post(settings_url(world.group), {"name": "GROUP A", "kind": GroupKind.MENTOR_LED})
    assert fresh(world.group).name == "GROUP A"


def test_a_name_taken_a_moment_ago_changes_nothing_not_even_the_kind(world, unmatched):
    with pytest.raises(NameTaken):
        save_settings(group=unmatched, name="Group B", focus="", kind=GroupKind.PEER)
    assert fresh(unmatched).kind == GroupKind.MENTOR_LED


def test_a_name_taken_a_moment_ago_is_refused_by_the_service(world):
    with pytest.raises(NameTaken):
        update_group(group=world.group, name="Group B", focus="")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 121}, "name", "Ensure this value has at most 120 characters (it has 121)."),
        ({"focus": "x" * 301}, "focus", "Ensure this value has at most 300 characters (it has 301)."),
        (
            {"kind": "mentor_circle"},
            "kind",
            "Select a valid choice. mentor_circle is not one of the available choices.",
        ),
        ({"kind": ""}, "kind", "This field is required."),
    ],
)
def test_bad_input_is_reported_at_its_field(as_user, world, unmatched, changes, field, message):
    data = {"name": "Unmatched", "focus": "", "kind": GroupKind.MENTOR_LED, **changes}
    response = as_user(world.coordinator).post(settings_url(unmatched), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert fresh(unmatched).focus == "Careers"


# Mentor-led and peer


def test_a_group_without_a_mentor_becomes_a_peer_group_and_back(as_user, world, unmatched):
    client = as_user(world.coordinator)
    client.post(settings_url(unmatched), {"name": "Unmatched", "kind": GroupKind.PEER})
    assert fresh(unmatched).kind == GroupKind.PEER
    set_next_facilitator(group=unmatched, user_id=unmatched.memberships.get().user_id)
    client.post(settings_url(unmatched), {"name": "Unmatched", "kind": GroupKind.MENTOR_LED})
    group = fresh(unmatched)
    assert group.kind == GroupKind.MENTOR_LED
    assert group.next_facilitator is None  # the turns start again if it becomes a peer group once more


def test_a_group_with_a_mentor_stays_mentor_led(as_user, world):
    data = {"name": "Group A, renamed", "kind": GroupKind.PEER}
    response = as_user(world.coordinator).post(settings_url(world.group), data)
    assert response.status_code == 200
    assert HAS_MENTOR in response.content.decode()
    assert list(response.context["form"].errors) == ["kind"]
    group = fresh(world.group)
    assert (group.kind, group.name) == (GroupKind.MENTOR_LED, "Group A")  # nothing saved, not even the name


def test_a_group_waiting_for_a_mentors_answer_stays_mentor_led(as_user, world, unmatched):
    MentorAssignmentFactory(group=unmatched, assigned_by=world.coordinator)
    response = as_user(world.coordinator).post(settings_url(unmatched), {"name": "Unmatched", "kind": GroupKind.PEER})
    assert HAS_MENTOR in response.content.decode()
    assert fresh(unmatched).kind == GroupKind.MENTOR_LED
    with pytest.raises(HasMentor):
        change_kind(group=unmatched, kind=GroupKind.PEER)


def test_a_mentor_circle_keeps_its_kind(as_user, world):
    circle = MentoringGroupFactory(programme=world.programme, name="Circle", kind=GroupKind.MENTOR_CIRCLE)
    client = as_user(world.coordinator)
    page = client.get(settings_url(circle))
    assert "kind" not in page.context["form"].fields
    assert "It stays a mentor circle." in page.content.decode()
    client.post(settings_url(circle), {"name": "Mentor circle", "kind": GroupKind.PEER})
    circle = fresh(circle)
    assert (circle.name, circle.kind) == ("Mentor circle", GroupKind.MENTOR_CIRCLE)


# Who may, and when


def test_a_closed_programmes_groups_cannot_be_changed(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.coordinator)
    response = client.get(settings_url(world.group), follow=True)
    assert response.redirect_chain == [(detail(world.group), 302)]
    assert "This programme is closed. Its groups can no longer be changed." in response.content.decode()
    client.post(settings_url(world.group), {"name": "Renamed", "kind": GroupKind.MENTOR_LED})
    assert fresh(world.group).name == "Group A"
    with pytest.raises(ProgrammeClosed):
        update_group(group=world.group, name="Renamed", focus="")


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_members_of_the_group_cannot_change_its_settings(as_user, world, persona):
    client = as_user(getattr(world, persona))
    assert client.get(settings_url(world.group)).status_code == 403
    assert client.post(settings_url(world.group), {"name": "Mine", "kind": GroupKind.PEER}).status_code == 403
    assert fresh(world.group).name == "Group A"


@pytest.mark.parametrize("persona", ["outsider", "other_group_member", "other_coordinator"])
def test_people_outside_the_group_learn_nothing(as_user, world, persona):
    assert as_user(getattr(world, persona)).get(settings_url(world.group)).status_code == 404


def test_settings_take_get_and_post_only(as_user, world):
    assert as_user(world.coordinator).put(settings_url(world.group)).status_code == 405


def test_the_coordinator_finds_the_settings_on_the_group_page(as_user, world):
    assert settings_url(world.group) in as_user(world.coordinator).get(detail(world.group)).content.decode()
    assert settings_url(world.group) not in as_user(world.mentee).get(detail(world.group)).content.decode()
