"""The invitation email: the link to join a programme."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer
from programmes.models import Invitation


@renderer("programmes.invitation", label=_("Invitation to join a programme"))
def invitation(email: OutgoingEmail) -> Rendered | None:
    found = Invitation.objects.select_related("programme", "invited_by").filter(pk=email.object_id).first()
    if found is None or not found.is_usable:
        return None
    return render_templates(
        "invitation",
        {
            "invitation": found,
            "programme": found.programme,
            "url": absolute_url(reverse("join:invitation", kwargs={"token": found.token()})),
        },
    )
