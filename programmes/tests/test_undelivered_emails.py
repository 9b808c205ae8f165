"""Emails that could not be delivered: after the last attempt a reminder is recorded as failed, and the programme's
coordinators see it, with the person, what it was and why, on the overview, the Sessions tab and a page of its own,
where they send it again once the cause is fixed."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import Meeting
from groups.services.reminders import SESSION_REMINDER, queue_due_reminders
from mentoring.tests.querycount import count_queries
from outbox import services
from outbox.models import EmailStatus, OutgoingEmail
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch("outbox.tasks.deliver_email.delay"), mock.patch("outbox.tasks.deliver_emails.delay") as delay:
        yield delay


def page_url(programme) -> str:
    return reverse("programmes:undelivered", kwargs={"pk": programme.pk})


def again_url(programme) -> str:
    return reverse("programmes:send_again", kwargs={"pk": programme.pk})


def a_session_in_an_hour(world, group=None) -> Meeting:
    return Meeting.objects.create(
        group=group or world.group,
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        place="Library",
        created_by=world.mentor,
    )


def every_attempt_fails(email_ids) -> None:
    """The mail server refuses every attempt, until the outbox gives up."""
    refused = ConnectionRefusedError("Connection refused by mail.example.org")
    with mock.patch("outbox.services.EmailMultiAlternatives.send", side_effect=refused):
        for _attempt in range(services.MAX_ATTEMPTS):
            OutgoingEmail.objects.filter(pk__in=email_ids).update(next_attempt_at=timezone.now())
            services.deliver_many(list(email_ids))


def failed_reminders(world) -> list[OutgoingEmail]:
    a_session_in_an_hour(world)
    queue_due_reminders()
    ids = list(OutgoingEmail.objects.filter(kind=SESSION_REMINDER).values_list("pk", flat=True))
    every_attempt_fails(ids)
    return list(OutgoingEmail.objects.filter(pk__in=ids).order_by("pk"))


def test_a_reminder_refused_five_times_is_recorded_as_failed_for_its_programme(world):
    emails = failed_reminders(world)
    assert {email.to for email in emails} == {world.mentor.email, world.mentee.email}
    for email in emails:
        assert email.status == EmailStatus.FAILED
        assert email.attempts == services.MAX_ATTEMPTS
        assert email.programme_id == world.programme.pk
        assert "Connection refused" in email.last_error
    assert mail.outbox == []


def test_the_coordinator_sees_who_missed_which_email_and_why(client, world):
    failed_reminders(world)
    client.force_login(world.coordinator)
    page = client.get(page_url(world.programme)).content.decode()
    assert "2 emails could not be delivered." in page
    assert world.mentee.display_name in page and world.mentee.email in page
    assert "Session reminder" in page
    assert "Connection refused by mail.example.org" in page
    assert "Send all again" in page


def test_the_overview_and_the_sessions_tab_point_to_the_undelivered_emails(client, world):
    client.force_login(world.coordinator)
    for url in (
        reverse("programmes:detail", kwargs={"pk": world.programme.pk}),
        reverse("grouping:sessions", kwargs={"pk": world.programme.pk}),
    ):
        assert "could not be delivered" not in client.get(url).content.decode()
    failed_reminders(world)
    for url in (
        reverse("programmes:detail", kwargs={"pk": world.programme.pk}),
        reverse("grouping:sessions", kwargs={"pk": world.programme.pk}),
    ):
        page = client.get(url).content.decode()
        assert "2 emails could not be delivered" in page
        assert page_url(world.programme) in page


def test_another_programmes_failures_are_not_shown(client, world):
    failed_reminders(world)
    client.force_login(world.other_coordinator)
    page = client.get(page_url(world.other_programme)).content.decode()
    assert "Every email was delivered." in page
    assert world.mentee.email not in page


def test_with_nothing_undelivered_the_page_says_so(client, world):
    client.force_login(world.coordinator)
    page = client.get(page_url(world.programme)).content.decode()
    assert "Every email was delivered." in page
    assert "Send all again" not in page


def test_send_all_again_gives_each_email_a_fresh_round_of_attempts(
    client, world, no_broker, django_capture_on_commit_callbacks
):
    emails = failed_reminders(world)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(again_url(world.programme), follow=True)
    assert "2 emails will be sent again in the next minute." in response.content.decode()
    assert sorted(no_broker.call_args.args[0]) == sorted(email.pk for email in emails)
    for email in OutgoingEmail.objects.filter(pk__in=[email.pk for email in emails]):
        assert (email.status, email.attempts, email.failed_at) == (EmailStatus.PENDING, 0, None)
    # the mail server works again: the worker sends them
    assert services.deliver_many([email.pk for email in emails]) == {email.pk: EmailStatus.SENT for email in emails}
    assert sorted(message.to[0] for message in mail.outbox) == sorted([world.mentor.email, world.mentee.email])


def test_one_email_can_be_sent_again_alone(client, world):
    first, second = failed_reminders(world)
    client.force_login(world.coordinator)
    client.post(again_url(world.programme), {"email": first.pk})
    assert OutgoingEmail.objects.get(pk=first.pk).status == EmailStatus.PENDING
    assert OutgoingEmail.objects.get(pk=second.pk).status == EmailStatus.FAILED


def test_another_programmes_email_cannot_be_sent_again_from_here(client, world):
    [email, *_rest] = failed_reminders(world)
    client.force_login(world.other_coordinator)
    response = client.post(again_url(world.other_programme), {"email": email.pk}, follow=True)
    assert "nothing to send again" in response.content.decode()
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.FAILED


def test_a_reminder_sent_again_after_its_session_began_is_dropped_not_sent(client, world):
    emails = failed_reminders(world)
    client.force_login(world.coordinator)
    client.post(again_url(world.programme))
    Meeting.objects.update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    statuses = services.deliver_many([email.pk for email in emails])
    assert set(statuses.values()) == {EmailStatus.CANCELLED}
    assert mail.outbox == []


def test_a_closed_programme_sends_nothing_again(client, world):
    [email, *_rest] = failed_reminders(world)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client.force_login(world.coordinator)
    assert "Send all again" not in client.get(page_url(world.programme)).content.decode()
    response = client.post(again_url(world.programme), follow=True)
    assert "This programme is closed" in response.content.decode()
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.FAILED


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_takes_the_same_number_of_queries_for_3_or_30_failures(client, world, count):
    for number in range(count):
        OutgoingEmail.objects.create(
            kind=SESSION_REMINDER,
            object_id=number,
            key=f"failed:{number}",
            to=f"person{number}@example.org",
            recipient=world.mentee if number % 2 else None,
            programme=world.programme,
            status=EmailStatus.FAILED,
            attempts=services.MAX_ATTEMPTS,
            failed_at=timezone.now(),
            last_error="SMTPRecipientsRefused: no such mailbox",
        )
    client.force_login(world.coordinator)
    assert count_queries(client, page_url(world.programme)) == 5
