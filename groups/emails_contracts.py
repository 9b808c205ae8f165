"""The emails of a group's mentoring contract, registered with the outbox (see ``outbox.services``).

Each renderer runs at send time in the recipient's language and time zone, and returns None when the email is no
longer wanted: the person has agreed meanwhile, has left the group, or the version is no longer the one to agree to
(withdrawn, or replaced by a newer proposal).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import ContractVersion, VersionStatus
from groups.services.contracts import PROPOSED_EMAIL, REMINDER_EMAIL, is_amendment, version_to_agree
from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer


def _still_wanted(email: OutgoingEmail) -> ContractVersion | None:
    version = ContractVersion.objects.select_related("contract__group__programme").filter(pk=email.object_id).first()
    person = email.recipient
    if version is None or person is None or person.anonymised_at:
        return None
    group = version.contract.group
    if group.programme.is_archived:
        return None
    waiting = version_to_agree(group, person)
    return version if waiting is not None and waiting.pk == version.pk else None


def _context(version: ContractVersion, email: OutgoingEmail) -> dict:
    group = version.contract.group
    return {
        "version": version,
        "group": group,
        "programme": group.programme,
        "recipient": email.recipient,
        "amendment": is_amendment(version),
        "newcomer": version.status == VersionStatus.IN_FORCE,
        "url": absolute_url(reverse("groups:contract", kwargs={"pk": group.pk})),
    }


@renderer(PROPOSED_EMAIL, label=_("Contract proposed"))
def contract_proposed(email: OutgoingEmail) -> Rendered | None:
    """To each member: the group's contract (or an amendment) is ready for them to read and agree to."""
    version = _still_wanted(email)
    if version is None:
        return None
    return render_templates("contract_proposed", _context(version, email))


@renderer(REMINDER_EMAIL, label=_("Reminder to agree the contract"))
def contract_reminder(email: OutgoingEmail) -> Rendered | None:
    """To a member who has not agreed yet, sent by the coordinator: please read the contract and agree."""
    version = _still_wanted(email)
    if version is None:
        return None
    return render_templates("contract_reminder", _context(version, email))
