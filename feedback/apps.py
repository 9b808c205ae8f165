from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Questionnaires, survey rounds and their results (built by the feedback issue)."""

    name = "feedback"
    verbose_name = _("Feedback")
