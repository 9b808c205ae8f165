"""The survey emails, registered with the outbox: the invitation when a round opens, and one reminder to those who
have not answered. Each carries the person's own link (a signed token: it opens their survey without signing in).

At send time the renderer checks again and sends nothing when the person has answered meanwhile, the round is no
longer open, or the person can no longer be asked."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from feedback.models import Respondent, RoundStatus
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
