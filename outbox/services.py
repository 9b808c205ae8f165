"""Queueing and delivering email through the outbox.

An app registers a renderer for each kind of email it sends::

    @renderer("programmes.invitation")
    def render_invitation(email: OutgoingEmail) -> Rendered | None: ...

and queues one with ``queue_email(kind=..., obj=..., to=..., key=...)`` inside its own transaction, or many at
once with ``queue_emails([NewEmail(...), ...])`` (one insert per thousand, one task per ``DELIVERY_BATCH``). The row
is written with the rest of the change; the task that sends it is queued only when the transaction commits. If the
broker is down then, nothing is lost: the sweeper finds the row and queues it again.

Delivery takes a batch of rows: it claims them with one locking query (rows another worker holds are skipped), sends
them over one SMTP connection, and records each email's result as soon as it is sent, so a worker that dies
mid-batch leaves at most the one email in flight to be sent again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from outbox.models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_FOR = datetime.timedelta(minutes=10)  # a worker that dies mid-send frees the row after this
SWEEP_GRACE = datetime.timedelta(minutes=1)  # leave fresh rows to the task queued on commit
SWEEP_BATCH = 500
DELIVERY_BATCH = 50  # emails per delivery task: one claim, one load and one SMTP connection for all of them
INSERT_BATCH = 1000


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None = None
    # Files sent with the email, each (filename, content, MIME type), e.g. a calendar invitation:
    # ("invitation.ics", b"BEGIN:VCALENDAR...", "text/calendar; method=REQUEST").
    attachments: tuple[tuple[str, bytes, str], ...] = ()
    # Extra mail headers, e.g. List-Unsubscribe on reminders.
    headers: dict[str, str] = field(default_factory=dict)


Renderer = Callable[[OutgoingEmail], Rendered | None]
Preloader = Callable[[list[OutgoingEmail]], None]
_RENDERERS: dict[str, Renderer] = {}
_PRELOADERS: dict[str, Preloader] = {}
_LABELS: dict[str, str] = {}


def renderer(kind: str, *, label: str = "", preload: Preloader | None = None) -> Callable[[Renderer], Renderer]:
    """Registers the function that writes an email of this kind at send time, and ``label``, what the kind is called
    where people see a list of emails (a lazy translation, e.g. ``_("Session reminder")``).

    ``preload``, for kinds sent in bulk, is called once per delivery batch with that batch's emails of the kind, to
    load what their renderer needs in a few queries and leave it on each email as ``email.preloaded``. The renderer
    must still work without it (a single delivery does not preload)."""

    def register(function: Renderer) -> Renderer:
        _RENDERERS[kind] = function
        _LABELS[kind] = label or kind
        if preload is not None:
            _PRELOADERS[kind] = preload
        return function

    return register


def render_templates(name: str, context: dict) -> Rendered:
    """Renders ``templates/emails/<name>_subject.txt``, ``_body.txt`` and ``_body.html``."""
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    return Rendered(
        subject=subject,
        text=render_to_string(f"emails/{name}_body.txt", context),
        html=render_to_string(f"emails/{name}_body.html", context),
    )


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def queue_email(
    *,
    kind: str,
    obj,
    to: str,
    key: str,
    recipient=None,
    language: str | None = None,
    programme_id: int | None = None,
) -> OutgoingEmail:
    """Records an email to send and queues its delivery once the surrounding transaction commits. Idempotent.

    ``programme_id`` names the programme the email belongs to, if any: its coordinators see it if it fails."""
    if kind not in _RENDERERS:
        raise LookupError(f"No renderer is registered for {kind!r}.")
    language = language or getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    email, created = OutgoingEmail.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "object_id": obj.pk,
            "to": to,
            "recipient": recipient,
            "language": language,
            "programme_id": programme_id,
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email


@dataclass(frozen=True)
class NewEmail:
    """One email for ``queue_emails``; the same fields as ``queue_email`` takes."""

    kind: str
    obj: object
    to: str
    key: str
    recipient: object = None
    language: str | None = None
    programme_id: int | None = None


def queue_emails(emails: list[NewEmail]) -> int:
    """Records many emails at once and queues their delivery in batches once the surrounding transaction commits.
    Idempotent like ``queue_email``: a key already in the outbox is left as it is. Returns how many rows are new.

    A fixed number of queries per thousand emails, however many there are."""
    for email in emails:
        if email.kind not in _RENDERERS:
            raise LookupError(f"No renderer is registered for {email.kind!r}.")
    if not emails:
        return 0
    now = timezone.now()
    OutgoingEmail.objects.bulk_create(
        [
            OutgoingEmail(
                kind=email.kind,
                object_id=email.obj.pk,
                key=email.key,
                to=email.to,
                recipient=email.recipient,
                programme_id=email.programme_id,
                language=email.language or getattr(email.recipient, "language", None) or settings.LANGUAGE_CODE,
                created=now,
                next_attempt_at=now,
            )
            for email in emails
        ],
        batch_size=INSERT_BATCH,
        ignore_conflicts=True,  # queued before, or by a sweep running at the same moment
    )
    keys = [email.key for email in emails]
    new_ids = []
    for start in range(0, len(keys), INSERT_BATCH):
        new_ids += OutgoingEmail.objects.filter(key__in=keys[start : start + INSERT_BATCH], created=now).values_list(
            "pk", flat=True
        )
    new_ids.sort()
    transaction.on_commit(lambda: enqueue_batches(new_ids))
    return len(new_ids)


def enqueue_batches(email_ids: list[int]) -> None:
    """Queues one delivery task per ``DELIVERY_BATCH`` emails."""
    from outbox.tasks import deliver_emails

    for start in range(0, len(email_ids), DELIVERY_BATCH):
        batch = email_ids[start : start + DELIVERY_BATCH]
        try:
            deliver_emails.delay(batch)
        except Exception:  # the broker is away: the sweeper will queue them again
            logger.warning("Could not queue %s emails; the sweeper will retry them.", len(batch), exc_info=True)
            return


def _enqueue(email_id: int) -> None:
    from outbox.tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:  # the broker is away: the sweeper will queue it again
        logger.warning("Could not queue email %s; the sweeper will retry it.", email_id, exc_info=True)


def _claimable(now: datetime.datetime):
    return OutgoingEmail.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def claim(email_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Takes the row for one delivery attempt. Only one worker can hold it at a time."""
    now = now or timezone.now()
    return bool(_claimable(now).filter(pk=email_id).update(claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1))


