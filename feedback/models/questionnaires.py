"""Questionnaires: an ordered list of questions, written by the product (the defaults every programme starts from)
or by a programme's coordinators. A questionnaire that has been sent is frozen: its questions are what people
answered, so changing it makes a new copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    MENTEES = "mentees", _("Mentees")
    MENTORS = "mentors", _("Mentors")
    BOTH = "both", _("Mentees and mentors")


class Purpose(models.TextChoices):
    MIDPOINT = "midpoint", _("Mid-point survey")
    END = "end", _("End-of-programme survey")
    PULSE = "pulse", _("Pulse after a session")
    OTHER = "other", _("Other survey")


class QuestionKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement scale (1-5)")
    RATING = "rating", _("Rating from 0 to 10")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    YES_NO = "yes_no", _("Yes or no")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


# The kinds answered with a number, and their range.
NUMBER_RANGES = {
    QuestionKind.AGREEMENT: (1, 5),
    QuestionKind.RATING: (0, 10),
    QuestionKind.YES_NO: (0, 1),
}
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
# The key of the 0-10 question "how likely are you to recommend the programme": the recommendation score's source.
RECOMMEND_KEY = "recommend"


class Questionnaire(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="questionnaires", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200)
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the questions: why you ask and how answers are used.")
    )
    purpose = models.CharField(_("used for"), max_length=20, choices=Purpose, default=Purpose.OTHER)
    audience = models.CharField(_("who answers"), max_length=20, choices=Audience, default=Audience.BOTH)
    copy_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies", verbose_name=_("copy of")
    )
    frozen_at = models.DateTimeField(
        _("sent"), null=True, blank=True, help_text=_("Once sent, a questionnaire no longer changes.")
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["programme_id", "purpose", "audience", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(purpose__in=Purpose.values), name="questionnaire_purpose_valid"),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="questionnaire_audience_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def freeze(self, now=None) -> None:
        if self.frozen_at is None:
            self.frozen_at = now or timezone.now()
            Questionnaire.objects.filter(pk=self.pk, frozen_at__isnull=True).update(frozen_at=self.frozen_at)

    def answered_by(self, role: str) -> bool:
        """Whether someone in this programme role (mentor or mentee) answers this questionnaire."""
        return self.audience == Audience.BOTH or self.audience == ("mentors" if role == "mentor" else "mentees")


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For single and multiple choice: the options, in order.")
    )
    # Questions with the same key in two questionnaires ask the same thing: results compare them side by side.
    key = models.SlugField(_("key"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def number_range(self) -> tuple[int, int] | None:
        return NUMBER_RANGES.get(self.kind)

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS
