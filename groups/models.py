from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme


class GroupKind(models.TextChoices):
    MENTOR_LED = "mentor_led", _("Mentor-led group")
    PEER = "peer", _("Peer group")
    MENTOR_CIRCLE = "mentor_circle", _("Mentor circle")


class GroupRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class MentoringGroup(models.Model):
    """A group of mentees (or, in a mentor circle, of mentors) that meets during a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind, default=GroupKind.MENTOR_LED)
    focus = models.CharField(
        _("focus"), max_length=300, blank=True, help_text=_("What the members have in common, in a line.")
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mentoring group")
        verbose_name_plural = _("mentoring groups")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint("programme", Lower("name"), name="group_name_unique_in_programme"),
            models.CheckConstraint(condition=Q(kind__in=GroupKind.values), name="group_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembershipQuerySet(models.QuerySet["GroupMembership"]):
    def current(self) -> GroupMembershipQuerySet:
        return self.filter(left_at__isnull=True)


class GroupMembership(models.Model):
    """A person in a group. Leaving keeps the row (attendance and contracts refer to it)."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_memberships")
    role = models.CharField(_("role"), max_length=20, choices=GroupRole)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    objects = GroupMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=Q(left_at__isnull=True), name="group_membership_one_current"
            ),
            models.CheckConstraint(condition=Q(role__in=GroupRole.values), name="group_membership_role_valid"),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="group_membership_left_after_joined",
            ),
        ]
        indexes = [
            models.Index(fields=["user"], condition=Q(left_at__isnull=True), name="group_membership_current_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.group}"