def claim_many(email_ids: list[int], *, now: datetime.datetime | None = None) -> list[int]:
    """Takes the rows among these that are due and not held, for one delivery attempt each; returns their ids.
    Two queries: the rows are locked while they are read, and rows another worker is claiming are skipped. Where
    the database cannot skip locked rows (SQLite), one conditional update per row does the same."""
    now = now or timezone.now()
    if not connection.features.has_select_for_update_skip_locked:
        return [email_id for email_id in email_ids if claim(email_id, now=now)]
    with transaction.atomic():
        ids = list(
            _claimable(now)
            .filter(pk__in=email_ids)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            OutgoingEmail.objects.filter(pk__in=ids).update(claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1)
    return ids


def deliver(email_id: int) -> str:
    """Sends one queued email if it is still due, and records what happened. Returns the resulting status."""
    return deliver_many([email_id])[email_id]


def deliver_many(email_ids: list[int]) -> dict[int, str]:
    """Sends the emails among these that are still due, over one SMTP connection, and records each result as soon as
    it is known. Returns each id's status, "skipped" for those another worker holds or that were done already."""
    results = dict.fromkeys(email_ids, "skipped")
    claimed = claim_many(email_ids)
    if not claimed:
        return results
    emails = list(OutgoingEmail.objects.select_related("recipient").filter(pk__in=claimed).order_by("pk"))
    _preload(emails)
    with _Mailer() as mailer:
        for email in emails:
            results[email.pk] = _send(email, mailer)
    return results


def _preload(emails: list[OutgoingEmail]) -> None:
    by_kind: dict[str, list[OutgoingEmail]] = {}
    for email in emails:
        by_kind.setdefault(email.kind, []).append(email)
    for kind, found in by_kind.items():
        if kind in _PRELOADERS and len(found) > 1:
            try:
                _PRELOADERS[kind](found)
            except Exception:  # the renderers load what they need themselves
                logger.exception("Preloading %s emails of kind %s failed.", len(found), kind)
                for email in found:
                    email.__dict__.pop("preloaded", None)


class _Mailer:
    """One connection to the mail server for a batch, opened at the first email and opened again after an error."""

    def __init__(self):
        self.connection = None

    def __enter__(self):
        return self

    def send(self, message: EmailMultiAlternatives) -> None:
        if self.connection is None:
            self.connection = get_connection()
            self.connection.open()
        message.connection = self.connection
        try:
            message.send()
        except Exception:
            self.close()  # the connection may be broken: the next email opens a fresh one
            raise

    def close(self) -> None:
        mail_connection, self.connection = self.connection, None
        if mail_connection is not None:
            try:
                mail_connection.close()
            except Exception:  # closing a connection that already failed
                logger.debug("Closing the mail connection failed.", exc_info=True)

    def __exit__(self, *exc_info):
        self.close()


def _send(email: OutgoingEmail, mailer: _Mailer) -> str:
    try:
        with translation.override(email.language), timezone.override(_zone_of(email.recipient)):
            rendered = _RENDERERS[email.kind](email)
            if rendered is None:
                _finish(email, status=EmailStatus.CANCELLED)
                return EmailStatus.CANCELLED
            message = EmailMultiAlternatives(
                subject=rendered.subject,
                body=rendered.text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email.to],
                headers={"Message-ID": message_id(email), **rendered.headers},
            )
            if rendered.html:
                message.attach_alternative(rendered.html, "text/html")
            for filename, content, mimetype in rendered.attachments:
                message.attach(filename, content, mimetype)
            mailer.send(message)
    except Exception as error:
        return _failed(email, error)
    _finish(email, status=EmailStatus.SENT, subject=rendered.subject, sent_at=timezone.now())
    return EmailStatus.SENT


