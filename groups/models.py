from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import AgePreference, GenderPreference, Programme


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
        ordering = ["programme", "name"]
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
