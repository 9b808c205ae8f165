"""A group's wishes for its mentor: drafted from the members' applications, changed and agreed by the mentees,
read by the mentor and the coordinators."""

import pytest
from django.urls import reverse

from groups.models import GroupKind, GroupRole, GroupWishes, WishesAgreement
from groups.services.wishes import OutdatedVersion, agree, start_wishes, update_wishes, wishes_of
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, accepted_mentee, add_to_group
from mentoring.tests.querycount import count_queries
from programmes.models import GenderPreference, Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

OUTDATED = "The wishes changed while you were reading them; read them again."

CHANGED = {
    "mentor_kind": "Patient and practical.",
    "background": "Works in a hospital.",
    "support": "Job interviews.",
    "languages": "English,  Arabic",
    "gender_preference": "",
    "age_preference": "older",
}


def wishes_url(group):
    return reverse("groups:wishes", kwargs={"pk": group.pk})


def agree_url(group):
    return reverse("groups:wishes_agree", kwargs={"pk": group.pk})


@pytest.fixture
def two_mentees(world):
    """World's group with a second mentee, and wishes at version 1 that nobody has agreed to yet."""
    second = UserFactory(display_name="Sara Second")
    add_to_group(world.group, second, GroupRole.MENTEE)
    start_wishes(world.group)
    return second


def close(programme):
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)


# The draft


def test_the_wishes_are_drafted_from_the_members_applications(world):
    group = MentoringGroupFactory(programme=world.programme, name="Nurses")
    answers = [
        {"languages": "English, Arabic", "gender_preference": "woman", "age_preference": "similar"},
        {"languages": "arabic, English, French", "gender_preference": "woman", "age_preference": ""},
        {"languages": "English, Arabic", "gender_preference": "", "age_preference": "older"},
    ]
    kinds = ["Patient.", "Kind.", "patient."]
    for number, (answer, kind) in enumerate(zip(answers, kinds, strict=True)):
        person = accepted_mentee(
            world.programme,
            user=UserFactory(display_name=f"Applicant {number}"),
            mentor_background="A nurse.",
            support_expected=f"Help with step {number}.",
            mentor_kind=kind,
            **answer,
        )
        add_to_group(group, person, GroupRole.MENTEE)
    unsaved = wishes_of(group, mentee_ids=group.memberships.values_list("user_id", flat=True))
    wishes = start_wishes(group)
    for name in ("mentor_kind", "background", "support", "languages", "gender_preference", "age_preference"):
        assert getattr(unsaved, name) == getattr(wishes, name) == getattr(wishes_of(group), name), name
    assert wishes.languages == "English, Arabic"  # the languages all of them speak
    assert wishes.gender_preference == GenderPreference.WOMAN  # two of three
    assert wishes.age_preference == ""  # no majority
    assert wishes.mentor_kind == "Patient.\n\nKind."  # each text once, whatever its case
    assert wishes.background == "A nurse."
    assert wishes.support == "Help with step 0.\n\nHelp with step 1.\n\nHelp with step 2."
    assert "Applicant" not in wishes.mentor_kind + wishes.background + wishes.support  # no names
    assert wishes.version == 1 and not wishes.agreements.exists()


def test_the_page_shows_a_draft_for_a_group_without_wishes_and_saves_nothing(as_user, world):
    assert not GroupWishes.objects.filter(group=world.group).exists()
    client = as_user(world.mentee)
    page = client.get(wishes_url(world.group))
    assert page.status_code == 200
    assert "0 of 1 agreed" in page.content.decode()
    assert not GroupWishes.objects.filter(group=world.group).exists(), "reading the wishes creates nothing"
    client.post(reverse("groups:wishes_agree", kwargs={"pk": world.group.pk}), {"version": "1"})
    assert GroupWishes.objects.get(group=world.group).agreements.count() == 1  # saved when agreed to


def test_the_page_explains_what_the_wishes_are_for(as_user, world):
    text = as_user(world.mentee).get(wishes_url(world.group)).content.decode()
    assert "Our wishes for a mentor" in text
    assert "The coordinator reads them when choosing a mentor for the group." in text
    assert "Everyone in the group should agree to them." in text
    assert "0 of 1 agreed" in text
    assert "I agree to these wishes" in text
    assert "Save the changes" in text


# Changing and agreeing


def test_a_mentee_changes_the_wishes_and_only_they_have_agreed(as_user, world, two_mentees):
    response = as_user(world.mentee).post(wishes_url(world.group), {**CHANGED, "version": "1"}, follow=True)
    assert response.redirect_chain == [(wishes_url(world.group), 302)]
    assert "The wishes are saved, and you agree to them." in response.content.decode()
    wishes = GroupWishes.objects.get(group=world.group)
    assert wishes.version == 2
    assert wishes.mentor_kind == "Patient and practical."
    assert wishes.languages == "English, Arabic"
    assert wishes.age_preference == "older"
    assert wishes.updated_by == world.mentee
    assert list(wishes.agreements.filter(version=2).values_list("user", flat=True)) == [world.mentee.pk]
    assert response.context["agreement"].waiting == [two_mentees]
    assert "1 of 2 agreed" in response.content.decode()


