from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Questionnaires, survey rounds, answers and results; mentors' evaluations and coordinators' interviews."""

    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from feedback import emails  # noqa: F401  (registers the survey invitation and reminder with the outbox)
