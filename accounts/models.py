from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.timezones import time_zone_names


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(_("%(value)s is not a time zone we know."), params={"value": value}, code="time_zone")


def new_calendar_token() -> str:
    """The secret part of a person's calendar feed address: whoever has the address sees their sessions."""
    return secrets.token_urlsafe(32)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return (email or "").strip().lower()

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. They sign in with their email address; there are no usernames."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("name"), max_length=150, help_text=_("How you are shown to the others in your programmes.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Pages and emails are shown to you in this language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Session times are shown to you in this zone."),
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Whether the person can sign in to the admin site.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unselect this instead of deleting the account.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    anonymised_at = models.DateTimeField(
        _("anonymised"), null=True, blank=True, help_text=_("When this person's personal data was erased.")
    )
    # Reminder emails, each kind turned on or off on the profile page or from a link in the email itself.
    remind_sessions = models.BooleanField(_("remind me before my sessions"), default=True)
    remind_logging = models.BooleanField(_("remind me to log a session I led"), default=True)
    remind_action_items = models.BooleanField(_("remind me when my action items are due"), default=True)
    calendar_token = models.CharField(
        _("calendar address key"),
        max_length=64,
        unique=True,
        default=new_calendar_token,
        editable=False,
        help_text=_(
            "The secret part of the person's calendar feed address. A new one makes the old address stop working."
        ),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["display_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        indexes = [
            # Lists sorted by name (the mentor bank's first page) walk this instead of sorting every account.
            models.Index(fields=["display_name", "email"], name="accounts_user_name_idx"),
            # The few erased accounts, which the mentor bank leaves out without reading every account.
            models.Index(
                fields=["anonymised_at"],
                name="accounts_user_erased_idx",
                condition=models.Q(anonymised_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.display_name

    @property
    def shown_name(self) -> str:
        """The name pages show: an erased person appears as "Former participant" in the reader's language."""
        if self.anonymised_at:
            return gettext("Former participant")
        return self.display_name or self.email

    def reset_calendar_token(self) -> str:
        """A new secret address for the calendar feed; the old one stops working at once."""
        self.calendar_token = new_calendar_token()
        self.save(update_fields=["calendar_token"])
        return self.calendar_token

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email