def test_another_mentee_agrees_and_then_all_have_agreed(as_user, world, two_mentees):
    wishes = update_wishes(wishes=world.group.wishes, by=world.mentee, **CHANGED)
    response = as_user(two_mentees).post(agree_url(world.group), {"version": wishes.version}, follow=True)
    text = response.content.decode()
    assert "Thank you. Everyone in the group has now agreed to the wishes." in text
    assert "2 of 2 agreed" in text and "agreed by all" in text
    assert response.context["agreement"].by_all


def test_agreeing_twice_is_harmless(as_user, world):
    start_wishes(world.group)
    client = as_user(world.mentee)
    client.post(agree_url(world.group), {"version": "1"})
    response = client.post(agree_url(world.group), {"version": "1"}, follow=True)
    assert "Everyone in the group has now agreed" in response.content.decode()
    assert WishesAgreement.objects.filter(user=world.mentee).count() == 1


def test_agreeing_to_a_version_that_changed_meanwhile_is_refused(as_user, world, two_mentees):
    client = as_user(two_mentees)
    client.get(wishes_url(world.group))  # reads version 1
    update_wishes(wishes=world.group.wishes, by=world.mentee, **CHANGED)  # version 2 meanwhile
    response = client.post(agree_url(world.group), {"version": "1"}, follow=True)
    assert OUTDATED in response.content.decode()
    assert not WishesAgreement.objects.filter(user=two_mentees).exists()
    with pytest.raises(OutdatedVersion):
        agree(wishes=world.group.wishes, user=two_mentees, version=1)


def test_a_change_made_from_an_old_version_is_not_lost_and_does_not_undo_the_newer_one(as_user, world, two_mentees):
    update_wishes(wishes=world.group.wishes, by=world.mentee, **CHANGED)  # version 2
    client = as_user(two_mentees)
    mine = {**CHANGED, "support": "Writing a CV.", "version": "1"}
    response = client.post(wishes_url(world.group), mine)
    assert response.status_code == 200
    assert "Someone in your group changed the wishes while you were writing." in response.content.decode()
    assert GroupWishes.objects.get(group=world.group).support == "Job interviews."  # theirs stands
    form = response.context["form"]
    assert form["support"].value() == "Writing a CV."  # mine is kept in the form
    assert form["version"].value() == 2  # on top of their version
    client.post(wishes_url(world.group), {**mine, "version": "2"})
    assert GroupWishes.objects.get(group=world.group).version == 3


def test_saving_without_a_change_keeps_the_version_and_the_agreements(as_user, world):
    stored = {**CHANGED, "languages": "English, Arabic", "support": "A\n\nB"}
    wishes = update_wishes(wishes=start_wishes(world.group), by=world.mentee, **stored)
    same = {**stored, "support": "A\r\n\r\nB", "version": wishes.version}  # as a browser sends line breaks
    response = as_user(world.mentee).post(wishes_url(world.group), same, follow=True)
    assert "You did not change anything." in response.content.decode()
    assert GroupWishes.objects.get(group=world.group).version == wishes.version


def test_a_mentee_who_has_not_agreed_is_asked_to_on_the_group_page(as_user, world, two_mentees):
    detail = reverse("groups:detail", kwargs={"pk": world.group.pk})
    text = as_user(two_mentees).get(detail).content.decode()
    assert "Read the wishes and agree" in text
    assert wishes_url(world.group) in text
    assert "0 of 2 agreed" in text
    agree(wishes=world.group.wishes, user=two_mentees, version=1)
    text = as_user(two_mentees).get(detail).content.decode()
    assert "Read the wishes and agree" not in text
    assert "1 of 2 agreed" in text


# Who may do what


@pytest.mark.parametrize("persona", ["mentor", "coordinator"])
def test_the_mentor_and_the_coordinator_read_the_wishes_and_who_agreed(as_user, world, two_mentees, persona):
    agree(wishes=world.group.wishes, user=two_mentees, version=1)
    response = as_user(getattr(world, persona)).get(wishes_url(world.group))
    text = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Only the mentees of the group can change the wishes and agree to them." in text
    assert "I agree to these wishes" not in text
    assert response.context["agreement"].agreed == [two_mentees]
    assert "Max Mentee" in text and "Sara Second" in text


@pytest.mark.parametrize("persona", ["mentor", "coordinator"])
def test_the_mentor_and_the_coordinator_cannot_change_or_agree(as_user, world, persona):
    client = as_user(getattr(world, persona))
    assert client.post(wishes_url(world.group), {**CHANGED, "version": "1"}).status_code == 403
    assert client.post(agree_url(world.group), {"version": "1"}).status_code == 403
    assert not WishesAgreement.objects.exists()
    assert GroupWishes.objects.filter(group=world.group, version__gt=1).count() == 0


