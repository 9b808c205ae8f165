"""What a group wishes for in a mentor, and the requests asking mentors to take groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models.core import MentoringGroup
from programmes.models import AgePreference, GenderPreference


class GroupWishes(models.Model):
    """The mentor a mentor-led group wishes for, in the group's own words.

    It starts as a draft from the members' applications (see ``groups.services.wishes``); any mentee of the group can
    change it, which makes a new version; each mentee agrees to a version, and the wishes are agreed when every
    current mentee has agreed to the latest one. Matching reads the languages, gender, age and background from here.
    """

    group = models.OneToOneField(MentoringGroup, on_delete=models.PROTECT, related_name="wishes")
    mentor_kind = models.TextField(_("the kind of person"), blank=True)
    background = models.TextField(_("background and education"), blank=True)
    support = models.TextField(_("the support we want"), blank=True)
    languages = models.CharField(
        _("languages"),
        max_length=200,
        blank=True,
        help_text=_("Languages the mentor should speak with the group, separated by commas."),
    )
    gender_preference = models.CharField(_("the mentor's gender"), max_length=20, choices=GenderPreference, blank=True)
    age_preference = models.CharField(_("the mentor's age"), max_length=20, choices=AgePreference, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("group's wishes for a mentor")
        verbose_name_plural = _("groups' wishes for a mentor")
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="group_wishes_version_positive"),
            models.CheckConstraint(
                condition=Q(gender_preference__in=GenderPreference.values), name="group_wishes_gender_valid"
            ),
            models.CheckConstraint(condition=Q(age_preference__in=AgePreference.values), name="group_wishes_age_valid"),
        ]

    def __str__(self) -> str:
        return str(self.group)


class WishesAgreement(models.Model):
    """A mentee's agreement to one version of their group's wishes."""

    wishes = models.ForeignKey(GroupWishes, on_delete=models.PROTECT, related_name="agreements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    agreed_at = models.DateTimeField(_("agreed"), default=timezone.now)

    class Meta:
        verbose_name = _("agreement to the group's wishes")
        verbose_name_plural = _("agreements to the group's wishes")
        constraints = [
            models.UniqueConstraint(fields=["wishes", "user", "version"], name="wishes_agreement_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.wishes} v{self.version}"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the mentor")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MentorAssignment(models.Model):
    """A coordinator asks a mentor to take a group. The mentor accepts (and joins the group) or declines (and the
    group goes back to matching). Kept for good: it is the history of how each group got its mentor. A group has
    at most one request waiting at a time; who mentors it now is its current mentor membership (an accepted
    request stays on record after the mentor leaves, and the group can be matched again)."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.PROTECT, related_name="mentor_assignments")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentor_assignments", verbose_name=_("mentor")
    )
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus, default=AssignmentStatus.PENDING)
    score = models.DecimalField(
        _("match score"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Out of 100, when the mentor was asked."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    created = models.DateTimeField(_("asked"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    response_note = models.TextField(_("message from the mentor"), blank=True)

    class Meta:
        verbose_name = _("mentor assignment")
        verbose_name_plural = _("mentor assignments")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(status=AssignmentStatus.PENDING),
                name="mentor_assignment_one_pending_per_group",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values), name="mentor_assignment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=AssignmentStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=AssignmentStatus.PENDING) & Q(decided_at__isnull=False)),
                name="mentor_assignment_decided_when_not_pending",
            ),
        ]
        indexes = [
            models.Index(
                fields=["mentor"], condition=Q(status=AssignmentStatus.PENDING), name="mentor_assignment_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.group} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == AssignmentStatus.PENDING
