"""Survey rounds: a questionnaire sent to a programme's mentees and mentors between two dates, the people asked
(``Respondent``), and what they answered (``Response``, ``Answer``).

Anonymous rounds: while a response is a draft it belongs to its respondent, so the person can come back to it. On
submission the link is cut (``Response.respondent`` and ``Response.group`` become empty, ``started`` becomes the
start of the day) and only the respondent's role is kept with the answers, with the date, not the time.
``Respondent.submitted_at`` then records that the person answered, for response rates and reminders, and nothing
ties it to the answers.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models.questionnaires import Question, Questionnaire


class RoundKind(models.TextChoices):
    MIDPOINT = "midpoint", _("Mid-point")
    END = "end", _("End of programme")
    OTHER = "other", _("Other")


class RoundStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RespondentRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


DEFAULT_REMIND_AFTER_DAYS = 7
DEFAULT_OPEN_DAYS = 21
ANONYMITY_THRESHOLD = 3  # an anonymous round shows results only from this many responses


class SurveyRound(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="survey_rounds", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind, default=RoundKind.OTHER)
    name = models.CharField(_("name"), max_length=200)
    mentee_questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("questionnaire for mentees"),
    )
    mentor_questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("questionnaire for mentors"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The last day to answer."))
    remind_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        default=DEFAULT_REMIND_AFTER_DAYS,
        help_text=_("Those who have not answered get one reminder this many days after the invitation."),
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers are not linked to names, and results show only from three responses."),
    )
    # Rounds made from the programme's dates follow them when the dates change, until someone sets the dates by hand.
    follows_programme = models.BooleanField(default=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=RoundStatus, default=RoundStatus.SCHEDULED)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["programme_id", "opens_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RoundKind.values), name="survey_round_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=RoundStatus.values), name="survey_round_status_valid"),
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="survey_round_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(mentee_questionnaire__isnull=False) | Q(mentor_questionnaire__isnull=False),
                name="survey_round_has_a_questionnaire",
            ),
            # One mid-point and one end-of-programme round per programme.
            models.UniqueConstraint(
                fields=["programme", "kind"], condition=~Q(kind="other"), name="survey_round_one_per_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["opens_on"], condition=Q(status="scheduled"), name="survey_round_to_open_idx"),
            models.Index(fields=["closes_on"], condition=Q(status="open"), name="survey_round_open_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_scheduled(self) -> bool:
        return self.status == RoundStatus.SCHEDULED

    def questionnaire_for(self, role: str) -> Questionnaire | None:
        return self.mentor_questionnaire if role == RespondentRole.MENTOR else self.mentee_questionnaire

    def closes_at(self) -> datetime.datetime:
        """The end of the closing day where the programme runs."""
        zone = self.programme.zone
        day_after = self.closes_on + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time.min, tzinfo=zone)


def new_token_nonce() -> str:
    return secrets.token_urlsafe(12)


class Respondent(models.Model):
    """A person asked to answer a round: one row per person per round, written when the round opens."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="survey_invitations")
    role = models.CharField(_("role"), max_length=20, choices=RespondentRole)
    group = models.ForeignKey(
        "groups.MentoringGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Part of the signed link in the emails; a new nonce makes old links stop working.
    token_nonce = models.CharField(max_length=32, default=new_token_nonce)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["round_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="respondent_one_per_person_per_round"),
            models.CheckConstraint(condition=Q(role__in=RespondentRole.values), name="respondent_role_valid"),
        ]
        indexes = [
            models.Index(
                fields=["round", "invited_at"], condition=Q(submitted_at__isnull=True), name="respondent_waiting_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.round}"

    @property
    def has_answered(self) -> bool:
        return self.submitted_at is not None


class Response(models.Model):
    """One person's answers to a round, or a member's pulse after a session (``meeting`` and ``user`` set, no round).
    A draft until submitted; then it never changes. Pulses are shown only in aggregate."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, null=True, blank=True, related_name="responses")
    meeting = models.ForeignKey(
        "groups.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="pulses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    # Empty once an anonymous response is submitted.
    respondent = models.OneToOneField(
        Respondent, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    role = models.CharField(_("role"), max_length=20, choices=RespondentRole)
    group = models.ForeignKey(
        "groups.MentoringGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started = models.DateTimeField(_("started"), default=timezone.now)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["round_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=RespondentRole.values), name="response_role_valid"),
            # A draft always belongs to someone; only a submitted anonymous response has no respondent.
            models.CheckConstraint(
                condition=Q(respondent__isnull=False) | Q(user__isnull=False) | Q(submitted_on__isnull=False),
                name="response_draft_has_respondent",
            ),
            # Either an answer to a round or a pulse after a session, by someone.
            models.CheckConstraint(
                condition=(Q(round__isnull=False) & Q(meeting__isnull=True))
                | (Q(round__isnull=True) & Q(meeting__isnull=False) & Q(user__isnull=False)),
                name="response_round_or_pulse",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(meeting__isnull=False), name="response_one_pulse_per_person"
            ),
            # A pulse is its session's group's, which the dashboard reads without going through the session.
            models.CheckConstraint(
                condition=Q(meeting__isnull=True) | Q(group__isnull=False), name="response_pulse_has_group"
            ),
        ]
        indexes = [
            models.Index(
                fields=["round", "role"], condition=Q(submitted_on__isnull=False), name="response_submitted_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_on is not None


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.number if self.number is not None else self.text or self.choices}"
