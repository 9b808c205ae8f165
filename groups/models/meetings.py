"""Sessions: the meetings of a group (called ``Meeting`` in code, "session" on the pages, because Django already
has sessions), their attendance, action items, the members' reflections, and concerns raised with the
coordinator.

Confidentiality (DESIGN.md): a session's summary, topics, briefing, action items and the reflections are for the
group and its mentor; the coordinator sees dates, whether it was held, attendance and counts. A concern is what a
member chooses to raise with the coordinator, so its text is for the coordinators and its author.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models.core import MentoringGroup


class MeetingKind(models.TextChoices):
    GROUP = "group", _("Group session")
    CHECK_IN = "check_in", _("One-to-one check-in")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """A session of a group (a mentor circle's too), or a one-to-one check-in with one member."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind, default=MeetingKind.GROUP)
    with_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("with"),
        help_text=_("For a one-to-one check-in: the member it is with."),
    )
    starts_at = models.DateTimeField(_("starts"))
    minutes = models.PositiveSmallIntegerField(
        _("length in minutes"), default=90, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus, default=MeetingStatus.SCHEDULED)
    # Calendar invitations: the same UID for the life of the session; every change sends a higher SEQUENCE.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    series = models.UUIDField(null=True, blank=True, help_text=_("Sessions scheduled together share this."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("scheduled on"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The log, written after the session by the mentor (the facilitator in a peer group, the supervisor in a
    # mentor circle).
    held = models.BooleanField(_("held"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    topics = models.CharField(_("topics"), max_length=500, blank=True)
    briefing = models.TextField(
        _("briefing for those who missed it"),
        blank=True,
        help_text=_("Sent by email to the members who were not there."),
    )
    logged_at = models.DateTimeField(_("logged"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The session's attendance marks, counted (``recount_attendance``) whenever they change, so that dashboards sum
    # one row per session instead of reading every mark.
    marks_count = models.PositiveIntegerField(default=0, editable=False)
    present_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["group_id", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(
                condition=Q(kind=MeetingKind.CHECK_IN, with_member__isnull=False)
                | Q(kind=MeetingKind.GROUP, with_member__isnull=True),
                name="meeting_check_in_has_one_member",
            ),
            models.CheckConstraint(
                condition=Q(status=MeetingStatus.CANCELLED, cancelled_at__isnull=False)
                | Q(status=MeetingStatus.SCHEDULED, cancelled_at__isnull=True),
                name="meeting_cancelled_when_cancelled_at",
            ),
            models.CheckConstraint(
                condition=Q(logged_at__isnull=True) | Q(held__isnull=False), name="meeting_log_says_if_held"
            ),
            models.CheckConstraint(
                condition=Q(present_count__lte=F("marks_count")), name="meeting_present_within_marks"
            ),
        ]
        indexes = [
            # What the reminder sweeper scans: sessions still to come.
            models.Index(
                fields=["starts_at"], condition=Q(status=MeetingStatus.SCHEDULED), name="meeting_scheduled_idx"
            ),
            models.Index(fields=["group", "starts_at"], name="meeting_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.group} – {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_logged(self) -> bool:
        return self.logged_at is not None

    def recount_attendance(self) -> None:
        """Counts the session's attendance marks again and stores the counts. Whatever writes marks calls it
        afterwards: the session log, and the admin."""
        counts = self.attendance.aggregate(
            marks=Count("pk"), present=Count("pk", filter=Q(status=AttendanceMark.PRESENT))
        )
        self.marks_count, self.present_count = counts["marks"], counts["present"]
        Meeting.objects.filter(pk=self.pk).update(marks_count=self.marks_count, present_count=self.present_count)


class AttendanceMark(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Absent with notice")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=20, choices=AttendanceMark)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once_per_session"),
            models.CheckConstraint(condition=Q(status__in=AttendanceMark.values), name="attendance_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_status_display()}"


class ActionItem(models.Model):
    """Something someone agreed to do by the next session."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items"
    )
    text = models.CharField(_("what"), max_length=300)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting_id", "due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(done_at__isnull=True), name="action_item_open_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class Reflection(models.Model):
    """A member's own thoughts after a session: for them and the mentor, unless they share it with the group."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reflections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reflection"))
    shared_with_group = models.BooleanField(_("share with my group"), default=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="reflection_one_per_person_and_session"),
        ]

    def __str__(self) -> str:
        return f"{self.author} – {self.meeting}"


class ConcernStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Concern(models.Model):
    """Something a mentor or mentee raises with the coordinators from their group's pages."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.PROTECT, related_name="concerns")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what worries you"))
    status = models.CharField(_("status"), max_length=20, choices=ConcernStatus, default=ConcernStatus.OPEN)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ConcernStatus.values), name="concern_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ConcernStatus.OPEN, resolved_at__isnull=True)
                | Q(status=ConcernStatus.RESOLVED, resolved_at__isnull=False),
                name="concern_resolved_when_resolved_at",
            ),
        ]
        indexes = [models.Index(fields=["group"], condition=Q(status="open"), name="concern_open_idx")]

    def __str__(self) -> str:
        return f"{self.group} – {self.get_status_display()}"
