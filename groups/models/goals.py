"""Goals: the group's common goals and each mentee's own, with a history of progress updates.

A common goal has no owner and the whole group sees it. An individual goal belongs to a mentee: they and the
group's mentors see it, and the mentee may share it with the group. Coordinators see counts and statuses only,
never the text (see ``groups.services.goals``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models.core import MentoringGroup


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    CHANGED = "changed", _("Changed")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    group = models.ForeignKey(MentoringGroup, on_delete=models.PROTECT, related_name="goals")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        help_text=_("Empty for a common goal of the group."),
    )
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("how I will work on it"), blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus, default=GoalStatus.NOT_STARTED)
    shared_with_group = models.BooleanField(
        _("share with my group"), default=False, help_text=_("Your mentor always sees your goals.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["group_id", "owner", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="goal_status_valid"),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(shared_with_group=True), name="goal_common_is_shared"
            ),
        ]
        indexes = [models.Index(fields=["group", "owner"], name="goal_group_owner_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_common(self) -> bool:
        return self.owner_id is None


class GoalUpdate(models.Model):
    """Progress on a goal: its status from then on, a short note and when. The updates are the goal's history."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("goal update")
        verbose_name_plural = _("goal updates")
        ordering = ["goal_id", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="goal_update_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.goal} – {self.get_status_display()}"
