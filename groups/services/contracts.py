"""A group's mentoring contract: drafting it, proposing it, everyone agreeing to it, amendments, reminders.

Who drafts (``can_draft``): in a mentor-led group its mentors, in a peer group any member, in a mentor circle its
supervisor; the programme's coordinators may always help. Who agrees (``signatories``): the group's current
members (mentor-led: mentors and mentees; peer group: everyone; mentor circle: mentors and the supervisor).

A version is a draft until it is proposed; from then its text is locked. It comes into force when every current
signatory has agreed to it, in the same transaction as the last agreement, and the version it replaces is then
superseded. Someone who joins later agrees to the version in force; until then the contract stays in force and
the coordinators' overview lists them. Nothing is deleted: a version that is not wanted is withdrawn.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import record
from groups.access import GroupAccess
from groups.contract_text import FACTS, default_texts
from groups.models import (
    OPEN_VERSION,
    SECTIONS,
    Contract,
    ContractAgreement,
    ContractTemplate,
    ContractVersion,
    GroupKind,
    GroupMembership,
    GroupRole,
    MentoringGroup,
    VersionStatus,
)
from outbox.models import OutgoingEmail
from outbox.services import queue_email
from programmes.models import Programme

PROPOSED_EMAIL = "groups.contract_proposed"
REMINDER_EMAIL = "groups.contract_reminder"

# The fields a drafter writes: the rhythm and dates, the mentor's role, the text, and what an amendment changes.
EDITABLE = (*FACTS, *SECTIONS, "change_note")
TEMPLATE_FIELDS = ("compensation", *SECTIONS)
LIVE = [VersionStatus.IN_FORCE, *OPEN_VERSION]  # the versions that matter now: in force, and the open one

SIGNING_ROLES = {
    GroupKind.MENTOR_LED: (GroupRole.MENTOR, GroupRole.MENTEE),
    GroupKind.PEER: tuple(GroupRole.values),
    GroupKind.MENTOR_CIRCLE: (GroupRole.MENTOR, GroupRole.SUPERVISOR),
}


class ContractError(Exception):
    """Base of the reasons a change to a contract is refused; the page words its own message."""


class ProgrammeClosed(ContractError):
    pass


class VersionLocked(ContractError):
    """Only a draft can be changed: a proposed version is the text people agree to."""


class OutdatedDraft(ContractError):
    """Someone else saved the draft (or started one) since the person opened it."""


class ChangeNoteMissing(ContractError):
    """An amendment says what it changes."""


class NoDraft(ContractError):
    pass


class NothingOpen(ContractError):
    pass


class OutdatedVersion(ContractError):
    """The person agreed to a version number that is no longer the one to agree to."""


class NotASignatory(ContractError):
    pass


# Who drafts, who agrees ------------------------------------------------------------------------------------------


def signs(group: MentoringGroup, role: str | None) -> bool:
    """Whether a member in this role agrees to the group's contract."""
    return role in SIGNING_ROLES[group.kind]


def can_draft(access: GroupAccess) -> bool:
    """The mentor drafts the contract (a peer group's members, a circle's supervisor); the coordinator may help."""
    return access.is_coordinator or access.leads


def signatories(group: MentoringGroup) -> QuerySet[GroupMembership]:
    """The current memberships whose people must agree to the contract, with the people, by name."""
    return (
        GroupMembership.objects.current()
        .filter(group=group, role__in=SIGNING_ROLES[group.kind])
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )


def _signatory_ids(group: MentoringGroup) -> set[int]:
    return set(signatories(group).values_list("user_id", flat=True))


# The programme's template ----------------------------------------------------------------------------------------


def template_for(programme: Programme, *, by: User | None = None) -> ContractTemplate:
    """The programme's contract template, created with the default texts on its first use."""
    template = ContractTemplate.objects.filter(programme=programme).first()
    if template is not None:
        return template
    try:
        with transaction.atomic():
            return ContractTemplate.objects.create(programme=programme, updated_by=by, **default_texts())
    except IntegrityError:  # another coordinator opened it at the same moment
        return ContractTemplate.objects.get(programme=programme)