def message_id(email: OutgoingEmail) -> str:
    """The same Message-ID on every attempt at this email: if a worker dies after the mail server accepted it and
    before the row was marked sent, the email is sent again, and mail programs show the two copies as one."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox.{email.pk}.{email.created:%Y%m%d%H%M%S}@{host}>"


def _finish(email: OutgoingEmail, **fields) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_until=None, last_error="", **fields)


def _failed(email: OutgoingEmail, error: Exception) -> str:
    logger.warning("Email %s failed on attempt %s: %s", email.pk, email.attempts, error)
    now = timezone.now()
    fields = {"claimed_until": None, "last_error": f"{type(error).__name__}: {error}"[:2000]}
    if email.attempts >= MAX_ATTEMPTS:
        fields.update(status=EmailStatus.FAILED, failed_at=now)
    else:  # back off: 2, 4, 8, 16 minutes; the sweeper picks it up when it is due
        fields["next_attempt_at"] = now + datetime.timedelta(minutes=2**email.attempts)
    OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
    return fields.get("status", EmailStatus.PENDING)


def label_of(kind: str) -> str:
    """What an email of this kind is called, e.g. "Session reminder"."""
    return _LABELS.get(kind, kind)


def undelivered(programme_id: int):
    """The emails of a programme that failed after their last attempt, newest first."""
    return OutgoingEmail.objects.filter(programme_id=programme_id, status=EmailStatus.FAILED).order_by(
        "-failed_at", "-pk"
    )


def send_again(emails) -> int:
    """Puts failed emails back in the queue for a fresh round of attempts, e.g. once the mail server works again.
    Each is written anew when it is sent: one that no longer applies (the session has passed) is not sent. Returns
    how many were queued; emails that are not failed (any more) are left alone."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(emails.filter(status=EmailStatus.FAILED).select_for_update().values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=EmailStatus.PENDING, attempts=0, next_attempt_at=now, failed_at=None, claimed_until=None
        )
        transaction.on_commit(lambda: enqueue_batches(ids))
    return len(ids)


def due_email_ids(*, now: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Emails waiting to be sent that no task is holding: never queued, queued while the broker was away, a
    worker died with them, or a retry is due."""
    now = now or timezone.now()
    return list(
        OutgoingEmail.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def _zone_of(user):
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(user.time_zone) if user is not None else zoneinfo.ZoneInfo(settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
