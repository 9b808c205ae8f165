from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("No longer needed")


class OutgoingEmail(models.Model):
    """One email the product owes someone, recorded in the database before any broker is involved.

    The row names what the email is about (``kind`` and ``object_id``); the renderer registered for the kind
    writes it at send time, in the recipient's language. ``key`` makes queueing idempotent: queueing the same
    email twice finds the first row. A worker claims the row with a conditional update before sending, so two
    workers, a retried task or a second beat cannot send it twice; the sweeper re-queues anything left behind.
    """

    kind = models.CharField(_("kind"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("object"))
    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(pgettext_lazy("email recipient", "to"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="emails_received",
        null=True,
        blank=True,
        verbose_name=_("recipient"),
    )
    # The programme the email belongs to, where there is one: its coordinators see the emails that failed.
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="emails",
        null=True,
        blank=True,
        verbose_name=_("programme"),
    )
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=20, choices=EmailStatus, default=EmailStatus.PENDING)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=EmailStatus.values), name="outgoing_email_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outgoing_email_sent_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="outgoing_email_about_idx"),
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outgoing_email_due_idx"),
            models.Index(
                fields=["programme", "-failed_at"], condition=Q(status="failed"), name="outgoing_email_failed_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} → {self.to} ({self.status})"
