"""The programme event emails: the invitation, a change, a cancellation.

Each shows the time in the recipient's own zone (the outbox renders in it) and in the programme's zone.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer
from programmes.models import ProgrammeEvent
from programmes.services.events import EMAIL_CANCELLED, EMAIL_CHANGED, EMAIL_INVITED, invitees


def _event(email: OutgoingEmail) -> ProgrammeEvent | None:
    return ProgrammeEvent.objects.select_related("programme").filter(pk=email.object_id).first()


def _still_wanted(event: ProgrammeEvent | None, email: OutgoingEmail) -> bool:
    """An invitation or a change is worth sending while the event is on, ahead, and still invites the person."""
    return (
        event is not None
        and not event.is_cancelled
        and event.ends_at > timezone.now()
        and invitees(event).filter(pk=email.recipient_id).exists()
    )


def _render(name: str, event: ProgrammeEvent, email: OutgoingEmail) -> Rendered:
    return render_templates(
        name,
        {
            "event": event,
            "programme": event.programme,
            "recipient": email.recipient,
            "url": absolute_url(reverse("home")),
        },
    )


@renderer(EMAIL_INVITED, label=_("Invitation to an event"))
def event_invitation(email: OutgoingEmail) -> Rendered | None:
    event = _event(email)
    if not _still_wanted(event, email):
        return None
    return _render("event_invitation", event, email)


@renderer(EMAIL_CHANGED, label=_("Event changed"))
def event_changed(email: OutgoingEmail) -> Rendered | None:
    event = _event(email)
    if not _still_wanted(event, email):
        return None
    return _render("event_changed", event, email)


@renderer(EMAIL_CANCELLED, label=_("Event cancelled"))
def event_cancelled(email: OutgoingEmail) -> Rendered | None:
    event = _event(email)
    if event is None or event.ends_at <= timezone.now():
        return None
    return _render("event_cancelled", event, email)
