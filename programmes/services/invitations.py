"""Inviting people into a programme, and the invitee's side: accepting, with or without an account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User
from outbox.services import queue_email
from programmes.models import (
    Invitation,
    InvitationStatus,
    MentorProfile,
    Programme,
    ProgrammeMembership,
    Role,
)
from programmes.services.core import add_member

EMAIL_KIND = "programmes.invitation"


@dataclass(frozen=True)
class Invitee:
    email: str
    role: str
    name: str = ""


class InvitationUnusable(Exception):
    """The link was used, revoked, replaced by a newer one, or has expired. ``state`` says which (None: unknown)."""

    def __init__(self, state: str | None):
        super().__init__(state or "unknown")
        self.state = state


class AccountExists(Exception):
    """Someone tried to sign up through an invitation for an address that already has an account."""


@transaction.atomic
def invite(*, programme: Programme, invitees: Sequence[Invitee], by: User) -> list[Invitation]:
    """Invites each person in their role and queues the emails for when the transaction commits.

    Inviting an address that already has a pending invitation in that role renews it (a new link and a new
    expiry) and sends it again, rather than creating a second one.
    """
    # One invite at a time per programme: two coordinators (or a double click) inviting the same address at the
    # same moment would otherwise both create a pending invitation and one would fail on the unique constraint.
    Programme.objects.select_for_update().only("pk").get(pk=programme.pk)
    invitations = []
    for invitee in invitees:
        email = User.objects.normalize_email(invitee.email)
        invitation = (
            Invitation.objects.select_for_update()
            .filter(programme=programme, email__iexact=email, role=invitee.role, status=InvitationStatus.PENDING)
            .first()
        )
        if invitation is None:
            invitation = Invitation(programme=programme, email=email, role=invitee.role, invited_by=by)
        if invitee.name:
            invitation.name = invitee.name.strip()
        invitations.append(_send(invitation))
    return invitations


@transaction.atomic
def resend(*, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working), a new expiry, and the email again. Pending or expired only."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != InvitationStatus.PENDING:
        raise InvitationUnusable(locked.state)
    return _send(locked)


@transaction.atomic
def revoke(*, invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != InvitationStatus.PENDING:
        raise InvitationUnusable(locked.state)
    locked.status = InvitationStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["status", "revoked_at"])
    return locked


def _send(invitation: Invitation) -> Invitation:
    now = timezone.now()
    invitation.renew(now=now)
    invitation.sent_count += 1
    invitation.last_sent_at = now
    invitation.save()
    existing = User.objects.filter(email__iexact=invitation.email).only("pk", "language").first()
    queue_email(
        kind=EMAIL_KIND,
        obj=invitation,
        to=invitation.email,
        key=f"{EMAIL_KIND}:{invitation.pk}:{invitation.sent_count}",
        programme_id=invitation.programme_id,
        recipient=existing,
        # Someone without an account yet gets the language the coordinator was using when they invited.
        language=existing.language if existing else translation.get_language(),
    )
    return invitation


def find(token: str) -> Invitation | None:
    return Invitation.objects.for_token(token).select_related("programme", "invited_by").first()


def _lock_usable(token: str) -> Invitation:
    invitation = Invitation.objects.select_for_update().for_token(token).select_related("programme").first()
    if invitation is None:
        raise InvitationUnusable(None)
    if not invitation.is_usable:
        raise InvitationUnusable(invitation.state)
    if invitation.programme.is_archived:  # closing revokes pending links; this guards any left behind
        raise InvitationUnusable(InvitationStatus.REVOKED)
    return invitation


@transaction.atomic
def accept(*, token: str, user: User) -> ProgrammeMembership:
    """The invitee joins the programme in the invited role; the link is used up in the same transaction."""
    invitation = _lock_usable(token)
    membership = add_member(programme=invitation.programme, user=user, role=invitation.role, by=user)
    if invitation.role == Role.MENTOR:
        MentorProfile.objects.get_or_create(user=user)  # every mentor is in the mentor data bank
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def sign_up_and_accept(*, token: str, display_name: str, password: str, language: str, time_zone: str) -> User:
    """A new person creates their account from the invitation. The link reached their mailbox, so the address
    is verified; the account, the membership and the used link are saved together or not at all."""
    invitation = _lock_usable(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise AccountExists(invitation.email)
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        display_name=display_name.strip() or invitation.name,
        language=language,
        time_zone=time_zone,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    accept(token=token, user=user)
    return user
