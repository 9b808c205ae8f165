import pytest
from django.urls import reverse

from mentoring.tests.factories import MentoringGroupFactory, ProgrammeMembershipFactory, add_to_group

pytestmark = pytest.mark.django_db


def test_visitors_see_what_the_product_is_and_how_to_sign_in(client):
    text = client.get("/").content.decode()
    assert reverse("account_login") in text
    assert reverse("account_signup") in text


def test_coordinators_go_to_their_programmes(as_user, world):
    assert as_user(world.coordinator).get("/")["Location"] == reverse("programmes:list")


def test_a_mentee_in_one_group_goes_straight_to_it(as_user, world):
    assert as_user(world.mentee).get("/")["Location"] == reverse("groups:detail", kwargs={"pk": world.group.pk})


def test_a_mentor_of_several_groups_goes_to_the_list(as_user, world):
    add_to_group(MentoringGroupFactory(programme=world.programme), world.mentor, "mentor")
    assert as_user(world.mentor).get("/")["Location"] == reverse("groups:list")


def test_a_person_who_both_coordinates_and_mentors_goes_to_the_programmes(as_user, world):
    ProgrammeMembershipFactory(programme=world.programme, user=world.mentor, role="coordinator")
    assert as_user(world.mentor).get("/")["Location"] == reverse("programmes:list")


def test_an_accepted_mentee_waiting_for_a_group_sees_the_programme(as_user, world):
    ProgrammeMembershipFactory(programme=world.programme, user=world.outsider, role="mentee")
    text = as_user(world.outsider).get("/").content.decode()
    assert "Pathways" in text
    assert "Your group will appear here" in text


def test_someone_with_no_role_is_told_how_to_join(as_user, world):
    text = as_user(world.outsider).get("/").content.decode()
    assert "You are not part of a programme yet." in text
    assert "invitation" in text


def test_navigation_shows_each_person_what_their_roles_allow(as_user, world):
    coordinator_page = as_user(world.coordinator).get(reverse("programmes:list")).content.decode()
    assert 'href="/programmes/"' in coordinator_page
    mentee_page = as_user(world.mentee).get(reverse("groups:list")).content.decode()
    assert 'href="/programmes/"' not in mentee_page
    assert 'href="/groups/"' in mentee_page
    assert 'href="/admin/"' not in mentee_page


def test_sign_out_in_the_navigation_is_a_post_form(as_user, world):
    text = as_user(world.mentee).get(reverse("groups:list")).content.decode()
    assert f'<form method="post" action="{reverse("account_logout")}"' in text


def test_every_page_has_a_skip_link_landmarks_and_a_language_switcher(client):
    text = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in text
    assert '<main id="main"' in text
    assert "<header>" in text and "<footer" in text and "<nav" in text
    assert 'name="language"' in text and '<label for="language-switcher"' in text
    assert 'lang="en"' in text
