"""The feedback emails, registered with the outbox: the survey invitation when a round opens, one reminder to those
who have not answered, and the note to coordinators that a group's evaluation was sent.

The survey emails carry the person's own link (a signed token: it opens their survey without signing in). At send
time their renderer checks again and sends nothing when the person has answered meanwhile, the round is no longer
open, or the person can no longer be asked."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from feedback.models import GroupEvaluation, Respondent, RoundStatus
from feedback.services.evaluations import EVALUATION_SENT_EMAIL
from feedback.services.responding import token_for
from feedback.services.rounds import INVITATION_EMAIL, REMINDER_EMAIL
from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer


def _respondents():
    return Respondent.objects.select_related(
        "round__programme", "round__mentee_questionnaire", "round__mentor_questionnaire"
    )


def preload_respondents(emails: list[OutgoingEmail]) -> None:
    """For a batch of survey emails: every respondent in one query."""
    found = _respondents().filter(
        round_id__in={email.object_id for email in emails}, user_id__in={email.recipient_id for email in emails}
    )
    by_key = {(respondent.round_id, respondent.user_id): respondent for respondent in found}
    for email in emails:
        email.preloaded = by_key.get((email.object_id, email.recipient_id))


def respondent_to_ask(email: OutgoingEmail) -> Respondent | None:
    """The respondent of a survey email, if the email still applies."""
    person = email.recipient
    if person is None or not person.is_active or person.anonymised_at or not person.email:
        return None
    if hasattr(email, "preloaded"):
        respondent = email.preloaded
    else:
        respondent = _respondents().filter(round_id=email.object_id, user_id=person.pk).first()
    if (
        respondent is None
        or respondent.submitted_at is not None
        or respondent.round.status != RoundStatus.OPEN
        or respondent.round.programme.is_archived
    ):
        return None
    return respondent


def _render(name: str, email: OutgoingEmail) -> Rendered | None:
    respondent = respondent_to_ask(email)
    if respondent is None:
        return None
    survey_round = respondent.round
    questionnaire = survey_round.questionnaire_for(respondent.role)
    return render_templates(
        name,
        {
            "recipient": email.recipient,
            "round": survey_round,
            "programme": survey_round.programme,
            "questionnaire": questionnaire,
            "url": absolute_url(reverse("feedback:answer_by_link", kwargs={"token": token_for(respondent)})),
        },
    )


@renderer(INVITATION_EMAIL, label=_("Invitation to a survey"), preload=preload_respondents)
def survey_invitation(email: OutgoingEmail) -> Rendered | None:
    return _render("survey_invitation", email)


@renderer(REMINDER_EMAIL, label=_("Reminder of a survey"), preload=preload_respondents)
def survey_reminder(email: OutgoingEmail) -> Rendered | None:
    return _render("survey_reminder", email)


@renderer(EVALUATION_SENT_EMAIL, label=_("Group evaluation sent"))
def evaluation_sent(email: OutgoingEmail) -> Rendered | None:
    """To each coordinator: a group's mentor sent the group's evaluation; the link to read it. The email names the
    group and the stage, never what the evaluation says. Not sent to someone who no longer coordinates."""
    from groups.services.concerns import is_coordinator_of

    evaluation = (
        GroupEvaluation.objects.select_related("group__programme", "author")
        .filter(pk=email.object_id, submitted_at__isnull=False)
        .first()
    )
    recipient = email.recipient
    if evaluation is None or recipient is None or not is_coordinator_of(recipient, evaluation.group.programme_id):
        return None
    group = evaluation.group
    return render_templates(
        "evaluation_sent",
        {
            "group": group,
            "programme": group.programme,
            "evaluation": evaluation,
            "recipient": recipient,
            "url": absolute_url(
                reverse(
                    "surveys:evaluation",
                    kwargs={"pk": group.programme_id, "group_pk": group.pk, "stage": evaluation.stage},
                )
            ),
        },
    )
