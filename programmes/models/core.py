from __future__ import annotations

import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_time_zone

REMINDER_HOURS_MAX = 168  # a week
REMINDER_OFFSETS_MAX = 3


def parse_reminder_hours(value: str) -> list[int]:
    """The hours before a session when reminders go out, smallest first: "24,2" gives [2, 24]. Raises ValueError
    unless it is 1 to 3 whole numbers between 1 and 168, separated by commas."""
    parts = [part.strip() for part in (value or "").split(",")]
    if not parts or len(parts) > REMINDER_OFFSETS_MAX or not all(part.isdigit() for part in parts):
        raise ValueError(value)
    hours = sorted({int(part) for part in parts})
    if not all(1 <= hour <= REMINDER_HOURS_MAX for hour in hours):
        raise ValueError(value)
    return hours


def validate_reminder_hours(value: str) -> None:
    try:
        parse_reminder_hours(value)
    except ValueError:
        raise ValidationError(
            _("Write 1 to 3 whole numbers of hours between 1 and 168, separated by commas, for example 24,2."),
            code="reminder_hours",
        ) from None


def new_application_key() -> str:
    """The unguessable part of a programme's application address, so that programmes cannot be enumerated."""
    return secrets.token_urlsafe(12)


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECRUITING = "recruiting", _("Recruiting")
    MATCHING = "matching", _("Matching")
    RUNNING = "running", _("Running")
    CLOSING = "closing", _("Closing")
    CLOSED = "closed", _("Closed")


# The programme's life, in one place: from each status, where it may go next.
# Backward steps exist where a coordinator may need to reopen a phase; a closed programme is an archive.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProgrammeStatus.DRAFT: (ProgrammeStatus.RECRUITING,),
    ProgrammeStatus.RECRUITING: (ProgrammeStatus.DRAFT, ProgrammeStatus.MATCHING),
    ProgrammeStatus.MATCHING: (ProgrammeStatus.RECRUITING, ProgrammeStatus.RUNNING),
    ProgrammeStatus.RUNNING: (ProgrammeStatus.CLOSING,),
    ProgrammeStatus.CLOSING: (ProgrammeStatus.RUNNING, ProgrammeStatus.CLOSED),
    ProgrammeStatus.CLOSED: (),
}