def update_template(*, template: ContractTemplate, by: User, **fields) -> ContractTemplate:
    """A coordinator changes the template. Contracts drafted before keep their own text."""
    if template.programme.is_archived:
        raise ProgrammeClosed
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValueError(f"Not a template field: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(template, name, value)
    template.updated_at = timezone.now()
    template.updated_by = by
    template.save()
    return template


# Drafting --------------------------------------------------------------------------------------------------------


def _programme_facts(programme: Programme) -> dict:
    return {
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "sessions_per_month": programme.sessions_per_month,
        "session_minutes": programme.session_minutes,
    }


def _versions(group: MentoringGroup) -> QuerySet[ContractVersion]:
    return ContractVersion.objects.filter(contract__group=group)


def draft_start(group: MentoringGroup) -> dict:
    """What a new draft starts from: an amendment from the version in force; the first version from the
    programme's template (or, before a coordinator has opened it, its default texts) and the programme's dates
    and rhythm of sessions."""
    in_force = _versions(group).filter(status=VersionStatus.IN_FORCE).first()
    if in_force is not None:
        return {name: getattr(in_force, name) for name in (*FACTS, *SECTIONS)} | {"change_note": ""}
    template = ContractTemplate.objects.filter(programme=group.programme).first()
    texts = {name: getattr(template, name) for name in TEMPLATE_FIELDS} if template is not None else default_texts()
    return texts | _programme_facts(group.programme) | {"change_note": ""}


@dataclass(frozen=True)
class DraftStamp:
    """Which draft the person started from (``number`` None: there was none) and when it was last saved."""

    number: int | None
    updated_at: datetime.datetime | None

    @classmethod
    def of(cls, version: ContractVersion | None) -> DraftStamp:
        return cls(None, None) if version is None else cls(version.number, version.updated_at)


@transaction.atomic
def save_draft(*, group: MentoringGroup, by: User, stamp: DraftStamp | None = None, **fields) -> ContractVersion:
    """Saves the group's draft, starting it if there is no open version (see ``draft_start``).

    Refused when the open version is proposed (``VersionLocked``), when an amendment does not say what it changes
    (``ChangeNoteMissing``), and, with a ``stamp``, when someone saved or started a draft since the person opened
    the form (``OutdatedDraft``): their work is not overwritten without their knowing."""
    if group.programme.is_archived:
        raise ProgrammeClosed
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not a contract field: {', '.join(sorted(unknown))}")
    contract, _ = Contract.objects.get_or_create(group=group)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)  # one drafter at a time
    live = {version.status: version for version in contract.versions.filter(status__in=LIVE)}
    if VersionStatus.PROPOSED in live:
        raise VersionLocked
    draft = live.get(VersionStatus.DRAFT)
    if stamp is not None and stamp != DraftStamp.of(draft):
        raise OutdatedDraft
    if VersionStatus.IN_FORCE in live and not (fields.get("change_note") or "").strip():
        raise ChangeNoteMissing
    now = timezone.now()
    if draft is None:
        start = draft_start(group)
        last = contract.versions.order_by("-number").values_list("number", flat=True).first() or 0
        draft = ContractVersion(contract=contract, number=last + 1, created_by=by, created_at=now, **start)
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.updated_at = now
    draft.full_clean(exclude=["contract", "created_by"], validate_unique=False)
    draft.save()
    return draft


def is_amendment(version: ContractVersion) -> bool:
    """Whether the version would change a contract in force (rather than be the group's first)."""
    return (
        ContractVersion.objects.filter(contract_id=version.contract_id, status=VersionStatus.IN_FORCE)
        .exclude(pk=version.pk)
        .exists()
    )


def _lock_open(group: MentoringGroup) -> ContractVersion | None:
    return _versions(group).select_for_update().filter(status__in=OPEN_VERSION).first()


