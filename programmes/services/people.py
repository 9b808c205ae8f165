"""A programme's people: withdrawing a member, and erasing a person's personal data without losing the history.

Erasing ("anonymising") keeps every row that the programme's history and figures stand on (memberships, group
memberships, applications, attendance, feedback ratings, sent emails) and removes what identifies the person:
their name and address, what they wrote about themselves, and what others wrote about them.
"""

from __future__ import annotations

import enum
import logging
import re

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from audit.models import AuditAction
from audit.services import record
from feedback.models import Answer, Interview
from groups.models import (
    AssignmentStatus,
    Concern,
    Contract,
    Goal,
    GoalUpdate,
    GroupMembership,
    MentorAssignment,
    Reflection,
)
from outbox.models import EmailStatus, OutgoingEmail
from programmes.models import (
    Application,
    Invitation,
    InvitationStatus,
    MembershipStatus,
    MentorFeedback,
    MentorProfile,
    Programme,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
)

logger = logging.getLogger(__name__)

# Stored in the default language, like every other value in the database; pages translate it when they show it.
ERASED_NAME = gettext_noop("Former participant")

# What a person wrote in an application about themselves, and the coordinators' note about them.
APPLICATION_TEXT_FIELDS = (
    "goals",
    "field",
    "support_expected",
    "mentor_kind",
    "mentor_background",
    "expertise",
    "background",
    "motivation",
    "languages",
    "accessibility_needs",
    "availability_note",
    "decision_note",
    "decision_message",
)
PROFILE_TEXT_FIELDS = ("expertise", "background", "languages", "motivation", "availability_note")


def erased_email(user: User) -> str:
    """The address an erased person's account and history carry instead of theirs. ``.invalid`` never delivers."""
    return f"erased-{user.pk}@erased.invalid"


# Withdrawing ---------------------------------------------------------------------------------------------


class WithdrawRefused(Exception):
    """The membership cannot be withdrawn; ``reason`` says why."""

    PROGRAMME_CLOSED = "programme_closed"
    LAST_COORDINATOR = "last_coordinator"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def withdraw_member(*, membership: ProgrammeMembership, by: User | None = None) -> ProgrammeMembership:
    """Ends a person's role in a programme, and their place in the programme's groups in that role.

    Nothing is deleted: the membership and the group memberships keep their rows with the day they ended.
    Refuses in a closed programme, and for the last active coordinator (someone must run the programme).
    Withdrawing a membership that has already ended changes nothing.
    """
    locked = ProgrammeMembership.objects.select_for_update().select_related("programme").get(pk=membership.pk)
    programme = locked.programme
    if programme.is_archived:
        raise WithdrawRefused(WithdrawRefused.PROGRAMME_CLOSED)
    if locked.status != MembershipStatus.ACTIVE:
        return locked
    if locked.role == Role.COORDINATOR:
        # Lock every active coordinator, so that two coordinators cannot withdraw each other at the same time.
        coordinators = list(
            programme.memberships.select_for_update()
            .filter(role=Role.COORDINATOR, status=MembershipStatus.ACTIVE)
            .values_list("pk", flat=True)
        )
        if coordinators == [locked.pk]:
            raise WithdrawRefused(WithdrawRefused.LAST_COORDINATOR)
    now = timezone.now()
    locked.status = MembershipStatus.WITHDRAWN
    locked.left_at = now
    locked.save(update_fields=["status", "left_at"])
    leaving = GroupMembership.objects.current().filter(
        group__programme=programme, user_id=locked.user_id, role=locked.role
    )
    group_ids = list(leaving.values_list("group_id", flat=True))
    leaving.update(left_at=now)
    if locked.role == Role.MENTOR:  # requests to mentor one of its groups lapse
        MentorAssignment.objects.filter(
            group__programme=programme, mentor_id=locked.user_id, status=AssignmentStatus.PENDING
        ).update(status=AssignmentStatus.WITHDRAWN, decided_at=now)
    _contracts_after_leaving(group_ids)
    record(
        action=AuditAction.ROLE_WITHDRAWN,
        actor=by,
        programme=programme,
        person=locked.user,
        details={"role": locked.role},
    )
    logger.info("Membership %s withdrawn by %s", locked.pk, getattr(by, "pk", None))
    return locked


