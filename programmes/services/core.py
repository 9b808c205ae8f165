from __future__ import annotations

from django.db import transaction

from audit.models import AuditAction
from audit.services import record
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, Role


@transaction.atomic
def create_programme(*, by, **fields) -> Programme:
    """Creates a programme in draft with its creator as its first coordinator, and its survey rounds."""
    programme = Programme(**fields)
    programme.full_clean()
    programme.save()
    ProgrammeMembership.objects.create(programme=programme, user=by, role=Role.COORDINATOR)
    record(action=AuditAction.ROLE_ADDED, actor=by, programme=programme, person=by, details={"role": Role.COORDINATOR})
    from feedback.services.rounds import ensure_rounds  # feedback builds on programmes

    ensure_rounds(programme, by=by)
    return programme


@transaction.atomic
def save_programme(form) -> Programme:
    """Saves the programme's details from its form; its survey rounds follow new dates."""
    from feedback.services.rounds import sync_rounds

    programme = form.save()
    sync_rounds(programme)
    return programme


@transaction.atomic
def add_member(*, programme: Programme, user, role: str, by=None) -> ProgrammeMembership:
    """Gives a person a role in a programme. Idempotent; a withdrawn membership becomes active again.

    ``by``: who gave it (the coordinator who accepted an application, the person who accepted an invitation), for
    the audit log; None for the system."""
    membership, created = ProgrammeMembership.objects.select_for_update().get_or_create(
        programme=programme, user=user, role=role
    )
    reactivated = not created and membership.status != MembershipStatus.ACTIVE
    if reactivated:
        membership.status = MembershipStatus.ACTIVE
        membership.left_at = None
        membership.save(update_fields=["status", "left_at"])
    if created or reactivated:
        record(action=AuditAction.ROLE_ADDED, actor=by, programme=programme, person=user, details={"role": role})
    return membership
