"""Each person's private calendar feed: one secret address, with their sessions and the programme events they are
invited to, that a calendar app subscribes to without signing in. The person can make a new address, and the old
one then stops working."""

import datetime
from unittest import mock

import icalendar
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from groups import calendars
from groups.models import GroupRole, Meeting, MeetingKind
from groups.services.scheduling import cancel_session, schedule_sessions
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeEventFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def feed_url(person) -> str:
    return reverse("calendar_feed", kwargs={"token": person.calendar_token})


def session(group, by, *, days=7, **fields) -> Meeting:
    """A session ``days`` from now (in the past when negative), written directly: scheduling refuses the past."""
    return Meeting.objects.create(
        group=group,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        place="Library",
        created_by=by,
        **fields,
    )


def feed_of(client, person) -> icalendar.Calendar:
    response = client.get(feed_url(person))
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content)


def uids(calendar) -> set[str]:
    return {str(event["uid"]) for event in calendar.events}


def uid(meeting) -> str:
    return f"{meeting.uid}@testserver"


# The feed ------------------------------------------------------------------------------------------------------


def test_the_feed_needs_no_sign_in_and_is_kept_private(client, world):
    response = client.get(feed_url(world.mentee))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Mentoring: Max Mentee"
    assert calendar.events == []  # nothing planned yet: an empty calendar, not an error


def test_the_feed_holds_the_persons_sessions_from_a_month_ago_on(client, world):
    upcoming = session(world.group, world.mentor, days=7)
    last_week = session(world.group, world.mentor, days=-7)
    long_ago = session(world.group, world.mentor, days=-40)
    other_groups = session(world.other_group, world.other_group_member)
    calendar = feed_of(client, world.mentee)
    assert uids(calendar) == {uid(upcoming), uid(last_week)}
    assert uid(long_ago) not in uids(calendar) and uid(other_groups) not in uids(calendar)
    [event] = [e for e in calendar.events if str(e["uid"]) == uid(upcoming)]
    assert event.decoded("dtstart") == upcoming.starts_at.astimezone(UTC).replace(microsecond=0)
    assert str(event["summary"]) == "Group A: session"
    assert str(event["status"]) == "CONFIRMED"


def test_check_ins_are_only_in_the_calendars_of_the_two_people_in_them(client, world):
    other_mentee = UserFactory(display_name="Mia Mentee")
    add_to_group(world.group, other_mentee, GroupRole.MENTEE)
    check_in = session(world.group, world.mentor, kind=MeetingKind.CHECK_IN, with_member=world.mentee)
    assert uid(check_in) in uids(feed_of(client, world.mentee))
    assert uid(check_in) in uids(feed_of(client, world.mentor))
    assert uid(check_in) not in uids(feed_of(client, other_mentee))


def test_a_cancelled_session_stays_in_the_feed_marked_cancelled(client, world):
    [meeting] = schedule_sessions(
        group=world.group, by=world.mentor, starts=[timezone.now() + datetime.timedelta(days=3)], minutes=90, place="X"
    )
    cancel_session(meeting=meeting, by=world.mentor)
    [event] = feed_of(client, world.mentee).events
    assert str(event["uid"]) == uid(meeting)
    assert (str(event["status"]), event["sequence"]) == ("CANCELLED", 1)


def test_the_sessions_of_a_group_the_person_left_are_no_longer_in_their_feed(client, world):
    meeting = session(world.group, world.mentor)
    world.group.memberships.filter(user=world.mentee).update(left_at=timezone.now())
    assert uid(meeting) not in uids(feed_of(client, world.mentee))


def test_the_feed_holds_the_programme_events_the_person_is_invited_to(client, world):
    for_mentors = ProgrammeEventFactory(programme=world.programme, title="Mentor training", for_mentors=True)
    for_the_group = ProgrammeEventFactory(programme=world.programme, title="Group A visit", for_mentors=False)
    for_the_group.groups.set([world.group])
    elsewhere = ProgrammeEventFactory(programme=world.other_programme, for_mentees=True)
    mentee_feed = feed_of(client, world.mentee)
    assert {str(e["summary"]) for e in mentee_feed.events} == {"Pathways: Group A visit"}
    mentor_feed = feed_of(client, world.mentor)
    assert {str(e["summary"]) for e in mentor_feed.events} == {"Pathways: Mentor training", "Pathways: Group A visit"}
    assert f"programme-event-{elsewhere.pk}@testserver" not in uids(mentor_feed)
    [training] = [e for e in mentor_feed.events if str(e["uid"]) == f"programme-event-{for_mentors.pk}@testserver"]
    assert training.decoded("dtstart") == for_mentors.starts_at.astimezone(UTC).replace(microsecond=0)
    assert str(training["location"]) == "Community centre, room 2"