@transaction.atomic
def propose(*, group: MentoringGroup, by: User) -> ContractVersion:
    """The drafter proposes the draft to the group: its text is locked, and every signatory gets an email."""
    if group.programme.is_archived:
        raise ProgrammeClosed
    version = _lock_open(group)
    if version is None:
        raise NoDraft
    if version.status != VersionStatus.DRAFT:
        raise VersionLocked
    version.status = VersionStatus.PROPOSED
    version.proposed_at = timezone.now()
    version.save(update_fields=["status", "proposed_at"])
    if is_amendment(version):
        record(
            action=AuditAction.CONTRACT_AMENDED,
            actor=by,
            programme=group.programme,
            subject=group.name,
            details={"group": group.pk, "version": version.number},
        )
    for membership in signatories(group):
        person = membership.user
        if person.anonymised_at:
            continue
        queue_email(
            kind=PROPOSED_EMAIL,
            obj=version,
            to=person.email,
            recipient=person,
            key=f"{PROPOSED_EMAIL}:{version.pk}:{person.pk}",
            programme_id=group.programme_id,
        )
    return version


@transaction.atomic
def withdraw(*, group: MentoringGroup, by: User) -> ContractVersion:
    """The drafter withdraws the open draft or proposal; the version in force, if any, stays in force."""
    if group.programme.is_archived:
        raise ProgrammeClosed
    version = _lock_open(group)
    if version is None:
        raise NothingOpen
    was = version.status
    version.status = VersionStatus.WITHDRAWN
    version.ended_at = timezone.now()
    version.save(update_fields=["status", "ended_at"])
    record(
        action=AuditAction.CONTRACT_WITHDRAWN,
        actor=by,
        programme=group.programme,
        subject=group.name,
        details={"group": group.pk, "version": version.number, "was": was},
    )
    return version


# Agreeing --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreed:
    agreement: ContractAgreement
    came_into_force: bool


def _bring_into_force(version: ContractVersion, signatory_ids: set[int]) -> bool:
    """Brings a locked, proposed version into force if every current signatory has agreed to it."""
    if version.status != VersionStatus.PROPOSED or not signatory_ids:
        return False
    agreed = set(version.agreements.filter(user_id__in=signatory_ids).values_list("user_id", flat=True))
    if agreed != signatory_ids:
        return False
    now = timezone.now()
    # The old version leaves first: only one version of a contract may be in force.
    ContractVersion.objects.filter(contract_id=version.contract_id, status=VersionStatus.IN_FORCE).update(
        status=VersionStatus.SUPERSEDED, ended_at=now
    )
    version.status = VersionStatus.IN_FORCE
    version.in_force_at = now
    version.save(update_fields=["status", "in_force_at"])
    return True


@transaction.atomic
def agree(*, group: MentoringGroup, user: User, number: int) -> Agreed:
    """A member agrees to the version they read: the proposed one, or, having joined later, the one in force.

    The live versions are locked, so that two people agreeing last at the same moment still bring the proposal
    into force. ``OutdatedVersion`` if ``number`` is no longer a version to agree to. Agreeing twice is harmless."""
    if group.programme.is_archived:
        raise ProgrammeClosed
    signatory_ids = _signatory_ids(group)
    if user.pk not in signatory_ids:
        raise NotASignatory
    live = list(_versions(group).select_for_update().filter(status__in=LIVE).order_by("number"))
    version = next(
        (v for v in live if v.number == number and v.status in (VersionStatus.PROPOSED, VersionStatus.IN_FORCE)),
        None,
    )
    if version is None:
        raise OutdatedVersion
    agreement, _ = ContractAgreement.objects.get_or_create(version=version, user=user)
    return Agreed(agreement=agreement, came_into_force=_bring_into_force(version, signatory_ids))


@transaction.atomic
def bring_into_force_if_agreed(contract: Contract) -> ContractVersion | None:
    """Brings the proposed version into force if everyone still in the group has agreed to it (for example after
    the last person who had not agreed left). Returns the version if it came into force."""
    version = contract.versions.select_for_update().filter(status=VersionStatus.PROPOSED).first()
    if version is None:
        return None
    if _bring_into_force(version, _signatory_ids(contract.group)):
        return version
    return None


def version_to_agree(group: MentoringGroup, user: User) -> ContractVersion | None:
    """The version this person should agree to now: the proposal, or else the version in force if they joined
    after it was agreed. None when they have nothing to agree to (or are not a signatory)."""
    if user.pk not in _signatory_ids(group):
        return None
    live = {v.status: v for v in _versions(group).filter(status__in=[VersionStatus.IN_FORCE, VersionStatus.PROPOSED])}
    for status in (VersionStatus.PROPOSED, VersionStatus.IN_FORCE):
        version = live.get(status)
        if version is not None:
            return None if version.agreements.filter(user=user).exists() else version
    return None