class InvalidTransition(Exception):
    pass


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    SUPERVISOR = "supervisor", _("Supervisor")  # leads a mentor circle; invited, or a coordinator doing it


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def coordinated_by(self, user) -> ProgrammeQuerySet:
        # A subquery, not a join, so that later annotations over memberships count all of them.
        return self.filter(
            models.Exists(
                ProgrammeMembership.objects.filter(
                    programme=models.OuterRef("pk"),
                    user_id=user.pk,
                    role=Role.COORDINATOR,
                    status=MembershipStatus.ACTIVE,
                )
            )
        )


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the programme is for and who it is for.")
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), help_text=_("Programmes usually run for 6 to 12 months."))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Sessions are scheduled in this zone; everyone sees them in their own."),
    )
    status = models.CharField(_("status"), max_length=20, choices=ProgrammeStatus, default=ProgrammeStatus.DRAFT)
    group_size_min = models.PositiveSmallIntegerField(
        _("smallest group"), default=3, validators=[MinValueValidator(2), MaxValueValidator(12)]
    )
    group_size_target = models.PositiveSmallIntegerField(
        _("usual group size"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(12)],
        help_text=_("Mentees per group. Groups of 4 to 5 work well."),
    )
    group_size_max = models.PositiveSmallIntegerField(
        _("largest group"), default=6, validators=[MinValueValidator(2), MaxValueValidator(12)]
    )
    sessions_per_month = models.PositiveSmallIntegerField(
        _("sessions per month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("How often groups meet. Once or twice a month is usual."),
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=90,
        validators=[MinValueValidator(30), MaxValueValidator(240)],
        help_text=_("Sessions of one to two hours are usual."),
    )
    reminder_hours = models.CharField(
        _("session reminders (hours before)"),
        max_length=20,
        default="24,2",
        validators=[validate_reminder_hours],
        help_text=_(
            "How many hours before each session people get a reminder by email. Up to 3 numbers, separated by "
            "commas, for example 24,2."
        ),
    )
    application_key = models.CharField(
        _("application address key"), max_length=32, unique=True, default=new_application_key, editable=False
    )
    application_intro = models.TextField(
        _("introduction for applicants"),
        blank=True,
        help_text=_("What people read at the top of the application page: who the programme is for, what it asks."),
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="programme_ends_after_start"),
            models.CheckConstraint(
                condition=Q(group_size_min__lte=F("group_size_target")) & Q(group_size_target__lte=F("group_size_max")),
                name="programme_group_sizes_ordered",
            ),
            models.CheckConstraint(condition=Q(status__in=ProgrammeStatus.values), name="programme_status_valid"),
            models.CheckConstraint(
                condition=Q(sessions_per_month__gte=1, sessions_per_month__lte=4),
                name="programme_sessions_per_month_range",
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=30, session_minutes__lte=240),
                name="programme_session_minutes_range",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="programme_status_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors.setdefault("ends_on", []).append(_("The end date must be after the start date."))
        if None not in (self.group_size_min, self.group_size_target, self.group_size_max):
            if self.group_size_min > self.group_size_target:
                errors.setdefault("group_size_min", []).append(
                    _("The smallest group cannot be larger than the usual group size.")
                )
            if self.group_size_target > self.group_size_max:
                errors.setdefault("group_size_max", []).append(
                    _("The largest group cannot be smaller than the usual group size.")
                )
        if errors:
            raise ValidationError(errors)

    @property
    def midpoint(self) -> datetime.date:
        return self.starts_on + (self.ends_on - self.starts_on) / 2

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The programme's time zone, in which its sessions and events are planned (UTC if the name is unknown)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def coordinators(self):
        """The people who coordinate the programme now and can still be emailed, by name."""
        from accounts.models import User

        return User.objects.filter(
            programme_memberships__programme=self,
            programme_memberships__role=Role.COORDINATOR,
            programme_memberships__status=MembershipStatus.ACTIVE,
            anonymised_at__isnull=True,
            is_active=True,
        ).order_by("display_name", "pk")

    def today(self, now: datetime.datetime | None = None) -> datetime.date:
        """Today's date where the programme runs."""
        return timezone.localdate(now, timezone=self.zone)

    @property
    def is_recruiting(self) -> bool:
        """Applications are open only while the programme recruits."""
        return self.status == ProgrammeStatus.RECRUITING

    @property
    def reminder_offsets(self) -> list[int]:
        """The hours before a session when reminders go out, smallest first; the default if the setting is broken."""
        try:
            return parse_reminder_hours(self.reminder_hours)
        except ValueError:
            return [2, 24]

    @property
    def is_archived(self) -> bool:
        return self.status == ProgrammeStatus.CLOSED

    def next_statuses(self) -> list[ProgrammeStatus]:
        return [ProgrammeStatus(status) for status in TRANSITIONS[self.status]]

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    def move_to(self, status: str, *, by) -> ProgrammeStatusChange:
        """Moves the programme to the next phase of its life and records who did it."""
        with transaction.atomic():
            locked = Programme.objects.select_for_update().get(pk=self.pk)
            if not locked.can_move_to(status):
                raise InvalidTransition(f"{locked.status} → {status} is not allowed")
            change = ProgrammeStatusChange.objects.create(
                programme=locked, from_status=locked.status, to_status=status, changed_by=by
            )
            Programme.objects.filter(pk=self.pk).update(status=status)
            if status == ProgrammeStatus.CLOSED:
                from programmes.models.invitations import InvitationStatus

                # Nobody joins a closed programme: links not used yet stop working.
                locked.invitations.filter(status=InvitationStatus.PENDING).update(
                    status=InvitationStatus.REVOKED, revoked_at=timezone.now()
                )
                from groups.models import AssignmentStatus, MentorAssignment

                # Requests to mentors that nobody answered lapse, and no longer hold a place of theirs.
                MentorAssignment.objects.filter(group__programme=locked, status=AssignmentStatus.PENDING).update(
                    status=AssignmentStatus.WITHDRAWN, decided_at=timezone.now()
                )
        self.status = status
        return change


class ProgrammeStatusChange(models.Model):
    """The history of a programme's status: who moved it, from where to where, and when."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=ProgrammeStatus)
    to_status = models.CharField(_("to"), max_length=20, choices=ProgrammeStatus)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.programme}: {self.from_status} → {self.to_status}"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProgrammeMembership(models.Model):
    """A person's role in a programme. One person may hold several roles, each a row of its own."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="programme_memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    status = models.CharField(_("status"), max_length=20, choices=MembershipStatus, default=MembershipStatus.ACTIVE)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme membership")
        verbose_name_plural = _("programme memberships")
        ordering = ["programme_id", "role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "programme", "role"], name="programme_membership_unique_role"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="programme_membership_role_valid"),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values), name="programme_membership_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="programme_membership_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.programme}"


class GoalArea(models.Model):
    """One of the programme's goal areas: mentees choose the ones they want to work on, mentors where they can help."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="goal_areas")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("goal area")
        verbose_name_plural = _("goal areas")
        ordering = ["programme_id", "position", "name"]
        constraints = [
            models.UniqueConstraint("programme", Lower("name"), name="goal_area_unique_in_programme"),
        ]

    def __str__(self) -> str:
        return self.name
