"""A mentor's own profile in the bank: they see it, edit it, and create it on their first save."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import MentorProfileFactory, UserFactory
from programmes.models import Engagement, MembershipStatus, MentorProfile, ProgrammeMembership

pytestmark = pytest.mark.django_db

URL = reverse("bank:my_profile")

GOOD = {
    "expertise": "Nursing,  job interviews, nursing",
    "background": "Ward manager.",
    "languages": "English, Arabic",
    "max_groups": "2",
    "availability": ["mornings", "weekends"],
    "availability_note": "Not in August.",
    "engagement": Engagement.EITHER,
    "motivation": "I was helped once.",
    "gender": "woman",
    "age_band": "45_59",
    "open_to_invitations": "on",
}


def test_a_mentor_without_a_profile_sees_an_empty_form_and_creates_it(as_user, world):
    client = as_user(world.mentor)
    response = client.get(URL)
    assert response.status_code == 200
    assert "You have no profile yet." in response.content.decode()
    assert not MentorProfile.objects.exists()  # nothing is created by looking

    response = client.post(URL, GOOD)
    assert response.status_code == 302
    assert response["Location"] == URL
    profile = MentorProfile.objects.get(user=world.mentor)
    assert profile.expertise == "Nursing, job interviews"  # tidied: no doubles, no extra spaces
    assert profile.languages == "English, Arabic"
    assert profile.availability == ["mornings", "weekends"]
    assert (profile.available_afternoons, profile.available_evenings) == (False, False)
    assert (profile.max_groups, profile.engagement, profile.gender, profile.age_band) == (2, "either", "woman", "45_59")
    assert profile.open_to_invitations is True
    assert profile.availability_note == "Not in August."


def test_a_mentor_edits_their_profile_and_the_date_moves(as_user, world):
    long_ago = timezone.now() - datetime.timedelta(days=100)
    MentorProfileFactory(user=world.mentor, updated=long_ago, available_evenings=True)
    client = as_user(world.mentor)
    form = client.get(URL).context["form"]
    assert form["availability"].value() == ["evenings"]
    assert form["expertise"].value() == "Health care, Job interviews"

    data = {**GOOD, "availability": ["afternoons"], "gender": "", "age_band": ""}
    del data["open_to_invitations"]  # unticked
    assert client.post(URL, data).status_code == 302
    profile = MentorProfile.objects.get(user=world.mentor)
    assert profile.availability == ["afternoons"]
    assert (profile.gender, profile.age_band) == ("", "")
    assert profile.open_to_invitations is False
    assert profile.updated > long_ago


def test_a_past_mentor_with_a_profile_keeps_access(as_user, world):
    """They left every programme, but their profile stays theirs to keep up to date."""
    ProgrammeMembership.objects.filter(user=world.mentor).update(status=MembershipStatus.WITHDRAWN)
    MentorProfileFactory(user=world.mentor)
    assert as_user(world.mentor).get(URL).status_code == 200


def test_someone_in_the_bank_without_any_programme_has_access(as_user, world):
    person = UserFactory()
    MentorProfileFactory(user=person)
    assert as_user(person).get(URL).status_code == 200


def test_a_withdrawn_mentor_without_a_profile_is_refused(as_user, world):
    ProgrammeMembership.objects.filter(user=world.mentor).update(status=MembershipStatus.WITHDRAWN)
    assert as_user(world.mentor).get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["outsider", "mentee", "other_group_member", "coordinator", "other_coordinator"])
def test_people_who_are_not_mentors_are_refused(as_user, world, persona):
    client = as_user(getattr(world, persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, GOOD).status_code == 403
    assert not MentorProfile.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response["Location"].startswith(reverse("account_login"))


def test_wrong_method(as_user, world):
    assert as_user(world.mentor).put(URL).status_code == 405


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"max_groups": "0"}, "max_groups"),
        ({"max_groups": "6"}, "max_groups"),
        ({"max_groups": "many"}, "max_groups"),
        ({"engagement": "barter"}, "engagement"),
        ({"engagement": ""}, "engagement"),
        ({"availability": ["midnight"]}, "availability"),
        ({"gender": "other"}, "gender"),
        ({"age_band": "ancient"}, "age_band"),
        ({"languages": "x" * 201}, "languages"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(as_user, world, change, field):
    client = as_user(world.mentor)
    response = client.post(URL, {**GOOD, **change})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not MentorProfile.objects.exists()