# Erasing -------------------------------------------------------------------------------------------------


class EraseRefusal(enum.StrEnum):
    """Why a coordinator may not erase a person."""

    SELF = "self"  # they delete their own account instead
    COORDINATOR = "coordinator"  # a coordinator of a programme: only an administrator erases them
    ELSEWHERE = "elsewhere"  # they also take part in a programme this coordinator does not run


def erase_refusal(*, person: User, by: User) -> EraseRefusal | None:
    """Whether ``by`` may erase ``person``: only someone whose every active role is in a programme ``by`` runs."""
    if person.pk == by.pk:
        return EraseRefusal.SELF
    active = list(
        ProgrammeMembership.objects.filter(user=person, status=MembershipStatus.ACTIVE).values_list(
            "programme_id", "role"
        )
    )
    if any(role == Role.COORDINATOR for _programme, role in active):
        return EraseRefusal.COORDINATOR
    theirs = {programme_id for programme_id, _role in active}
    if theirs and not theirs <= set(Programme.objects.coordinated_by(by).values_list("pk", flat=True)):
        return EraseRefusal.ELSEWHERE
    return None


class EraseRefused(Exception):
    def __init__(self, reason: EraseRefusal):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def erase_member(*, person: User, by: User, programme: Programme | None = None) -> User:
    """A coordinator erases a person of their programme, if ``erase_refusal`` allows it. ``programme``: the one
    whose page they did it from, whose audit log records it."""
    reason = erase_refusal(person=person, by=by)
    if reason is not None:
        raise EraseRefused(reason)
    return anonymise_person(user=person, by=by, programme=programme)


def _contracts_after_leaving(group_ids: list[int]) -> None:
    """A contract proposal that waited only for the person who left comes into force."""
    from groups.services.contracts import bring_into_force_if_agreed

    for contract in Contract.objects.filter(group_id__in=group_ids):
        bring_into_force_if_agreed(contract)


