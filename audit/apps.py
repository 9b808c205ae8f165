from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit log: who did something sensitive in a programme (roles, exports, contract amendments, erasures,
    reading the concerns), and when. Coordinators read it; nobody can change or delete it."""

    name = "audit"
    verbose_name = _("Audit log")
