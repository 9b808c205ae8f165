import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupRole
from mentoring.tests.factories import (
    ApplicationFactory,
    MentoringGroupFactory,
    ProgrammeEventFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
    add_to_group,
)
from mentoring.tests.querycount import count_queries
from programmes.models import ApplicationStatus, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db


def event_for(world, **fields):
    fields.setdefault("for_mentors", False)
    return ProgrammeEventFactory(programme=world.programme, created_by=world.coordinator, **fields)


def test_visitors_see_what_the_product_is_and_how_to_sign_in(client):
    text = client.get("/").content.decode()
    assert reverse("account_login") in text
    assert reverse("account_signup") in text


def test_coordinators_go_to_their_programmes(as_user, world):
    assert as_user(world.coordinator).get("/")["Location"] == reverse("programmes:list")


def test_a_person_who_both_coordinates_and_mentors_goes_to_the_programmes(as_user, world):
    ProgrammeMembershipFactory(programme=world.programme, user=world.mentor, role="coordinator")
    assert as_user(world.mentor).get("/")["Location"] == reverse("programmes:list")


def test_a_mentee_sees_their_group_with_its_programme_and_their_role(as_user, world):
    response = as_user(world.mentee).get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your groups" in text
    assert f'<a href="{reverse("groups:detail", kwargs={"pk": world.group.pk})}">Group A</a>' in text
    assert "Pathways · Mentee" in text
    assert "Group B" not in text


def test_a_mentor_of_several_groups_sees_each_of_them(as_user, world):
    add_to_group(MentoringGroupFactory(programme=world.programme, name="Group C"), world.mentor, "mentor")
    text = as_user(world.mentor).get("/").content.decode()
    assert "Group A" in text and "Group C" in text
    assert "Pathways · Mentor" in text


def test_an_accepted_mentee_waiting_for_a_group_sees_the_programme(as_user, world):
    ProgrammeMembershipFactory(programme=world.programme, user=world.outsider, role="mentee")
    text = as_user(world.outsider).get("/").content.decode()
    assert "Pathways" in text
    assert "Your group will appear here" in text


def test_a_member_of_one_programme_waiting_in_another_sees_both(as_user, world):
    later = ProgrammeFactory(name="Next year", status=ProgrammeStatus.MATCHING)
    ProgrammeMembershipFactory(programme=later, user=world.mentee, role="mentee")
    text = as_user(world.mentee).get("/").content.decode()
    assert "Group A" in text
    assert "Your group will appear here" in text and "Next year" in text


def test_someone_with_no_role_is_told_how_to_join(as_user, world):
    text = as_user(world.outsider).get("/").content.decode()
    assert "You are not part of a programme yet." in text
    assert "invitation" in text
    assert "Upcoming events" not in text


def test_invitees_see_their_upcoming_events_in_their_own_zone(as_user, world):
    world.mentee.time_zone = "Asia/Tokyo"
    world.mentee.save()
    event_for(
        world,
        title="Goal setting",
        for_mentees=True,
        starts_at=datetime.datetime(2035, 3, 6, 23, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2035, 3, 7, 1, 0, tzinfo=datetime.UTC),
        place="",
        link="https://meet.example.org/goals",
    )
    text = as_user(world.mentee).get("/").content.decode()
    assert "Goal setting" in text
    assert "Other event" in text  # the kind
    assert "Pathways" in text  # the programme
    assert "March 7, 2035, 8 a.m." in text  # 23:00 UTC is 8:00 the next morning in Tokyo
    assert "(Asia/Tokyo)" in text
    assert 'href="https://meet.example.org/goals"' in text


def test_a_mentee_does_not_see_a_mentors_training(as_user, world):
    event_for(world, title="Training for the mentors only", for_mentors=True)
    assert "Training for the mentors only" in as_user(world.mentor).get("/").content.decode()
    text = as_user(world.mentee).get("/").content.decode()
    assert "Training for the mentors only" not in text
    assert "Nothing is planned for you at the moment." in text


def test_a_group_invitation_reaches_that_group_only(as_user, world):
    visit = event_for(world, title="Visit to Group B")
    visit.groups.add(world.other_group)
    assert "Visit to Group B" in as_user(world.other_group_member).get("/").content.decode()
    assert "Visit to Group B" not in as_user(world.mentee).get("/").content.decode()


