"""Mentoring groups and the people in them."""

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
    SUPERVISOR = "supervisor", _("Supervisor")  # leads a mentor circle


class MentoringGroup(models.Model):
    """A group of mentees (or, in a mentor circle, of mentors) that meets during a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind, default=GroupKind.MENTOR_LED)
    focus = models.CharField(
        _("focus"), max_length=300, blank=True, help_text=_("What the members have in common, in a line.")
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Peer groups take turns facilitating: the member whose turn it is next (see ``facilitation_rota``).
    next_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitates next"),
    )

    class Meta:
        verbose_name = _("mentoring group")
        verbose_name_plural = _("mentoring groups")
        ordering = ["programme_id", "name"]
        constraints = [
            models.UniqueConstraint("programme", Lower("name"), name="group_name_unique_in_programme"),
            models.CheckConstraint(condition=Q(kind__in=GroupKind.values), name="group_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_peer(self) -> bool:
        return self.kind == GroupKind.PEER

    @property
    def is_circle(self) -> bool:
        return self.kind == GroupKind.MENTOR_CIRCLE

    @property
    def has_mentor(self) -> bool:
        """Whether the group is meant to have a mentor matched to it (a mentor circle has a supervisor instead)."""
        return self.kind == GroupKind.MENTOR_LED

    def led_by(self, role: str | None) -> bool:
        """Whether a member in this role leads the group (schedules and logs its sessions, drafts its contract, sets
        its common goals): the mentors of a mentor-led group, every member of a peer group, the supervisor of a
        mentor circle."""
        if role is None:
            return False
        if self.is_circle:
            return role == GroupRole.SUPERVISOR
        if self.is_peer:
            return True
        return role == GroupRole.MENTOR

    def facilitation_rota(self, members: list[GroupMembership]) -> list[GroupMembership]:
        """A peer group's members in the order they take turns facilitating: the order they joined, then name."""
        return sorted(members, key=lambda m: (m.joined_at, m.user.display_name.casefold(), m.user_id))

    def facilitator_after(self, members: list[GroupMembership]) -> GroupMembership | None:
        """The member whose turn comes after ``next_facilitator`` (the first of the rota if nobody has one)."""
        rota = self.facilitation_rota(members)
        if not rota:
            return None
        ids = [m.user_id for m in rota]
        if self.next_facilitator_id not in ids:
            return rota[0]
        return rota[(ids.index(self.next_facilitator_id) + 1) % len(rota)]


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
        ordering = ["group_id", "role", "user__display_name"]
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
