"""The group's mentoring contract: what the group agrees at its first session, in versions that every member
agrees to.

A group has one ``Contract``; its text lives in ``ContractVersion`` rows, numbered from 1. A version is drafted
(by the mentor, or by the coordinator helping), proposed to the group (its text is then locked), and comes into
force when every current member has agreed to it (``ContractAgreement``: who, and when); the version it replaces
is then superseded. Any change after that is an amendment: a new version, drafted from the one in force, which
everyone agrees to again. Nothing is deleted: the versions and agreements are the record of what was agreed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models.core import MentoringGroup
from programmes.models import Programme


class MentorCompensation(models.TextChoices):
    VOLUNTEER = "volunteer", _("The mentor is a volunteer and receives no payment.")
    PAID = "paid", _("The mentor is paid for mentoring in this programme.")


# The parts of a contract, in the order it shows them (after its dates and the rhythm of sessions).
SECTIONS = (
    "tools_and_channels",
    "contact_between_sessions",
    "session_structure",
    "action_items",
    "absent_members",
    "goals",
    "roles",
    "compensation_note",
    "confidentiality",
    "responsibility",
    "follow_up",
)


class ContractText(models.Model):
    """The written parts of a contract, shared by the programme's template and each version."""

    tools_and_channels = models.TextField(
        _("tools and channels"),
        blank=True,
        help_text=_("Where you meet and how you keep in touch, online and offline."),
    )
    contact_between_sessions = models.TextField(
        _("contact between sessions"), blank=True, help_text=_("Who may contact whom between sessions, how and when.")
    )
    session_structure = models.TextField(_("how a session runs"), blank=True)
    action_items = models.TextField(_("following up action items"), blank=True)
    absent_members = models.TextField(_("when someone misses a session"), blank=True)
    goals = models.TextField(
        _("our goals and how we work on them"),
        blank=True,
        help_text=_("The group's common goals, and how each mentee works on their own goals."),
    )
    roles = models.TextField(_("roles of the mentor and the mentees"), blank=True)
    compensation = models.CharField(
        _("the mentor's role"), max_length=20, choices=MentorCompensation, default=MentorCompensation.VOLUNTEER
    )
    compensation_note = models.TextField(_("more about the mentor's role"), blank=True)
    confidentiality = models.TextField(_("confidentiality"), blank=True)
    responsibility = models.TextField(_("personal responsibility"), blank=True)
    follow_up = models.TextField(_("following progress together"), blank=True)

    class Meta:
        abstract = True

    def text_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SECTIONS}


class ContractTemplate(ContractText):
    """The programme's starting point for every group's contract, which its coordinators edit."""

    programme = models.OneToOneField(Programme, on_delete=models.PROTECT, related_name="contract_template")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contract template")
        verbose_name_plural = _("contract templates")
        constraints = [
            models.CheckConstraint(
                condition=Q(compensation__in=MentorCompensation.values), name="contract_template_compensation_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.programme)


class Contract(models.Model):
    group = models.OneToOneField(MentoringGroup, on_delete=models.PROTECT, related_name="contract")
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mentoring contract")
        verbose_name_plural = _("mentoring contracts")

    def __str__(self) -> str:
        return str(self.group)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed to the group")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Replaced by a later version")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_VERSION = [VersionStatus.DRAFT, VersionStatus.PROPOSED]


class ContractVersion(ContractText):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus, default=VersionStatus.DRAFT)
    starts_on = models.DateField(_("first session"))
    ends_on = models.DateField(_("last session"))
    sessions_per_month = models.PositiveSmallIntegerField(
        _("sessions a month"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("minutes a session"), validators=[MinValueValidator(30), MaxValueValidator(240)]
    )
    change_note = models.TextField(
        _("what changes"), blank=True, help_text=_("For an amendment: what is different from the version in force.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    in_force_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_number_unique"),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status=VersionStatus.IN_FORCE),
                name="contract_one_version_in_force",
            ),
            models.UniqueConstraint(
                fields=["contract"], condition=Q(status__in=OPEN_VERSION), name="contract_one_open_version"
            ),
            models.CheckConstraint(condition=Q(status__in=VersionStatus.values), name="contract_version_status_valid"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_version_ends_after_start"),
            models.CheckConstraint(
                condition=Q(compensation__in=MentorCompensation.values), name="contract_version_compensation_valid"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="contract_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} v{self.number}"

    @property
    def is_locked(self) -> bool:
        """Only a draft can be changed; a proposed version is the text people agree to."""
        return self.status != VersionStatus.DRAFT


class ContractAgreement(models.Model):
    """A member's agreement to one version of their group's contract, with the time."""

    version = models.ForeignKey(ContractVersion, on_delete=models.PROTECT, related_name="agreements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contract_agreements")
    agreed_at = models.DateTimeField(_("agreed"), default=timezone.now)

    class Meta:
        verbose_name = _("agreement to a contract")
        verbose_name_plural = _("agreements to contracts")
        ordering = ["agreed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="contract_agreement_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.version}"
