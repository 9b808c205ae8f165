from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Dashboards and reports: what coordinators read across groups, sessions, contracts, goals and feedback. It has
    no models of its own; every figure is computed in the database from the other apps' data."""

    name = "reports"
    verbose_name = _("Reports")
