"""What mentors and coordinators write about the programme: each mentor's evaluation of their group at mid-point
and at the end, and the coordinator's notes of interviews with participants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    MIDPOINT = "midpoint", _("Mid-point")
    END = "end", _("End of programme")


class GroupEvaluation(models.Model):
    """The mentor's evaluation of their group and conclusions, for the coordinator: one per group per stage."""

    group = models.ForeignKey("groups.MentoringGroup", on_delete=models.PROTECT, related_name="evaluations")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    how_it_went = models.TextField(_("how the group is going"), blank=True)
    achievements = models.TextField(_("what the group has achieved"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    conclusions = models.TextField(_("conclusions and suggestions"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), default=timezone.now)
    submitted_at = models.DateTimeField(_("sent to the coordinator"), null=True, blank=True)

    class Meta:
        verbose_name = _("group evaluation")
        verbose_name_plural = _("group evaluations")
        ordering = ["group_id", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["group", "stage"], name="group_evaluation_one_per_stage"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="group_evaluation_stage_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.group} – {self.get_stage_display()}"


class Interview(models.Model):
    """A coordinator's notes of an interview with a mentee or a mentor."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="interviews")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage, default=Stage.END)
    held_on = models.DateField(_("date"))
    accomplishments = models.TextField(_("accomplishments"), blank=True)
    results = models.TextField(_("results"), blank=True)
    comments = models.TextField(_("comments"), blank=True)
    concerns = models.TextField(_("concerns"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["programme_id", "-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="interview_stage_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.held_on}"
