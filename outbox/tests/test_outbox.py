"""The outbox: every email is a row first, sent at most once by whichever worker claims it, and never lost."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from mentoring.tests.factories import ProgrammeFactory, UserFactory
from outbox import services
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import Rendered, renderer
from outbox.tasks import sweep_outbox

pytestmark = pytest.mark.django_db

calls: list[int] = []


@renderer("tests.hello")
def render_hello(email: OutgoingEmail) -> Rendered | None:
    calls.append(email.pk)
    if email.object_id == 0:
        return None  # no longer wanted
    # "Programmes" is in the German catalogue: it shows which language the renderer ran in.
    return Rendered(subject=f"Hello {gettext('Programmes')}", text="Plain text", html="<p>HTML</p>")


@renderer("tests.with_file")
def render_with_file(email: OutgoingEmail) -> Rendered | None:
    return Rendered(
        subject="With a file",
        text="See the file.",
        attachments=(("invitation.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST"),),
    )


def queue(key: str = "hello:1", **fields) -> OutgoingEmail:
    programme = fields.pop("obj", None) or ProgrammeFactory()
    return services.queue_email(kind="tests.hello", obj=programme, to="ada@example.org", key=key, **fields)


def test_queueing_records_a_row_and_queues_its_delivery_only_on_commit(django_capture_on_commit_callbacks):
    with mock.patch("outbox.tasks.deliver_email.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            email = queue()
            assert delay.call_count == 0  # nothing queued while the transaction is open
        assert len(callbacks) == 1
    delay.assert_called_once_with(email.pk)
    assert email.status == EmailStatus.PENDING


def test_queueing_the_same_email_twice_keeps_one_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue()
        second = queue()
    assert first.pk == second.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(callbacks) == 1


def test_an_unknown_kind_is_refused_at_once():
    with pytest.raises(LookupError):
        services.queue_email(kind="nobody.knows", obj=ProgrammeFactory(), to="a@example.org", key="x")


def test_delivery_sends_once_and_records_it():
    email = queue()
    assert services.deliver(email.pk) == EmailStatus.SENT
    assert services.deliver(email.pk) == "skipped"  # a retried task or a second worker
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.org"]
    assert message.body == "Plain text"
    assert message.alternatives[0][0] == "<p>HTML</p>"
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.sent_at is not None
    assert email.subject == "Hello Programmes"
    assert email.attempts == 1


def test_a_renderer_can_attach_files():
    email = services.queue_email(kind="tests.with_file", obj=ProgrammeFactory(), to="ada@example.org", key="file:1")
    assert services.deliver(email.pk) == EmailStatus.SENT
    [message] = mail.outbox
    [(filename, content, mimetype)] = message.attachments
    assert filename == "invitation.ics"
    assert "BEGIN:VCALENDAR" in content
    assert mimetype == "text/calendar; method=REQUEST"
    assert 'Content-Type: text/calendar; method="REQUEST"' in message.message().as_string()


def test_an_email_without_files_has_no_attachments():
    services.deliver(queue().pk)
    assert mail.outbox[0].attachments == []


def test_only_one_worker_can_claim_a_row():
    email = queue()
    assert services.claim(email.pk) is True
    assert services.claim(email.pk) is False


def test_the_email_is_written_in_the_recipients_language():
    person = UserFactory(language="de")
    email = queue(recipient=person)
    assert email.language == "de"
    with translation.override("en"):
        services.deliver(email.pk)
    assert mail.outbox[0].subject == "Hello Programme"


def test_an_email_no_longer_wanted_is_cancelled_not_sent():
    email = queue(obj=ProgrammeFactory())
    OutgoingEmail.objects.filter(pk=email.pk).update(object_id=0)
    assert services.deliver(email.pk) == EmailStatus.CANCELLED
    assert mail.outbox == []


def test_a_failed_send_is_retried_later_with_backoff_then_marked_failed():
    email = queue()
    with mock.patch("outbox.services.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("no SMTP")):
        assert services.deliver(email.pk) == EmailStatus.PENDING
        email.refresh_from_db()
        assert email.attempts == 1
        assert email.claimed_until is None
        assert email.next_attempt_at > timezone.now() + datetime.timedelta(minutes=1)
        assert "no SMTP" in email.last_error
        assert services.deliver(email.pk) == "skipped"  # not due yet

        for _attempt in range(services.MAX_ATTEMPTS - 1):
            OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
            services.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == services.MAX_ATTEMPTS
    assert email.failed_at is not None
    assert mail.outbox == []


def test_when_the_broker_is_away_nothing_is_lost(django_capture_on_commit_callbacks):
    broker_down = mock.patch("outbox.tasks.deliver_email.delay", side_effect=OSError("broker down"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        email = queue()  # no exception reaches the person who caused the email
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    later = timezone.now() + services.SWEEP_GRACE + datetime.timedelta(seconds=1)
    assert services.due_email_ids(now=later) == [email.pk]


def test_the_sweeper_leaves_fresh_rows_to_their_own_task_and_queues_the_rest():
    fresh = queue("fresh")
    old = queue("old")
    OutgoingEmail.objects.filter(pk=old.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=5))
    with mock.patch("outbox.tasks.deliver_emails.delay") as delay:
        assert sweep_outbox() == 1
    delay.assert_called_once_with([old.pk])
    assert fresh.pk not in services.due_email_ids()


def test_the_sweeper_queues_what_is_due_in_batches():
    programme = ProgrammeFactory()
    emails = [queue(f"due:{n}", obj=programme) for n in range(services.DELIVERY_BATCH + 1)]
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=5))
    with mock.patch("outbox.tasks.deliver_emails.delay") as delay:
        assert sweep_outbox() == len(emails)
    batches = [call.args[0] for call in delay.call_args_list]
    assert [len(batch) for batch in batches] == [services.DELIVERY_BATCH, 1]
    assert sorted(pk for batch in batches for pk in batch) == sorted(email.pk for email in emails)


# Many at once ----------------------------------------------------------------------------------------------------


def new_emails(count: int, *, prefix: str = "many") -> list[services.NewEmail]:
    programme = ProgrammeFactory()
    return [
        services.NewEmail(kind="tests.hello", obj=programme, to=f"person{n}@example.org", key=f"{prefix}:{n}")
        for n in range(count)
    ]


def test_many_emails_are_recorded_in_one_go_and_queued_in_batches_on_commit(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    emails = new_emails(120)
    on_commit = django_capture_on_commit_callbacks(execute=True)
    with mock.patch("outbox.tasks.deliver_emails.delay") as delay, on_commit, django_assert_max_num_queries(4):
        assert services.queue_emails(emails) == 120
    assert OutgoingEmail.objects.count() == 120
    batches = [call.args[0] for call in delay.call_args_list]
    assert [len(batch) for batch in batches] == [50, 50, 20]
    assert set().union(*batches) == set(OutgoingEmail.objects.values_list("pk", flat=True))


def test_queueing_many_keeps_the_rows_already_there_and_queues_only_the_new(django_capture_on_commit_callbacks):
    first = queue("many:0")
    OutgoingEmail.objects.filter(pk=first.pk).update(status=EmailStatus.SENT, sent_at=timezone.now())
    with mock.patch("outbox.tasks.deliver_emails.delay") as delay, django_capture_on_commit_callbacks(execute=True):
        assert services.queue_emails(new_emails(3)) == 2
    [batch] = [call.args[0] for call in delay.call_args_list]
    assert first.pk not in batch
    assert OutgoingEmail.objects.get(pk=first.pk).status == EmailStatus.SENT
    assert OutgoingEmail.objects.count() == 3


def test_queueing_many_refuses_an_unknown_kind_before_writing_anything():
    programme = ProgrammeFactory()
    with pytest.raises(LookupError):
        services.queue_emails([services.NewEmail(kind="nobody.knows", obj=programme, to="a@example.org", key="x")])
    assert not OutgoingEmail.objects.exists()


def test_a_batch_is_sent_over_one_connection_and_each_result_recorded():
    with mock.patch("outbox.tasks.deliver_emails.delay"):
        services.queue_emails(new_emails(5))
    ids = list(OutgoingEmail.objects.order_by("pk").values_list("pk", flat=True))
    opened = []
    real_get_connection = services.get_connection

    def counting_get_connection(*args, **kwargs):
        opened.append(1)
        return real_get_connection(*args, **kwargs)

    with mock.patch("outbox.services.get_connection", counting_get_connection):
        assert services.deliver_many(ids) == dict.fromkeys(ids, EmailStatus.SENT)
    assert len(opened) == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"person{n}@example.org" for n in range(5))
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(EmailStatus.SENT, 1)}
    assert services.deliver_many(ids) == dict.fromkeys(ids, "skipped")  # the task again: nothing twice
    assert len(mail.outbox) == 5


def test_one_email_failing_in_a_batch_does_not_stop_the_others():
    with mock.patch("outbox.tasks.deliver_emails.delay"):
        services.queue_emails(new_emails(3))
    ids = list(OutgoingEmail.objects.order_by("pk").values_list("pk", flat=True))
    real_send = services.EmailMultiAlternatives.send

    def refuse_the_second(message, *args, **kwargs):
        if message.to == ["person1@example.org"]:
            raise ConnectionResetError("the server hung up")
        return real_send(message, *args, **kwargs)

    with mock.patch("outbox.services.EmailMultiAlternatives.send", refuse_the_second):
        results = services.deliver_many(ids)
    assert list(results.values()) == [EmailStatus.SENT, EmailStatus.PENDING, EmailStatus.SENT]
    failed = OutgoingEmail.objects.get(pk=ids[1])
    assert "ConnectionResetError" in failed.last_error
    assert failed.next_attempt_at > timezone.now()  # retried later, with backoff
    assert [message.to for message in mail.outbox] == [["person0@example.org"], ["person2@example.org"]]


def test_every_attempt_at_an_email_carries_the_same_message_id():
    email = queue()
    with mock.patch("outbox.services.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("no SMTP")):
        services.deliver(email.pk)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert services.deliver(email.pk) == EmailStatus.SENT
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == services.message_id(email)
    assert sent.extra_headers["Message-ID"] == services.message_id(OutgoingEmail.objects.get(pk=email.pk))
    other = queue("hello:2")
    assert services.message_id(other) != services.message_id(email)
    with override_settings(SITE_URL="https://mentoring.example.org"):
        assert services.message_id(email) == f"<outbox.{email.pk}.{email.created:%Y%m%d%H%M%S}@mentoring.example.org>"


def test_a_batch_skips_rows_another_worker_holds():
    with mock.patch("outbox.tasks.deliver_emails.delay"):
        services.queue_emails(new_emails(3))
    ids = list(OutgoingEmail.objects.order_by("pk").values_list("pk", flat=True))
    assert services.claim(ids[0])  # another worker has it
    assert services.deliver_many(ids) == {ids[0]: "skipped", ids[1]: EmailStatus.SENT, ids[2]: EmailStatus.SENT}
    assert len(mail.outbox) == 2


def test_a_row_held_by_a_worker_that_died_is_picked_up_once_its_claim_runs_out():
    email = queue()
    past = timezone.now() - datetime.timedelta(minutes=5)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=past)
    assert services.claim(email.pk)  # the worker claims it, then dies before sending
    assert services.due_email_ids() == []
    assert services.deliver(email.pk) == "skipped"
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert services.due_email_ids() == [email.pk]
    assert services.deliver(email.pk) == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_sent_and_failed_rows_are_never_picked_up_again():
    sent, failed = queue("a"), queue("b")
    past = timezone.now() - datetime.timedelta(hours=1)
    OutgoingEmail.objects.filter(pk=sent.pk).update(status=EmailStatus.SENT, sent_at=past, next_attempt_at=past)
    OutgoingEmail.objects.filter(pk=failed.pk).update(status=EmailStatus.FAILED, next_attempt_at=past)
    assert services.due_email_ids() == []


def test_the_beat_schedule_sweeps_the_outbox_every_minute():
    from mentoring.celery import app

    entry = app.conf.beat_schedule["sweep-outbox"]
    assert entry["task"] == "outbox.tasks.sweep_outbox"
    assert entry["schedule"] == 60.0
    assert entry["task"] in app.tasks