# What the pages show ---------------------------------------------------------------------------------------------


@dataclass
class VersionAgreement:
    """Who has agreed to one version (with when), and which current signatories have not yet."""

    version: ContractVersion
    agreed: list[ContractAgreement]
    waiting: list[User]

    @property
    def count(self) -> int:
        return len(self.agreed)

    @property
    def total(self) -> int:
        return len(self.agreed) + len(self.waiting)


@dataclass
class ContractState:
    group: MentoringGroup
    versions: list[ContractVersion]  # every version, the newest first
    signatories: list[User]
    in_force: VersionAgreement | None = None
    open: VersionAgreement | None = None

    @property
    def exists(self) -> bool:
        return bool(self.versions)

    @property
    def newcomers(self) -> list[User]:
        """Signatories who have not agreed to the version in force (they joined after it was agreed)."""
        return self.in_force.waiting if self.in_force else []

    @property
    def proposal(self) -> VersionAgreement | None:
        return self.open if self.open and self.open.version.status == VersionStatus.PROPOSED else None

    @property
    def draft(self) -> ContractVersion | None:
        return self.open.version if self.open and self.open.version.status == VersionStatus.DRAFT else None

    def waits_for(self, user: User) -> dict[str, bool]:
        """Whether this person still has to agree to the proposal, and to the version in force."""
        return {
            "proposal": bool(self.proposal) and any(person.pk == user.pk for person in self.proposal.waiting),
            "in_force": any(person.pk == user.pk for person in self.newcomers),
        }


def contract_state(group: MentoringGroup) -> ContractState:
    """The group's contract as its page shows it, in three queries whatever the size of the group."""
    people = [membership.user for membership in signatories(group)]
    versions = list(_versions(group).select_related("created_by").order_by("-number"))
    state = ContractState(group=group, versions=versions, signatories=people)
    live = [version for version in versions if version.status in LIVE]
    if not live:
        return state
    agreements = list(
        ContractAgreement.objects.filter(version__in=live).select_related("user").order_by("agreed_at", "pk")
    )
    for version in live:
        mine = [agreement for agreement in agreements if agreement.version_id == version.pk]
        state_of = _version_agreement(version, mine, people, keep_former=version.status == VersionStatus.IN_FORCE)
        if version.status == VersionStatus.IN_FORCE:
            state.in_force = state_of
        else:
            state.open = state_of
    return state


def _version_agreement(
    version: ContractVersion, agreements: list[ContractAgreement], people: list[User], *, keep_former: bool
) -> VersionAgreement:
    """``keep_former``: the version in force lists everyone who agreed to it, also people who left since (the
    record of who agreed); a proposal counts only the people still in the group."""
    current = {person.pk for person in people}
    agreed_ids = {agreement.user_id for agreement in agreements}
    return VersionAgreement(
        version=version,
        agreed=[agreement for agreement in agreements if keep_former or agreement.user_id in current],
        waiting=[person for person in people if person.pk not in agreed_ids],
    )


def version_record(group: MentoringGroup, number: int) -> tuple[ContractVersion, list[ContractAgreement]] | None:
    """One version of the group's contract, and everyone who agreed to it, with when."""
    version = _versions(group).filter(number=number).select_related("created_by").first()
    if version is None:
        return None
    return version, list(version.agreements.select_related("user").order_by("agreed_at", "pk"))


def compared_with(version: ContractVersion) -> ContractVersion | None:
    """The version to show the changes against: the last earlier one that was in force (what an amendment was
    drafted from), or else the one just before it."""
    earlier = ContractVersion.objects.filter(contract_id=version.contract_id, number__lt=version.number)
    was_in_force = earlier.filter(in_force_at__isnull=False).order_by("-number").first()
    return was_in_force or earlier.order_by("-number").first()


# The coordinators' overview and reminders ------------------------------------------------------------------------


