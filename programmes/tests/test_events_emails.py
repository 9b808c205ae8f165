"""Telling the invitees by email: an invitation when an event is planned, the new details when it changes, a
note when it is cancelled. Each email is queued once per person and written in their language and time zone."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import ProgrammeEventFactory
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import Programme, ProgrammeEvent, ProgrammeMembership
from programmes.services.events import cancel_event, create_event, update_event

pytestmark = pytest.mark.django_db

UTC = datetime.UTC

TRAINING = {
    "kind": "mentee_training",
    "title": "How to set goals",
    "description": "Bring one goal you care about.",
    "date": "2035-03-06",
    "start_time": "18:00",
    "end_time": "20:00",
    "place": "Library, room 4",
    "link": "https://meet.example.org/goals",
    "roles": ["mentees"],
}


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


@pytest.fixture
def new_york(world):
    Programme.objects.filter(pk=world.programme.pk).update(time_zone="America/New_York")
    world.programme.refresh_from_db()
    return world.programme


def mail_to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def plan(client, world, django_capture_on_commit_callbacks, **changes):
    url = reverse("programmes:event_create", kwargs={"pk": world.programme.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**TRAINING, "notify": "on", **changes}, follow=True)
    assert "The invitees will get an email." in response.content.decode()
    return world.programme.events.get()


def test_each_invitee_gets_one_invitation_with_the_time_in_both_zones(
    as_user, world, new_york, worker, django_capture_on_commit_callbacks
):
    world.mentee.time_zone = "Asia/Tokyo"
    world.mentee.save()
    event = plan(as_user(world.coordinator), world, django_capture_on_commit_callbacks)
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        world.mentee.email,
        world.other_group_member.email,
    ]
    assert set(OutgoingEmail.objects.values_list("kind", flat=True)) == {"programmes.event"}
    assert OutgoingEmail.objects.filter(key=f"programmes.event:{event.pk}:{world.mentee.pk}:invited").exists()
    assert mail_to(world.mentor) == []  # a mentees' training
    [message] = mail_to(world.mentee)
    assert message.subject == "Invitation: How to set goals on March 7, 2035"  # the date in Tokyo
    body = message.body
    assert "Hello Max," in body
    assert "When, in your time zone (Asia/Tokyo): Wednesday, March 7, 2035, 8 a.m.–10 a.m." in body
    assert "When, in the programme's time zone (America/New_York): Tuesday, March 6, 2035, 6 p.m.–8 p.m." in body
    assert "Place: Library, room 4" in body
    assert "Online: https://meet.example.org/goals" in body
    assert "Bring one goal you care about." in body
    assert "Your upcoming events are on your home page:\nhttps://testserver/\n" in body
    html = message.alternatives[0][0]
    assert '<a href="https://meet.example.org/goals">' in html
    assert "8 a.m." in html and "6 p.m." in html


def test_someone_in_the_programmes_zone_sees_the_time_once(as_user, world, worker, django_capture_on_commit_callbacks):
    plan(as_user(world.coordinator), world, django_capture_on_commit_callbacks)  # Berlin, like everyone
    [message] = mail_to(world.mentee)
    assert "When, in your time zone (Europe/Berlin): Tuesday, March 6, 2035, 6 p.m.–8 p.m." in message.body
    assert "programme's time zone" not in message.body


def test_the_email_is_written_in_the_recipients_language(as_user, world, worker, django_capture_on_commit_callbacks):
    world.mentee.language = "de"
    world.mentee.save()
    plan(as_user(world.coordinator), world, django_capture_on_commit_callbacks)
    assert OutgoingEmail.objects.get(to=world.mentee.email).language == "de"
    [message] = mail_to(world.mentee)
    assert "Dienstag, 6. März 2035, 18:00–20:00" in message.body  # German dates and times
    [english] = mail_to(world.other_group_member)
    assert "Tuesday, March 6, 2035, 6 p.m.–8 p.m." in english.body


def test_without_the_box_ticked_nobody_is_emailed(as_user, world, django_capture_on_commit_callbacks):
    url = reverse("programmes:event_create", kwargs={"pk": world.programme.pk})
    with django_capture_on_commit_callbacks() as callbacks:
        as_user(world.coordinator).post(url, TRAINING)
    assert callbacks == []
    assert not OutgoingEmail.objects.exists()


def test_an_edit_sends_the_new_details_to_those_told_and_the_invitation_to_newcomers(
    world, worker, django_capture_on_commit_callbacks
):
    fields = {
        "kind": "other",
        "title": "Open evening",
        "starts_at": datetime.datetime(2035, 3, 6, 17, 0, tzinfo=UTC),
        "ends_at": datetime.datetime(2035, 3, 6, 19, 0, tzinfo=UTC),
        "place": "Town hall",
        "for_mentees": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        event = create_event(programme=world.programme, by=world.coordinator, notify=True, **fields)
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        update_event(event=event, notify=True, **{**fields, "for_mentors": True, "place": "Town hall, upstairs"})
    assert [m.subject for m in mail_to(world.mentee)] == [
        "Invitation: Open evening on March 6, 2035",
        "Changed: Open evening on March 6, 2035",
    ]
    assert "Town hall, upstairs" in mail_to(world.mentee)[1].body
    assert [m.subject for m in mail_to(world.mentor)] == ["Invitation: Open evening on March 6, 2035"]
    assert OutgoingEmail.objects.count() == 5


def invite_the_mentors(world, django_capture_on_commit_callbacks):
    """An event for the mentors, planned with the box ticked; the emails are queued but not yet sent."""
    with django_capture_on_commit_callbacks() as callbacks:
        event = create_event(
            programme=world.programme,
            by=world.coordinator,
            notify=True,
            kind="mentor_training",
            title="Mentor training",
            starts_at=timezone.now() + datetime.timedelta(days=3),
            ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
            link="https://meet.example.org/m",
            for_mentors=True,
        )
    assert len(callbacks) == 1
    return event


def test_an_edit_without_the_box_ticked_emails_nobody(world, django_capture_on_commit_callbacks):
    event = invite_the_mentors(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks() as callbacks:
        update_event(event=event, **{f: getattr(event, f) for f in ("kind", "title", "starts_at", "ends_at", "link")})
    assert callbacks == []
    assert OutgoingEmail.objects.count() == 1


def test_cancelling_with_the_box_ticked_tells_every_invitee(as_user, world, worker, django_capture_on_commit_callbacks):
    event = ProgrammeEventFactory(
        programme=world.programme, created_by=world.coordinator, title="Mentor circle", for_mentees=True
    )
    url = reverse("programmes:event_cancel", kwargs={"pk": world.programme.pk, "event_pk": event.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.coordinator).post(url, {"notify": "on"}, follow=True)
    assert "“Mentor circle” is cancelled. The invitees will get an email." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.mentor.email, world.mentee.email, world.other_group_member.email]
    )
    assert all(m.subject.startswith("Cancelled: Mentor circle on ") for m in mail.outbox)
    assert "It will not take place." in mail.outbox[0].body
    assert set(OutgoingEmail.objects.values_list("kind", flat=True)) == {"programmes.event_cancelled"}


def test_an_invitation_not_yet_sent_is_dropped_when_the_event_is_cancelled(world, django_capture_on_commit_callbacks):
    event = invite_the_mentors(world, django_capture_on_commit_callbacks)
    cancel_event(event=event)
    assert deliver(OutgoingEmail.objects.get().pk) == EmailStatus.CANCELLED
    assert mail.outbox == []


def test_an_invitation_is_dropped_for_someone_no_longer_invited(world, django_capture_on_commit_callbacks):
    invite_the_mentors(world, django_capture_on_commit_callbacks)
    ProgrammeMembership.objects.filter(user=world.mentor).update(status="withdrawn")
    assert deliver(OutgoingEmail.objects.get().pk) == EmailStatus.CANCELLED


def test_an_invitation_for_an_event_that_is_over_is_dropped(world, django_capture_on_commit_callbacks):
    event = invite_the_mentors(world, django_capture_on_commit_callbacks)
    ProgrammeEvent.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=4), ends_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert deliver(OutgoingEmail.objects.get().pk) == EmailStatus.CANCELLED
