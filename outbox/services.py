"""Queueing and delivering email through the outbox.

An app registers a renderer for each kind of email it sends::

    @renderer("programmes.invitation")
    def render_invitation(email: OutgoingEmail) -> Rendered | None: ...

and queues one with ``queue_email(kind=..., obj=..., to=..., key=...)`` inside its own transaction. The row is
written with the rest of the change; the task that sends it is queued only when the transaction commits. If the
broker is down then, nothing is lost: the sweeper finds the row and queues it again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from outbox.models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_FOR = datetime.timedelta(minutes=10)  # a worker that dies mid-send frees the row after this
SWEEP_GRACE = datetime.timedelta(minutes=1)  # leave fresh rows to the task queued on commit
SWEEP_BATCH = 500


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
_RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def register(function: Renderer) -> Renderer:
        _RENDERERS[kind] = function
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


def queue_email(*, kind: str, obj, to: str, key: str, recipient=None, language: str | None = None) -> OutgoingEmail:
    """Records an email to send and queues its delivery once the surrounding transaction commits. Idempotent."""
    if kind not in _RENDERERS:
        raise LookupError(f"No renderer is registered for {kind!r}.")
    language = language or getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    email, created = OutgoingEmail.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "object_id": obj.pk, "to": to, "recipient": recipient, "language": language},
    )
    if created:
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(email_id: int) -> None:
    from outbox.tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:  # the broker is away: the sweeper will queue it again
        logger.warning("Could not queue email %s; the sweeper will retry it.", email_id, exc_info=True)


def claim(email_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Takes the row for one delivery attempt. Only one worker can hold it at a time."""
    now = now or timezone.now()
    return bool(
        OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1)
    )


def deliver(email_id: int) -> str:
    """Sends one queued email if it is still due, and records what happened. Returns the resulting status."""
    if not claim(email_id):
        return "skipped"
    email = OutgoingEmail.objects.select_related("recipient").get(pk=email_id)
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
                headers=dict(rendered.headers) or None,
            )
            if rendered.html:
                message.attach_alternative(rendered.html, "text/html")
            for filename, content, mimetype in rendered.attachments:
                message.attach(filename, content, mimetype)
            message.send()
    except Exception as error:
        return _failed(email, error)
    _finish(email, status=EmailStatus.SENT, subject=rendered.subject, sent_at=timezone.now())
    return EmailStatus.SENT


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