@dataclass
class GroupContract:
    """One group's line in the coordinators' overview."""

    group: MentoringGroup
    signatories: list[User]
    in_force: VersionAgreement | None = None
    open: VersionAgreement | None = None

    @property
    def to_remind(self) -> list[User]:
        """The people a reminder goes to: who has not agreed to the proposal, or else the newcomers."""
        if self.open is not None and self.open.version.status == VersionStatus.PROPOSED:
            return self.open.waiting
        if self.in_force is not None:
            return self.in_force.waiting
        return []

    @property
    def newcomers(self) -> list[User]:
        return self.in_force.waiting if self.in_force else []


def programme_contracts(programme: Programme) -> list[GroupContract]:
    """Every group of the programme with its contract's state, in four queries whatever the number of groups."""
    return group_contracts(list(programme.groups.order_by("name", "pk")))


def group_contracts(groups: list[MentoringGroup]) -> list[GroupContract]:
    """The contract's state of each group, in three queries."""
    if not groups:
        return []
    rows = {group.pk: GroupContract(group=group, signatories=[]) for group in groups}
    memberships = (
        GroupMembership.objects.current()
        .filter(group__in=groups)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )
    for membership in memberships:
        row = rows[membership.group_id]
        if signs(row.group, membership.role):
            row.signatories.append(membership.user)
    versions = list(
        ContractVersion.objects.filter(contract__group__in=groups, status__in=LIVE).select_related("contract")
    )
    agreements = list(ContractAgreement.objects.filter(version__in=versions).order_by("agreed_at", "pk"))
    for version in versions:
        row = rows[version.contract.group_id]
        mine = [agreement for agreement in agreements if agreement.version_id == version.pk]
        state = _version_agreement(version, mine, row.signatories, keep_former=False)
        if version.status == VersionStatus.IN_FORCE:
            row.in_force = state
        else:
            row.open = state
    return list(rows.values())


@dataclass(frozen=True)
class Reminded:
    sent: int  # people reminded now
    waiting: int  # people who have not agreed (some may have been reminded today already)


@transaction.atomic
def remind(*, group: MentoringGroup, by: User) -> Reminded:
    """Emails everyone in the group who has not agreed to the proposal (or, without one, newcomers who have not
    agreed to the version in force): at most once a day per person and version, by the programme's calendar."""
    if group.programme.is_archived:
        raise ProgrammeClosed
    [row] = group_contracts([group])
    people = [person for person in row.to_remind if not person.anonymised_at]
    if not people:
        return Reminded(sent=0, waiting=0)
    version = row.open.version if row.open and row.open.version.status == VersionStatus.PROPOSED else None
    version = version or row.in_force.version
    today = group.programme.today()
    keys = {person.pk: f"{REMINDER_EMAIL}:{version.pk}:{person.pk}:{today.isoformat()}" for person in people}
    already = set(OutgoingEmail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    sent = 0
    for person in people:
        if keys[person.pk] not in already:
            queue_email(
                kind=REMINDER_EMAIL,
                obj=version,
                to=person.email,
                recipient=person,
                key=keys[person.pk],
                programme_id=group.programme_id,
            )
            sent += 1
    return Reminded(sent=sent, waiting=len(people))


# The summary on the group's page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    in_force: ContractVersion | None
    open: ContractVersion | None
    must_agree: bool  # the reader still has to agree to the proposal or to the version in force


def summary(group: MentoringGroup, user: User, role: str | None) -> Summary:
    """Where the group's contract stands, for its page, in one query."""
    versions = list(
        _versions(group)
        .filter(status__in=LIVE)
        .annotate(i_agreed=Exists(ContractAgreement.objects.filter(version=OuterRef("pk"), user_id=user.pk)))
    )
    in_force = next((v for v in versions if v.status == VersionStatus.IN_FORCE), None)
    open_version = next((v for v in versions if v.status != VersionStatus.IN_FORCE), None)
    to_agree = [v for v in versions if v.status in (VersionStatus.IN_FORCE, VersionStatus.PROPOSED)]
    must_agree = signs(group, role) and any(not v.i_agreed for v in to_agree)
    return Summary(in_force=in_force, open=open_version, must_agree=must_agree)
