"""A coordinator plans trainings and other programme events, changes and cancels them, and sees them listed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import ProgrammeEventFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from outbox.models import OutgoingEmail
from programmes.models import (
    AttendanceStatus,
    EventAttendance,
    EventKind,
    Programme,
    ProgrammeEvent,
    ProgrammeStatus,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC

VALID = {
    "kind": EventKind.MENTOR_TRAINING,
    "title": "Getting started as a mentor",
    "description": "How the first session works.",
    "date": "2035-03-06",
    "start_time": "18:00",
    "end_time": "20:30",
    "place": "Community centre, room 2",
    "link": "",
    "roles": ["mentors"],
}


def url(name, world, event=None):
    kwargs = {"pk": world.programme.pk}
    if event is not None:
        kwargs["event_pk"] = event.pk
    return reverse(f"programmes:{name}", kwargs=kwargs)


def make_event(world, **fields):
    return ProgrammeEventFactory(programme=world.programme, created_by=world.coordinator, **fields)


def close(programme):
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)


# Planning an event


def test_coordinator_plans_a_training_for_the_mentors(as_user, world):
    response = as_user(world.coordinator).post(url("event_create", world), VALID, follow=True)
    event = world.programme.events.get()
    assert response.redirect_chain == [(url("events", world), 302)]
    assert "The event is planned." in response.content.decode()
    assert event.title == "Getting started as a mentor"
    assert event.kind == EventKind.MENTOR_TRAINING
    assert event.for_mentors and not event.for_mentees
    assert event.created_by == world.coordinator
    assert OutgoingEmail.objects.count() == 0  # nobody is emailed unless asked


def test_times_are_entered_in_the_programmes_zone_and_stored_in_utc(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(time_zone="America/New_York")
    as_user(world.coordinator).post(url("event_create", world), VALID)
    event = world.programme.events.get()
    assert event.starts_at == datetime.datetime(2035, 3, 6, 23, 0, tzinfo=UTC)  # 18:00 in New York, winter time
    assert event.ends_at == datetime.datetime(2035, 3, 7, 1, 30, tzinfo=UTC)


def test_the_form_says_which_zone_the_times_are_in(as_user, world):
    text = as_user(world.coordinator).get(url("event_create", world)).content.decode()
    assert "Enter the times in the programme's time zone: Europe/Berlin." in text
    assert text.count("Time in Europe/Berlin.") == 2  # beside the start and the end


def test_each_person_sees_the_times_in_their_own_zone(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(time_zone="America/New_York")
    as_user(world.coordinator).post(url("event_create", world), {**VALID, "roles": ["mentees"]})
    world.mentee.time_zone = "Asia/Tokyo"
    world.mentee.save()
    home = as_user(world.mentee).get(reverse("home")).content.decode()
    assert "March 7, 2035, 8 a.m." in home  # 18:00 in New York is 8:00 the next morning in Tokyo
    assert "10:30 a.m." in home
    listing = as_user(world.coordinator).get(url("events", world)).content.decode()  # the coordinator is in Berlin
    assert "March 7, 2035, midnight" in listing
    assert "March 6, 2035, 6 p.m." in listing  # and in the programme's zone beside it
    assert "(America/New_York)" in listing


def test_an_empty_title_becomes_the_kind_of_event(as_user, world):
    as_user(world.coordinator).post(url("event_create", world), {**VALID, "title": "  "})
    assert world.programme.events.get().title == "Training for mentors"


def test_groups_of_the_programme_can_be_invited(as_user, world):
    data = {**VALID, "roles": [], "groups": [world.group.pk, world.other_group.pk], "link": "meet.example.org/x"}
    as_user(world.coordinator).post(url("event_create", world), data)
    event = world.programme.events.get()
    assert set(event.groups.all()) == {world.group, world.other_group}
    assert not event.for_mentors and not event.for_mentees
    assert event.link == "https://meet.example.org/x"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "17:00"}, "end_time", "The event must end after it starts."),
        ({"end_time": "18:00"}, "end_time", "The event must end after it starts."),
        ({"place": " ", "link": ""}, "place", "Give a place, a video link, or both."),
        ({"roles": []}, "roles", "Invite all mentors, all mentees, or at least one group."),
        ({"link": "not a link"}, "link", "Enter a valid URL."),
        ({"date": "2035-02-30"}, "date", "Enter a valid date."),
        ({"kind": "party"}, "kind", "Select a valid choice. party is not one of the available choices."),
        (
            {"date": "2035-03-25", "start_time": "02:30", "end_time": "04:00"},
            "start_time",
            "This time does not exist on that day: the clocks change. Please choose another.",
        ),
    ],
)
def test_bad_input_is_reported_at_its_field_and_nothing_is_saved(as_user, world, changes, field, message):
    response = as_user(world.coordinator).post(url("event_create", world), {**VALID, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not ProgrammeEvent.objects.exists()


def test_an_empty_form_is_reported_field_by_field(as_user, world):
    response = as_user(world.coordinator).post(url("event_create", world), {})
    assert set(response.context["form"].errors) == {"kind", "date", "start_time", "end_time", "place", "roles"}


def test_a_group_of_another_programme_cannot_be_invited(as_user, world):
    from mentoring.tests.factories import MentoringGroupFactory

    elsewhere = MentoringGroupFactory(programme=world.other_programme)
    response = as_user(world.coordinator).post(url("event_create", world), {**VALID, "groups": [elsewhere.pk]})
    assert "groups" in response.context["form"].errors
    assert not ProgrammeEvent.objects.exists()


def test_a_programme_without_groups_says_so_on_the_form(as_user, world):
    from mentoring.tests.factories import ProgrammeFactory
    from programmes.models import ProgrammeMembership, Role

    bare = ProgrammeFactory()
    ProgrammeMembership.objects.create(programme=bare, user=world.coordinator, role=Role.COORDINATOR)
    text = as_user(world.coordinator).get(reverse("programmes:event_create", kwargs={"pk": bare.pk})).content.decode()
    assert "This programme has no groups yet" in text


# Changing and cancelling


def test_coordinator_edits_an_event_with_the_times_shown_in_the_programmes_zone(as_user, world):
    event = make_event(world, starts_at=datetime.datetime(2035, 3, 6, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
    event.groups.add(world.group)
    client = as_user(world.coordinator)
    initial = client.get(url("event_edit", world, event)).context["form"].initial
    assert (initial["date"], initial["start_time"], initial["end_time"]) == (
        datetime.date(2035, 3, 6),
        datetime.time(18, 0),
        datetime.time(21, 0),
    )
    assert initial["roles"] == ["mentors"] and initial["groups"] == [world.group.pk]
    response = client.post(url("event_edit", world, event), {**VALID, "title": "Moved", "start_time": "19:00"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Moved"
    assert event.starts_at == datetime.datetime(2035, 3, 6, 18, 0, tzinfo=UTC)
    assert list(event.groups.all()) == []


def test_coordinator_cancels_an_event_and_it_stays_in_the_list(as_user, world):
    event = make_event(world, title="Spring training")
    client = as_user(world.coordinator)
    response = client.post(url("event_cancel", world, event), follow=True)
    event.refresh_from_db()
    assert event.is_cancelled
    text = response.content.decode()
    assert "“Spring training” is cancelled." in text
    assert "<s>Spring training</s>" in text
    assert OutgoingEmail.objects.count() == 0


def test_cancelling_twice_is_explained(as_user, world):
    event = make_event(world, cancelled_at=timezone.now())
    response = as_user(world.coordinator).post(url("event_cancel", world, event), follow=True)
    assert "This event was already cancelled." in response.content.decode()


def test_a_cancelled_event_cannot_be_edited(as_user, world):
    event = make_event(world, cancelled_at=timezone.now(), title="Gone")
    client = as_user(world.coordinator)
    response = client.post(url("event_edit", world, event), {**VALID, "title": "Back"}, follow=True)
    event.refresh_from_db()
    assert event.title == "Gone"
    assert "This event is cancelled." in response.content.decode()
    assert client.get(url("event_edit", world, event)).status_code == 302


@pytest.mark.parametrize("name", ["event_create", "event_edit"])
def test_a_closed_programmes_events_cannot_be_changed(as_user, world, name):
    event = make_event(world, title="Kept")
    close(world.programme)
    client = as_user(world.coordinator)
    target = url(name, world, event if name == "event_edit" else None)
    response = client.post(target, {**VALID, "title": "Changed"}, follow=True)
    assert "This programme is closed. Its events can no longer be changed." in response.content.decode()
    assert list(ProgrammeEvent.objects.values_list("title", flat=True)) == ["Kept"]
    assert client.get(target).status_code == 302


def test_a_closed_programmes_event_cannot_be_cancelled(as_user, world):
    event = make_event(world)
    close(world.programme)
    as_user(world.coordinator).post(url("event_cancel", world, event))
    event.refresh_from_db()
    assert not event.is_cancelled


# The list


def test_the_list_shows_upcoming_and_past_events_with_who_is_invited(as_user, world):
    now = timezone.now()
    coming = make_event(world, title="Mentor training", for_mentors=True, link="https://meet.example.org/t")
    coming.groups.add(world.other_group)
    past = make_event(
        world, title="Kick-off", for_mentors=False, for_mentees=True, starts_at=now - datetime.timedelta(days=3)
    )
    EventAttendance.objects.create(
        event=past, user=world.mentee, status=AttendanceStatus.PRESENT, recorded_by=world.coordinator
    )
    EventAttendance.objects.create(
        event=past, user=world.other_group_member, status=AttendanceStatus.EXCUSED, recorded_by=world.coordinator
    )
    response = as_user(world.coordinator).get(url("events", world))
    assert [e.title for e in response.context["upcoming"]] == ["Mentor training"]
    assert [e.title for e in response.context["past"]] == ["Kick-off"]
    assert response.context["upcoming"][0].invitee_count == 2  # the mentor, and Group B's mentee
    assert response.context["past"][0].invitee_count == 2
    text = response.content.decode()
    assert "All mentors" in text and "Group B" in text
    assert 'href="https://meet.example.org/t"' in text
    assert "1 present, 1 absent with notice, 0 absent" in text
    assert "Not recorded yet" in text
    assert text.count("Cancel event") == 1  # a past event is not cancelled


def test_the_list_has_an_empty_state_that_says_what_to_do(as_user, world):
    text = as_user(world.coordinator).get(url("events", world)).content.decode()
    assert "No events planned." in text
    assert "Plan an event" in text


def test_a_closed_programmes_list_offers_no_changes(as_user, world):
    make_event(world)
    close(world.programme)
    text = as_user(world.coordinator).get(url("events", world)).content.decode()
    assert url("event_create", world) not in text
    assert "Cancel event" not in text
    assert "read-only archive" in text


def _grow(world, events: int) -> None:
    now = timezone.now()
    for n in range(events):
        event = make_event(world, starts_at=now + datetime.timedelta(days=n - events // 2), for_mentees=True)
        event.groups.add(world.group, world.other_group)
        person = UserFactory()
        add_to_group(world.other_group, person, "mentee")
        EventAttendance.objects.create(
            event=event, user=person, status=AttendanceStatus.PRESENT, recorded_by=world.coordinator
        )


def test_the_list_query_count_stays_flat(as_user, world):
    client = as_user(world.coordinator)
    _grow(world, 2)
    small = count_queries(client, url("events", world))
    _grow(world, 10)
    assert count_queries(client, url("events", world)) == small == 5


# Who may do what


@pytest.mark.parametrize("name", ["events", "event_create", "event_edit", "event_attendance"])
def test_people_without_the_coordinator_role_are_refused(as_user, world, name):
    event = make_event(world)
    target = url(name, world, None if name in ("events", "event_create") else event)
    assert as_user(world.mentor).get(target).status_code == 403
    assert as_user(world.other_coordinator).get(target).status_code == 404
    assert as_user(world.outsider).get(target).status_code == 404


def test_only_post_cancels_and_other_methods_are_refused(as_user, world):
    event = make_event(world)
    client = as_user(world.coordinator)
    assert client.get(url("event_cancel", world, event)).status_code == 405
    assert client.post(url("events", world)).status_code == 405
    assert client.put(url("event_create", world)).status_code == 405
    assert client.delete(url("event_edit", world, event)).status_code == 405
    event.refresh_from_db()
    assert not event.is_cancelled


def test_an_event_of_another_programme_is_not_found_through_this_one(as_user, world):
    elsewhere = ProgrammeEventFactory(programme=world.other_programme, created_by=world.other_coordinator)
    client = as_user(world.coordinator)
    for name in ("event_edit", "event_attendance"):
        assert client.get(url(name, world, elsewhere)).status_code == 404
    assert client.post(url("event_cancel", world, elsewhere)).status_code == 404
    elsewhere.refresh_from_db()
    assert not elsewhere.is_cancelled