def test_the_feed_is_written_in_its_owners_language_whoever_fetches_it(client, world):
    world.mentee.language = "de"
    world.mentee.save()
    languages = []
    real_feed = calendars.feed

    def feed(*args, **kwargs):
        languages.append(translation.get_language())
        return real_feed(*args, **kwargs)

    client.force_login(world.mentor)  # an English speaker opening Max's address
    with mock.patch("accounts.views.calendars.feed", side_effect=feed):
        assert client.get(feed_url(world.mentee)).status_code == 200
    assert languages == ["de"]


@pytest.mark.parametrize("token", ["not-anyones-token", ""])
def test_an_unknown_address_is_not_found(client, world, token):
    url = reverse("calendar_feed", kwargs={"token": token}) if token else "/calendar/.ics"
    assert client.get(url).status_code == 404


def test_the_address_of_an_account_that_is_closed_or_erased_stops_working(client, world):
    User.objects.filter(pk=world.mentee.pk).update(is_active=False)
    assert client.get(feed_url(world.mentee)).status_code == 404
    User.objects.filter(pk=world.mentor.pk).update(anonymised_at=timezone.now())
    assert client.get(feed_url(world.mentor)).status_code == 404


def test_the_feed_takes_only_get(client, world):
    assert client.post(feed_url(world.mentee)).status_code == 405


def test_the_feed_makes_the_same_number_of_queries_however_much_it_holds(client, world):
    session(world.group, world.mentor)
    session(world.group, world.mentor, kind=MeetingKind.CHECK_IN, with_member=world.mentee)
    ProgrammeEventFactory(programme=world.programme, for_mentees=True)
    small = count_queries(client, feed_url(world.mentee))
    second = MentoringGroupFactory(programme=world.programme)
    add_to_group(second, world.mentee, GroupRole.MENTEE)
    for days in range(1, 5):
        session(world.group, world.mentor, days=days)
        session(second, world.mentee, days=days)
    session(world.group, world.mentor, kind=MeetingKind.CHECK_IN, with_member=world.mentee, days=3)
    ProgrammeEventFactory(programme=world.programme, for_mentees=True)
    assert len(feed_of(client, world.mentee).events) == 13
    assert small == count_queries(client, feed_url(world.mentee)) == 3


# The calendar page ---------------------------------------------------------------------------------------------


def calendar_page():
    return reverse("accounts:calendar")


def test_the_calendar_page_shows_the_private_address_and_how_to_add_it(as_user, world):
    response = as_user(world.mentee).get(calendar_page())
    text = response.content.decode()
    assert response.status_code == 200
    address = f"https://testserver/calendar/{world.mentee.calendar_token}.ics"
    assert f'value="{address}"' in text
    assert f'href="webcal://testserver/calendar/{world.mentee.calendar_token}.ics"' in text
    for app in ("Google Calendar", "Apple Calendar", "Outlook"):
        assert app in text
    assert "Keep this address to yourself." in text


def test_the_account_menu_links_to_the_calendar_page(as_user, world):
    text = as_user(world.mentee).get(reverse("accounts:profile")).content.decode()
    assert f'href="{calendar_page()}"' in text


def test_a_new_address_replaces_the_old_one(as_user, client, world):
    old_url = feed_url(world.mentee)
    response = as_user(world.mentee).post(calendar_page(), follow=True)
    assert response.redirect_chain == [(calendar_page(), 302)]
    assert "Your calendar has a new address. The old one no longer works" in response.content.decode()
    world.mentee.refresh_from_db()
    assert feed_url(world.mentee) != old_url
    assert world.mentee.calendar_token in response.content.decode()
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(world.mentee)).status_code == 200


def test_the_calendar_page_is_for_people_who_are_signed_in(client):
    response = client.get(calendar_page())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The tokens ----------------------------------------------------------------------------------------------------


def test_everyone_gets_their_own_long_secret_token():
    people = [UserFactory() for _ in range(5)]
    tokens = {person.calendar_token for person in people}
    assert len(tokens) == 5
    assert all(len(token) >= 40 for token in tokens)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_people_who_already_had_an_account_each_their_own_token():
    before, after = [("accounts", "0002_user_anonymised_at")], [("accounts", "0003_user_calendar_token")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_user = executor.loader.project_state(before).apps.get_model("accounts", "User")
    for n in range(3):
        old_user.objects.create(email=f"person{n}@example.org", display_name=f"Person {n}", password="!")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to where the other tests expect the schema
    tokens = list(User.objects.values_list("calendar_token", flat=True))
    assert len(tokens) == 3 and len(set(tokens)) == 3 and all(tokens)