def test_the_coordinator_of_an_unmatched_group_is_pointed_to_the_suggestions(as_user, world):
    group = MentoringGroupFactory(programme=world.programme, name="Unmatched")
    add_to_group(group, UserFactory(), GroupRole.MENTEE)
    text = as_user(world.coordinator).get(wishes_url(group)).content.decode()
    suggestions = reverse("grouping:suggestions", kwargs={"pk": world.programme.pk, "group_pk": group.pk})
    assert suggestions in text
    assert (
        suggestions.replace(str(group.pk), str(world.group.pk))
        not in as_user(world.coordinator).get(wishes_url(world.group)).content.decode()
    )  # world.group has its mentor


@pytest.mark.parametrize("persona", ["outsider", "other_group_member", "other_coordinator"])
def test_people_outside_the_group_learn_nothing(as_user, world, persona):
    client = as_user(getattr(world, persona))
    assert client.get(wishes_url(world.group)).status_code == 404
    assert client.post(wishes_url(world.group), CHANGED).status_code == 404
    assert client.post(agree_url(world.group), {"version": "1"}).status_code == 404


def test_wrong_methods_are_refused(as_user, world):
    client = as_user(world.mentee)
    assert client.put(wishes_url(world.group)).status_code == 405
    assert client.get(agree_url(world.group)).status_code == 405


# Bad input


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"gender_preference": "robot"}, "gender_preference", "Select a valid choice."),
        ({"age_preference": "ancient"}, "age_preference", "Select a valid choice."),
        ({"languages": "x" * 201}, "languages", "Ensure this value has at most 200 characters"),
        ({"support": "x" * 5001}, "support", "Ensure this value has at most 5000 characters"),
    ],
)
def test_bad_input_is_reported_at_its_field_and_nothing_changes(as_user, world, changes, field, message):
    response = as_user(world.mentee).post(wishes_url(world.group), {**CHANGED, "version": "1", **changes})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert message in response.context["form"].errors[field][0]
    assert "<details open>" in response.content.decode()  # the form is shown open, with its errors
    assert not GroupWishes.objects.filter(group=world.group).exists(), "nothing is saved from a form with mistakes"


def test_a_broken_version_in_the_form_does_not_block_the_change(as_user, world):
    as_user(world.mentee).post(wishes_url(world.group), {**CHANGED, "version": "not a number"})
    assert GroupWishes.objects.get(group=world.group).version == 2


def test_agreeing_without_a_version_asks_to_read_the_wishes(as_user, world):
    response = as_user(world.mentee).post(agree_url(world.group), {}, follow=True)
    assert "Please read the wishes, then press “I agree to these wishes” below them." in response.content.decode()
    assert not WishesAgreement.objects.exists()


# Other kinds of group, and a closed programme


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (GroupKind.PEER, "A peer group has no mentor, so it has no wishes for one."),
        (GroupKind.MENTOR_CIRCLE, "A mentor circle has a supervisor, so it has no wishes for a mentor."),
    ],
)
def test_groups_without_a_mentor_have_no_wishes(as_user, world, kind, message):
    group = MentoringGroupFactory(programme=world.programme, kind=kind)
    add_to_group(group, world.mentee, GroupRole.MENTEE)
    response = as_user(world.mentee).get(wishes_url(group), follow=True)
    assert response.redirect_chain == [(reverse("groups:detail", kwargs={"pk": group.pk}), 302)]
    assert message in response.content.decode()
    assert not GroupWishes.objects.filter(group=group).exists()


def test_the_wishes_of_a_closed_programme_can_be_read_not_changed(as_user, world):
    start_wishes(world.group)
    close(world.programme)
    client = as_user(world.mentee)
    page = client.get(wishes_url(world.group))
    assert page.context["form"] is None
    assert "This programme is closed. The wishes can no longer be changed." in page.content.decode()
    response = client.post(wishes_url(world.group), {**CHANGED, "version": "1"}, follow=True)
    assert "This programme is closed." in response.content.decode()
    client.post(agree_url(world.group), {"version": "1"})
    assert GroupWishes.objects.get(group=world.group).version == 1
    assert not WishesAgreement.objects.exists()


# Performance


def test_the_wishes_page_makes_as_many_queries_for_9_mentees_as_for_3(as_user, world):
    for _ in range(2):
        add_to_group(world.group, UserFactory(), GroupRole.MENTEE)
    client = as_user(world.mentee)
    url = wishes_url(world.group)
    start_wishes(world.group)
    small = count_queries(client, url)
    for _ in range(6):
        agree(
            wishes=world.group.wishes, user=add_to_group(world.group, UserFactory(), GroupRole.MENTEE).user, version=1
        )
    assert count_queries(client, url) == small == 6
