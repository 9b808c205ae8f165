"""What people tell the programme about themselves: the choices shared by applications and the mentor data bank,
the mentor profile that outlives any programme, and coordinators' feedback on mentors."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models.core import Programme


class Availability(models.TextChoices):
    MORNINGS = "mornings", _("Weekday mornings")
    AFTERNOONS = "afternoons", _("Weekday afternoons")
    EVENINGS = "evenings", _("Weekday evenings")
    WEEKENDS = "weekends", _("Weekends")


class Engagement(models.TextChoices):
    VOLUNTEER = "volunteer", _("As a volunteer")
    PAID = "paid", _("Paid")
    EITHER = "either", _("Either")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    UNDISCLOSED = "", _("Prefer not to say")


class AgeBand(models.TextChoices):
    UNDER_30 = "under_30", _("Under 30")
    FROM_30 = "30_44", _("30 to 44")
    FROM_45 = "45_59", _("45 to 59")
    FROM_60 = "60_plus", _("60 or over")
    UNDISCLOSED = "", _("Prefer not to say")


class GenderPreference(models.TextChoices):
    NONE = "", _("No preference")
    WOMAN = "woman", _("A woman")
    MAN = "man", _("A man")


class AgePreference(models.TextChoices):
    NONE = "", _("No preference")
    YOUNGER = "younger", _("Younger than me")
    SIMILAR = "similar", _("About my age")
    OLDER = "older", _("Older than me")


class AvailabilityFields(models.Model):
    """When a person can meet. Four flags rather than a list, so that the bank can filter on them in the database."""

    available_mornings = models.BooleanField(_("weekday mornings"), default=False)
    available_afternoons = models.BooleanField(_("weekday afternoons"), default=False)
    available_evenings = models.BooleanField(_("weekday evenings"), default=False)
    available_weekends = models.BooleanField(_("weekends"), default=False)
    availability_note = models.CharField(
        _("more about when you can meet"), max_length=300, blank=True, help_text=_("For example: not in August.")
    )

    class Meta:
        abstract = True

    @property
    def availability(self) -> list[str]:
        return [choice for choice in Availability.values if getattr(self, f"available_{choice}")]

    @availability.setter
    def availability(self, values) -> None:
        for choice in Availability.values:
            setattr(self, f"available_{choice}", choice in values)

    def get_availability_display(self) -> list[str]:
        return [Availability(choice).label for choice in self.availability]


class MentorProfile(AvailabilityFields):
    """A mentor in the mentor data bank. It belongs to the person and outlives every programme they mentor in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_profile", verbose_name=_("person")
    )
    expertise = models.TextField(
        _("expertise"), blank=True, help_text=_("The areas you know well, separated by commas.")
    )
    background = models.TextField(
        _("background and education"), blank=True, help_text=_("Your work, training and life experience.")
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("The languages you can mentor in, separated by commas.")
    )
    max_groups = models.PositiveSmallIntegerField(
        _("groups at a time"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("How many groups you can mentor at the same time."),
    )
    engagement = models.CharField(
        _("volunteer or paid"), max_length=20, choices=Engagement, default=Engagement.VOLUNTEER
    )
    motivation = models.TextField(_("motivation"), blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender, blank=True)
    age_band = models.CharField(_("age"), max_length=20, choices=AgeBand, blank=True)
    open_to_invitations = models.BooleanField(
        _("open to new programmes"),
        default=True,
        help_text=_("Coordinators may invite you to mentor in their programmes."),
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        ordering = ["user__display_name"]
        constraints = [
            models.CheckConstraint(condition=Q(max_groups__gte=1, max_groups__lte=5), name="mentor_profile_capacity"),
            models.CheckConstraint(
                condition=Q(engagement__in=Engagement.values), name="mentor_profile_engagement_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def expertise_list(self) -> list[str]:
        return split_list(self.expertise)

    @property
    def language_list(self) -> list[str]:
        return split_list(self.languages)


class MentorFeedback(models.Model):
    """A coordinator's word on how a mentor did in a programme: the past feedback the bank searches by."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_feedback", verbose_name=_("mentor")
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="mentor_feedback")
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 (would not ask again) to 5 (excellent)."),
    )
    comment = models.TextField(_("comment"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("mentor feedback")
        verbose_name_plural = _("mentor feedback")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "programme"], name="mentor_feedback_one_per_programme"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="mentor_feedback_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} – {self.programme}: {self.rating}"


def split_list(text: str) -> list[str]:
    """'English, Arabic ,, French' -> ['English', 'Arabic', 'French']."""
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


def join_list(items) -> str:
    seen: dict[str, str] = {}
    for item in items:
        item = item.strip()
        if item and item.lower() not in seen:
            seen[item.lower()] = item
    return ", ".join(seen.values())
