"""A mentor's page in the bank: their profile, every programme and group they mentored, and coordinators'
feedback, for any coordinator; nobody else."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupRole
from mentoring.tests.factories import (
    MentoringGroupFactory,
    MentorProfileFactory,
    ProgrammeFactory,
    UserFactory,
    add_to_group,
)
from mentoring.tests.querycount import count_queries
from programmes.models import (
    Engagement,
    MembershipStatus,
    MentorFeedback,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
)
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return reverse("bank:mentor", kwargs={"user_pk": person.pk})


@pytest.fixture
def history(world):
    """Mina Mentor: in the bank; mentors Group A of Pathways now; mentored North and South of Bridges (closed);
    withdrew from Compass before any group. Otto wrote feedback on her for Bridges."""
    MentorProfileFactory(
        user=world.mentor,
        expertise="Nursing, Job interviews",
        background="Ward manager for twenty years.",
        languages="English, Arabic",
        engagement=Engagement.PAID,
        available_mornings=True,
        available_evenings=False,
        availability_note="Not in August.",
        max_groups=2,
    )
    bridges = ProgrammeFactory(
        name="Bridges",
        status=ProgrammeStatus.CLOSED,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 10, 31),
    )
    ProgrammeMembership.objects.create(programme=bridges, user=world.other_coordinator, role=Role.COORDINATOR)
    for name in ["North", "South"]:
        add_to_group(MentoringGroupFactory(programme=bridges, name=name), world.mentor, GroupRole.MENTOR)
    MentoringGroupFactory(programme=bridges, name="West")  # a group of Bridges she did not mentor
    compass = ProgrammeFactory(name="Compass", starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 9, 30))
    ProgrammeMembership.objects.create(
        programme=compass,
        user=world.mentor,
        role=Role.MENTOR,
        status=MembershipStatus.WITHDRAWN,
        left_at=timezone.now(),
    )
    MentorFeedback.objects.create(
        mentor=world.mentor,
        programme=bridges,
        rating=4,
        comment="Kept the group together through a hard winter.",
        written_by=world.other_coordinator,
    )
    return {"bridges": bridges, "compass": compass}


def test_a_coordinator_sees_the_profile(as_user, world, history):
    response = as_user(world.coordinator).get(url(world.mentor))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Mina Mentor",
        "Nursing, Job interviews",
        "Ward manager for twenty years.",
        "English, Arabic",
        "Weekday mornings",
        "Not in August.",
        "Paid",
        "Open to new programmes",
    ]:
        assert text in page
    profile = response.context["profile"]
    assert (profile.programmes_mentored, profile.groups_mentored, profile.feedback_count) == (3, 3, 1)


def test_the_history_lists_every_programme_with_the_groups_mentored_in_it(as_user, world, history):
    response = as_user(world.coordinator).get(url(world.mentor))
    rows = [
        (
            m.programme.name,
            m.programme.get_status_display(),
            m.get_status_display(),
            [g.name for g in m.programme.mentored_groups],
        )
        for m in response.context["history"]
    ]
    assert rows == [
        ("Pathways", "Running", "Active", ["Group A"]),
        ("Compass", "Running", "Withdrawn", []),
        ("Bridges", "Closed", "Active", ["North", "South"]),
    ]
    page = response.content.decode()
    assert "West" not in page
    # The coordinator's own programme links to it; the others are only named.
    assert reverse("programmes:detail", kwargs={"pk": world.programme.pk}) in page
    assert reverse("programmes:detail", kwargs={"pk": history["bridges"].pk}) not in page


def test_the_feedback_shows_programme_rating_comment_and_writer(as_user, world, history):
    response = as_user(world.coordinator).get(url(world.mentor))
    (entry,) = response.context["feedback"]
    assert (entry.programme.name, entry.rating, entry.written_by) == ("Bridges", 4, world.other_coordinator)
    page = response.content.decode()
    assert "Kept the group together through a hard winter." in page
    assert "Written by Otto Other" in page
    assert "4 of 5" in page


def test_a_mentor_with_no_history_or_feedback_gets_empty_states(as_user, world):
    newcomer = UserFactory(display_name="Nell Newcomer")
    MentorProfileFactory(user=newcomer)
    page = as_user(world.coordinator).get(url(newcomer)).content.decode()
    assert "Not a mentor in any programme yet." in page
    assert "No feedback yet." in page
    assert "You can write feedback for a programme you coordinate once this person has been a mentor" in page


def test_another_programmes_coordinator_sees_the_same_history(as_user, world, history):
    response = as_user(world.other_coordinator).get(url(world.mentor))
    assert response.status_code == 200
    assert len(response.context["history"]) == 3


def test_the_page_does_not_change_anything(as_user, world, history):
    """GET only; the forms post to their own addresses."""
    assert as_user(world.coordinator).post(url(world.mentor)).status_code == 405


# Who may see it


def test_anonymous_visitors_are_sent_to_sign_in(client, world, history):
    response = client.get(url(world.mentor))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "mentee", "mentor", "other_group_member"])
def test_people_who_coordinate_nothing_are_refused(as_user, world, history, persona):
    assert as_user(getattr(world, persona)).get(url(world.mentor)).status_code == 403


def test_someone_not_in_the_bank_is_not_found(as_user, world):
    assert as_user(world.coordinator).get(url(world.mentee)).status_code == 404
    assert as_user(world.coordinator).get(reverse("bank:mentor", kwargs={"user_pk": 999999})).status_code == 404


def test_an_erased_mentor_is_not_found(as_user, world, history):
    anonymise_person(user=world.mentor)
    assert as_user(world.coordinator).get(url(world.mentor)).status_code == 404


def test_refused_before_anything_is_looked_up(as_user, world):
    """A non-coordinator gets 403 even for a mentor who does not exist: the bank tells them nothing."""
    assert as_user(world.mentee).get(reverse("bank:mentor", kwargs={"user_pk": 999999})).status_code == 403


# Query count


def test_query_count_does_not_grow_with_the_history(as_user, world, history):
    client = as_user(world.coordinator)
    before = count_queries(client, url(world.mentor))
    for _ in range(5):
        programme = ProgrammeFactory()
        ProgrammeMembership.objects.create(programme=programme, user=world.coordinator, role=Role.COORDINATOR)
        for _ in range(2):
            add_to_group(MentoringGroupFactory(programme=programme), world.mentor, GroupRole.MENTOR)
        MentorFeedback.objects.create(mentor=world.mentor, programme=programme, rating=5, written_by=UserFactory())
    assert count_queries(client, url(world.mentor)) == before
    # Session, user, the door (which answers the navigation too), the profile, it again with its figures, the
    # programmes and their groups, the feedback, whether there is a programme to invite into and one to rate, and the
    # programmes of the feedback form (she mentors in all the coordinator's programmes: no invitation form).
    assert before == 11
