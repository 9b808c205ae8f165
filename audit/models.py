"""The audit log: one row per sensitive action, written once and never changed.

An event names the people it is about through foreign keys, never by copying their names: when a person is erased,
their user row is anonymised in place, so the log then shows "Former participant" without a single event being
changed. ``subject`` and ``details`` hold only what may be shown to every coordinator of the programme (a group's
name, a version number, how many rows were exported), never what anybody wrote or said: see DESIGN.md,
"Confidentiality".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programmes.models import Programme, Role


class AuditAction(models.TextChoices):
    ROLE_ADDED = "role_added", _("Role given")
    ROLE_WITHDRAWN = "role_withdrawn", _("Role ended")
    PERSON_ERASED = "person_erased", _("Personal data erased")
    ACCOUNT_DELETED = "account_deleted", _("Account deleted")
    EXPORT_PEOPLE = "export_people", _("People exported")
    EXPORT_SURVEY_RESPONSES = "export_survey_responses", _("Survey responses exported")
    EXPORT_DASHBOARD = "export_dashboard", _("Group figures exported")
    CONTRACT_AMENDED = "contract_amended", _("Contract amendment proposed")
    CONTRACT_WITHDRAWN = "contract_withdrawn", _("Contract version withdrawn")
    CONCERNS_VIEWED = "concerns_viewed", _("Concerns read")


# What a withdrawn contract version had been (``groups.models.VersionStatus``), in the log's words.
WAS = {"draft": _("was a draft"), "proposed": _("had been proposed to the group")}


class AuditEventImmutable(Exception):
    """Audit events are written once: they cannot be changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):
        raise AuditEventImmutable("Audit events cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditEventImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditEventImmutable("Audit events cannot be deleted.")

    delete.queryset_only = True


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("who"),
        help_text=_("Empty when the system did it."),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="audit_events",
        null=True,
        blank=True,
        verbose_name=_("programme"),
        help_text=_("Empty for what happens outside a programme, such as a person deleting their own account."),
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("concerning"),
        help_text=_("The person the action was about, if any."),
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        base_manager_name = "objects"
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="audit_event_action_valid"),
        ]
        indexes = [
            models.Index(fields=["at"], name="audit_event_at_idx"),
            models.Index(fields=["programme", "-at"], name="audit_event_programme_idx"),
            models.Index(fields=["programme", "action", "-at"], name="audit_event_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditEventImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events cannot be deleted.")

    @property
    def summary(self) -> str:
        """The event's details in words, in the reader's language: a role, a number of rows, a version."""
        details = self.details or {}
        parts = []
        if details.get("role") in Role.values:
            parts.append(str(Role(details["role"]).label))
        if "version" in details:
            parts.append(_("version %(number)s") % {"number": details["version"]})
        if details.get("was") in WAS:
            parts.append(str(WAS[details["was"]]))
        if "rows" in details:
            rows = details["rows"]
            parts.append(ngettext("%(count)s row", "%(count)s rows", rows) % {"count": rows})
        if "concerns" in details:
            count = details["concerns"]
            parts.append(ngettext("%(count)s concern shown", "%(count)s concerns shown", count) % {"count": count})
        return " · ".join(parts)
