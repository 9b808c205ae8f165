from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programmes.models.core import GoalArea, Programme, Role
from programmes.models.profiles import (
    AgeBand,
    AgePreference,
    AvailabilityFields,
    Engagement,
    Gender,
    GenderPreference,
)


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("New")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")


# What a coordinator may decide, from each status. Withdrawal is the applicant's own step.
DECISIONS: dict[str, tuple[str, ...]] = {
    ApplicationStatus.SUBMITTED: (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.DECLINED),
    ApplicationStatus.WAITLISTED: (ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED),
    ApplicationStatus.DECLINED: (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED),
    ApplicationStatus.ACCEPTED: (),
    ApplicationStatus.WITHDRAWN: (),
}

APPLICANT_ROLES = (Role.MENTEE, Role.MENTOR)


class Application(AvailabilityFields):
    """A person's application to take part in a programme as a mentee or a mentor."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    role = models.CharField(_("applies as"), max_length=20, choices=Role)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    # Both roles
    goal_areas = models.ManyToManyField(GoalArea, blank=True, related_name="applications", verbose_name=_("areas"))
    languages = models.CharField(
        _("languages"), max_length=200, help_text=_("The languages you speak, separated by commas.")
    )
    needs_language_support = models.BooleanField(_("I would like support with the programme's language"), default=False)
    accessibility_needs = models.TextField(
        _("accessibility or other needs"),
        blank=True,
        help_text=_("Anything that would make it easier for you to take part, such as step-free access."),
    )

    # Mentees
    goals = models.TextField(_("your goals"), blank=True)
    field = models.CharField(_("your field"), max_length=200, blank=True)
    support_expected = models.TextField(_("the support you hope for"), blank=True)
    mentor_kind = models.TextField(_("your ideal mentor"), blank=True)
    mentor_background = models.TextField(_("the mentor's background and education"), blank=True)
    gender_preference = models.CharField(
        _("would you rather have a mentor who is"), max_length=20, choices=GenderPreference, blank=True
    )
    age_preference = models.CharField(_("the mentor's age"), max_length=20, choices=AgePreference, blank=True)

    # Mentors
    expertise = models.TextField(_("expertise"), blank=True)
    background = models.TextField(_("background and education"), blank=True)
    max_groups = models.PositiveSmallIntegerField(
        _("groups at a time"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    engagement = models.CharField(_("volunteer or paid"), max_length=20, choices=Engagement, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender, blank=True)
    age_band = models.CharField(_("age"), max_length=20, choices=AgeBand, blank=True)

    consent_given_at = models.DateTimeField(_("consent given"))

    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(
        _("note for coordinators"), blank=True, help_text=_("Only coordinators see this note.")
    )
    decision_message = models.TextField(
        _("message to the applicant"),
        blank=True,
        help_text=_("What the coordinator wrote to the applicant with the latest decision."),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "applicant", "role"], name="application_one_per_role"),
            models.CheckConstraint(condition=Q(role__in=["mentee", "mentor"]), name="application_role_valid"),
            models.CheckConstraint(condition=Q(status__in=ApplicationStatus.values), name="application_status_valid"),
            models.CheckConstraint(
                condition=Q(max_groups__isnull=True) | Q(max_groups__gte=1, max_groups__lte=5),
                name="application_capacity_range",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="application_programme_idx")]

    def __str__(self) -> str:
        return f"{self.applicant} – {self.get_role_display()} – {self.programme_id}"

    def next_decisions(self) -> list[ApplicationStatus]:
        return [ApplicationStatus(status) for status in DECISIONS[self.status]]

    @property
    def is_open(self) -> bool:
        """The applicant may still change it: nothing final has been decided."""
        return self.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED)
