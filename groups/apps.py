from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Mentoring groups")

    def ready(self) -> None:
        from groups import (
            emails,  # noqa: F401  (registers the matching emails with the outbox)
            emails_concerns,  # noqa: F401  (registers the concern emails)
            emails_contracts,  # noqa: F401  (registers the contract emails)
            emails_goals,  # noqa: F401  (registers the goal review email)
            emails_reminders,  # noqa: F401  (registers the session, log and action item reminders)
            emails_session_log,  # noqa: F401  (registers the briefing for those who missed a session)
            emails_sessions,  # noqa: F401  (registers the session invitations, changes and cancellations)
        )