@transaction.atomic
def anonymise_person(*, user: User, by: User | None = None, programme: Programme | None = None) -> User:
    """Erases everything that identifies a person and keeps everything the programmes' history and figures need.

    Idempotent: erasing an erased person again changes nothing that matters (the first date is kept).
    The caller decides who may do it (``erase_member`` for coordinators; the person themself from their account).
    The first erasure goes into the audit log (of ``programme``, if it was done from one): as an account deleted
    when ``by`` is the person themself. The log names the person by their account, which from now on reads
    "Former participant", so no event needs changing.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at is None:
        deleted_own = by is not None and by.pk == user.pk
        record(
            action=AuditAction.ACCOUNT_DELETED if deleted_own else AuditAction.PERSON_ERASED,
            actor=by,
            programme=programme,
            person=user,
        )
    now = timezone.now()
    new_email = erased_email(user)
    old_name = user.display_name
    addresses = {user.email.lower()}
    addresses.update(
        address.lower() for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    addresses.discard(new_email)

    # The account: no name, no address, no way in. The new password hash also ends every session.
    user.email = new_email
    user.display_name = ERASED_NAME
    user.set_unusable_password()
    user.is_active = False
    user.anonymised_at = user.anonymised_at or now
    user.save(update_fields=["email", "display_name", "password", "is_active", "anonymised_at"])
    EmailAddress.objects.filter(user=user).delete()  # so that the address can sign up afresh

    # Their roles end; the rows stay for the programmes' history.
    ProgrammeMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE).update(
        status=MembershipStatus.WITHDRAWN, left_at=now
    )
    group_ids = list(GroupMembership.objects.current().filter(user=user).values_list("group_id", flat=True))
    GroupMembership.objects.current().filter(user=user).update(left_at=now)
    _contracts_after_leaving(group_ids)
    MentorAssignment.objects.filter(mentor=user, status=AssignmentStatus.PENDING).update(
        status=AssignmentStatus.WITHDRAWN, decided_at=now
    )
    # Their own goals keep their status and dates (the programme's figures) but lose their words, as do the
    # progress notes they wrote; agreements to contracts stay, with the name "Former participant".
    Goal.objects.filter(owner=user).update(title="—", description="")
    GoalUpdate.objects.filter(author=user).update(note="")
    # What they raised with the coordinators and wrote after sessions; the rows and dates stay for the figures.
    Concern.objects.filter(raised_by=user).update(text="—")
    Reflection.objects.filter(author=user).update(text="—")
    # What they wrote in surveys with their name and in pulses after sessions (the numbers and choices stay for the
    # figures; anonymous answers were never theirs), and the coordinators' notes of interviews with them.
    Answer.objects.filter(Q(response__respondent__user=user) | Q(response__user=user)).exclude(text="").update(text="—")
    Interview.objects.filter(person=user).update(accomplishments="—", results="", comments="", concerns="")
    user.reset_calendar_token()  # the old private calendar address stops working

    # What they wrote about themselves, and their gender and age, which could single them out in a small programme.
    # Roles, statuses, dates and the other choices stay for the figures.
    MentorProfile.objects.filter(user=user).update(
        **dict.fromkeys(PROFILE_TEXT_FIELDS, ""), gender="", age_band="", open_to_invitations=False, updated=now
    )
    Application.objects.filter(applicant=user).update(
        **dict.fromkeys(APPLICATION_TEXT_FIELDS, ""), gender="", age_band="", updated_at=now
    )
    # What coordinators wrote about them; the rating stays in the bank's figures.
    MentorFeedback.objects.filter(mentor=user).update(comment="")

    # Invitations to any of their addresses, in any programme; a link not used yet stops working.
    invitations = Invitation.objects.filter(Q(accepted_by=user) | _addressed_to("email", addresses))
    invitations.filter(status=InvitationStatus.PENDING).update(status=InvitationStatus.REVOKED, revoked_at=now)
    invitations.update(email=new_email, name="")

    # Emails to them keep their row (what was sent, when) but not the address; any still waiting are not sent.
    emails = OutgoingEmail.objects.filter(Q(recipient=user) | _addressed_to("to", addresses))
    emails.filter(status=EmailStatus.PENDING).update(status=EmailStatus.CANCELLED, claimed_until=None)
    emails.update(to=new_email, last_error="")

    # Their name and address in short texts written from them: email subjects and the admin's log of changes.
    if old_name and old_name != ERASED_NAME:
        _replace_everywhere(OutgoingEmail, "subject", old_name, ERASED_NAME)
        _replace_everywhere(LogEntry, "object_repr", old_name, ERASED_NAME)
    for address in addresses:
        _replace_everywhere(LogEntry, "object_repr", address, new_email)

    logger.info("Person %s anonymised by %s", user.pk, getattr(by, "pk", None))
    return user


def _addressed_to(field: str, addresses: set[str]) -> Q:
    condition = Q(pk__in=[])  # matches nothing
    for address in addresses:
        condition |= Q(**{f"{field}__iexact": address})
    return condition


def _replace_everywhere(model: type[models.Model], field: str, old: str, new: str) -> None:
    """Replaces ``old`` as a whole word (or address), never inside another word: erasing "Al" leaves "Alumni"."""
    whole = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)", re.IGNORECASE)
    for pk, text in model.objects.filter(**{f"{field}__icontains": old}).values_list("pk", field).iterator():
        replaced = whole.sub(new, text)
        if replaced != text:
            model.objects.filter(pk=pk).update(**{field: replaced})


def programmes_left_without_coordinator(user: User) -> list[Programme]:
    """The open programmes that nobody would run any more if this person left: they are the only coordinator."""
    others = ProgrammeMembership.objects.filter(
        programme=models.OuterRef("pk"), role=Role.COORDINATOR, status=MembershipStatus.ACTIVE
    ).exclude(user=user)
    return list(
        Programme.objects.coordinated_by(user)
        .exclude(status=ProgrammeStatus.CLOSED)
        .exclude(models.Exists(others))
        .order_by("name")
    )
