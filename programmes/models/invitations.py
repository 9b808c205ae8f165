from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from programmes.models.core import Programme, Role

INVITATION_LIFETIME = datetime.timedelta(days=14)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    # Not stored: a pending invitation past its expiry is shown as expired (see ``Invitation.state``).
    EXPIRED = "expired", _("Expired")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self) -> InvitationQuerySet:
        return self.filter(status=InvitationStatus.PENDING, expires_at__gt=timezone.now())

    def for_token(self, token: str) -> InvitationQuerySet:
        return self.filter(token_hash=hash_token(token))


class Invitation(models.Model):
    """An invitation to join a programme in a role, sent to an email address.

    The link carries a token that the database never holds: only its SHA-256 hash is stored. The token is
    derived from a random salt and the site's secret key, so the outbox can rebuild the link when it sends the
    email without the link ever being written down. Resending draws a new salt: the old link stops working.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role)
    status = models.CharField(_("status"), max_length=20, choices=InvitationStatus, default=InvitationStatus.PENDING)
    token_salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accepted_invitations",
        null=True,
        blank=True,
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                "programme",
                Lower("email"),
                "role",
                condition=Q(status="pending"),
                name="invitation_one_pending_per_address_and_role",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "revoked"]), name="invitation_status_valid"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_accepted_has_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="invitation_programme_idx")]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()} – {self.programme_id}"

    # The token -------------------------------------------------------------------------------------------

    def new_token(self) -> str:
        """Draws a new salt (invalidating any earlier link) and returns the token for the new link."""
        self.token_salt = secrets.token_hex(16)
        token = self.token()
        self.token_hash = hash_token(token)
        return token

    def token(self) -> str:
        return salted_hmac("programmes.Invitation", self.token_salt, algorithm="sha256").hexdigest()[:40]

    def renew(self, *, now: datetime.datetime | None = None) -> str:
        """A fresh link and a fresh expiry, as for a resend. The caller saves."""
        self.expires_at = (now or timezone.now()) + INVITATION_LIFETIME
        return self.new_token()

    # State -----------------------------------------------------------------------------------------------

    @property
    def is_expired(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now()

    @property
    def state(self) -> InvitationStatus:
        """What the coordinator and the invitee see: pending, accepted, revoked or expired."""
        return InvitationStatus.EXPIRED if self.is_expired else InvitationStatus(self.status)

    @property
    def is_usable(self) -> bool:
        return self.state == InvitationStatus.PENDING
