"""Writing to the audit log, and reading a programme's part of it.

``record`` is called by the workflows and views that do something sensitive, inside their transaction where they
have one, so that an action that is rolled back leaves no event, and an event that cannot be written stops the
action. What it stores must be fit for every coordinator of the programme to read: names come from the people
the event points to, and ``subject`` and ``details`` never hold what anybody wrote.
"""

from __future__ import annotations

import json

from django.db.models import QuerySet

from accounts.models import User
from audit.models import AuditAction, AuditEvent
from programmes.models import Programme

SUBJECT_MAX = 200
DETAILS_MAX = 500  # characters of JSON: a few numbers and short keys, nothing more


def record(
    *,
    action: str,
    actor: User | None,
    programme: Programme | None = None,
    person: User | None = None,
    subject: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Writes one event. ``actor`` None: the system did it. ``person``: whom the action was about.

    ``details`` is a small dict of JSON values (a role, a count, a version number); anything bigger is refused,
    because the log is not the place for content."""
    details = details or {}
    if len(json.dumps(details)) > DETAILS_MAX:
        raise ValueError("Audit details must be a few small values, not content.")
    return AuditEvent.objects.create(
        action=AuditAction(action),
        actor=actor if actor is not None and actor.is_authenticated else None,
        programme=programme,
        person=person,
        subject=(subject or "")[:SUBJECT_MAX],
        details=details,
    )


def programme_log(programme: Programme, *, action: str = "") -> QuerySet[AuditEvent]:
    """The programme's events, the newest first, with the people they name: one query per page."""
    events = programme.audit_events.select_related("actor", "person").order_by("-at", "-pk")
    if action:
        events = events.filter(action=action)
    return events
