"""The decision email: the applicant learns what the coordinators decided about their application."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer
from programmes.models import Application
from programmes.services.applications import DECISION_EMAIL, decision_stamp


@renderer(DECISION_EMAIL, label=_("Decision on an application"))
def application_decision(email: OutgoingEmail) -> Rendered | None:
    application = Application.objects.select_related("programme", "applicant").filter(pk=email.object_id).first()
    if application is None or application.applicant.anonymised_at or application.decided_at is None:
        return None
    # The key names the decision the email is about. If a newer decision replaced it before the email went out,
    # the newer one's email tells the applicant, and this one is no longer wanted.
    status, stamp = email.key.split(":")[-2:]
    if application.status != status or decision_stamp(application.decided_at) != stamp:
        return None
    return render_templates(
        "application_decision",
        {
            "application": application,
            "programme": application.programme,
            "applicant": application.applicant,
            "message": application.decision_message,
            "url": absolute_url(reverse("join:my_application", kwargs={"application_pk": application.pk})),
        },
    )
