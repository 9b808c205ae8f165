from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models.core import Programme


class EventKind(models.TextChoices):
    MENTOR_TRAINING = "mentor_training", _("Training for mentors")
    MENTEE_TRAINING = "mentee_training", _("Training for mentees")
    FINAL_MEETING = "final_meeting", _("Final common meeting")
    OTHER = "other", _("Other event")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Absent with notice")
    ABSENT = "absent", _("Absent")


class ProgrammeEvent(models.Model):
    """A training, the final common meeting or another event of the whole programme, beyond the groups' sessions."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind, default=EventKind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("An address or a room."))
    link = models.URLField(_("video link"), blank=True, help_text=_("For an online event."))
    for_mentors = models.BooleanField(_("all mentors"), default=False)
    for_mentees = models.BooleanField(_("all mentees"), default=False)
    groups = models.ManyToManyField(
        "groups.MentoringGroup", blank=True, related_name="programme_events", verbose_name=_("groups")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="programme_event_ends_after_start"),
            models.CheckConstraint(condition=~Q(place="", link=""), name="programme_event_has_place_or_link"),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="programme_event_kind_valid"),
        ]
        indexes = [models.Index(fields=["programme", "starts_at"], name="programme_event_start_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class EventAttendance(models.Model):
    """Whether an invitee came to a programme event."""

    event = models.ForeignKey(ProgrammeEvent, on_delete=models.PROTECT, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="event_attendance")
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceStatus)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("event attendance")
        verbose_name_plural = _("event attendance")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="event_attendance_one_per_person"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="event_attendance_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.event}: {self.status}"