def test_cancelled_and_past_events_are_not_shown_and_at_most_ten_are(as_user, world):
    now = timezone.now()
    event_for(world, title="Called off", for_mentees=True, cancelled_at=now)
    event_for(world, title="Last week", for_mentees=True, starts_at=now - datetime.timedelta(days=7))
    for n in range(12):
        event_for(world, title=f"Session {n:02}", for_mentees=True, starts_at=now + datetime.timedelta(days=n + 1))
    response = as_user(world.mentee).get("/")
    assert [event.title for event in response.context["events"]] == [f"Session {n:02}" for n in range(10)]
    text = response.content.decode()
    assert "Called off" not in text and "Last week" not in text


def test_applicants_see_their_applications_and_their_status(as_user, world):
    ApplicationFactory(applicant=world.outsider, programme=ProgrammeFactory(name="Autumn cohort"))
    ApplicationFactory(
        applicant=world.outsider,
        programme=ProgrammeFactory(name="Spring cohort"),
        role="mentor",
        status=ApplicationStatus.WAITLISTED,
    )
    text = as_user(world.outsider).get("/").content.decode()
    assert "Your applications" in text
    assert "Autumn cohort" in text and "Spring cohort" in text
    assert "New" in text and "On the waiting list" in text
    assert "You are not part of a programme yet." not in text


def test_the_home_page_query_count_stays_flat(as_user, world):
    client = as_user(world.mentee)
    ApplicationFactory(applicant=world.mentee)
    small = count_queries(client, "/")
    for _ in range(5):
        group = MentoringGroupFactory(programme=ProgrammeFactory())
        add_to_group(group, world.mentee, "mentee")
        ApplicationFactory(applicant=world.mentee)
        for_group = ProgrammeEventFactory(programme=group.programme, for_mentors=False)
        for_group.groups.add(group)
        event_for(world, for_mentees=True)
        ProgrammeMembershipFactory(programme=ProgrammeFactory(), user=world.mentee)  # waiting for a group
    response = client.get("/")
    assert len(response.context["events"]) == 10
    assert len(response.context["group_memberships"]) == 6
    # session, user, navigation, groups, memberships, events, applications, the surveys waiting for an answer
    # (one query however many: see feedback/tests/test_respond_my_surveys.py), the right to create (2), and a
    # mentee's next steps (4: next session, goals, action items, missed briefings; see test_home_next_steps.py)
    assert count_queries(client, "/") == small == 14


def test_navigation_shows_each_person_what_their_roles_allow(as_user, world):
    coordinator_page = as_user(world.coordinator).get(reverse("programmes:list")).content.decode()
    assert 'href="/programmes/"' in coordinator_page
    mentee_page = as_user(world.mentee).get(reverse("groups:list")).content.decode()
    assert 'href="/programmes/"' not in mentee_page
    assert 'href="/groups/"' in mentee_page
    assert 'href="/admin/"' not in mentee_page


def menu(client, url: str) -> set[str]:
    """The navigation's links to programmes and to groups on the page at ``url``."""
    page = client.get(url).content.decode()
    return {
        name for name, link in (("programmes", 'href="/programmes/"'), ("groups", 'href="/groups/"')) if link in page
    }


def test_the_navigation_is_right_where_a_door_answered_its_questions(as_user, world):
    """A group's door, a programme's door and the bank's tell the navigation what they found out; each answer must
    be the person's, not only what the page's own programme or group says."""
    group_page = reverse("groups:detail", kwargs={"pk": world.group.pk})
    dashboard = reverse("reports:dashboard", kwargs={"pk": world.programme.pk})
    bank = reverse("bank:search")
    assert menu(as_user(world.mentor), group_page) == {"groups"}
    assert menu(as_user(world.coordinator), group_page) == {"programmes"}
    assert menu(as_user(world.coordinator), dashboard) == {"programmes"}
    assert menu(as_user(world.coordinator), bank) == {"programmes"}
    ProgrammeMembership.objects.create(programme=world.other_programme, user=world.mentor, role=Role.COORDINATOR)
    add_to_group(MentoringGroupFactory(programme=world.other_programme), world.coordinator, GroupRole.MENTEE)
    assert menu(as_user(world.mentor), group_page) == {"programmes", "groups"}  # coordinates elsewhere
    assert menu(as_user(world.coordinator), group_page) == {"programmes", "groups"}  # in a group elsewhere
    assert menu(as_user(world.coordinator), dashboard) == {"programmes", "groups"}
    assert menu(as_user(world.coordinator), bank) == {"programmes", "groups"}


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


def test_people_with_a_group_still_get_a_page_not_a_redirect(as_user, world):
    for person in (world.mentee, world.mentor, world.other_group_member, world.outsider):
        assert as_user(person).get("/").status_code == 200
