"""A group's mentoring contract: its pages for the group's members and the programme's coordinators, and the
coordinators' overview, reminders and template.

In the world's mentor-led group, the mentor and the coordinator draft the contract; the mentee is a member without
that role (403). The mentor and the mentee agree to it; the coordinator is not a member, so may not agree (403).
"""

from groups.models import Contract, ContractVersion, VersionStatus
from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, Case, group, programme

#                 anonymous outsider other_grp mentee  mentor  other_co coordinator
# Everyone in the group and the programme's coordinators read the contract; people outside the group get 404.
GROUP_READERS = ("login", "404", "404", "200", "200", "404", "200")
# The mentor drafts, the coordinator may help; the group's mentee may not.
DRAFTERS = ("login", "404", "404", "403", "200", "404", "200")
DRAFTERS_POST = ("login", "404", "404", "403", "302", "404", "302")
# The group's members agree; the coordinator, not a member, may not.
SIGNATORIES_POST = ("login", "404", "404", "302", "302", "404", "403")
# The wrong method: refused before any door is opened, so it tells nobody anything.
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")


def _version(world, status: str) -> ContractVersion:
    contract, _ = Contract.objects.get_or_create(group=world.group)
    programme = world.programme
    return ContractVersion.objects.create(
        contract=contract,
        number=1,
        status=status,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        sessions_per_month=1,
        session_minutes=90,
        tools_and_channels="We meet in the library.",
        created_by=world.mentor,
    )


def with_draft(world):
    _version(world, VersionStatus.DRAFT)
    return group(world)


def with_proposal(world):
    _version(world, VersionStatus.PROPOSED)
    return group(world)


def first_version(world):
    _version(world, VersionStatus.PROPOSED)
    return {"pk": world.group.pk, "number": 1}


def remind_group(world):
    _version(world, VersionStatus.PROPOSED)
    return {"pk": world.programme.pk, "group_pk": world.group.pk}


DRAFT = {
    "starts_on": "2026-09-01",
    "ends_on": "2027-05-31",
    "sessions_per_month": "2",
    "session_minutes": "90",
    "compensation": "volunteer",
    "tools_and_channels": "We meet in the library, and write in one group chat.",
}

TEMPLATE = {"compensation": "volunteer", "confidentiality": "What we say stays in the group."}

CASES = [
    Case("groups:contract", GROUP_READERS, group),
    Case("groups:contract_edit", DRAFTERS, group),
    Case("groups:contract_edit", DRAFTERS_POST, group, method="post", data=DRAFT),
    Case("groups:contract_propose", DRAFTERS_POST, with_draft, method="post"),
    Case("groups:contract_withdraw", DRAFTERS_POST, with_draft, method="post"),
    Case("groups:contract_agree", SIGNATORIES_POST, with_proposal, method="post", data={"number": "1"}),
    Case("groups:contract_version", GROUP_READERS, first_version),
    Case("groups:contract_print", GROUP_READERS, group),
    Case("grouping:contracts", COORDINATOR_ONLY, programme),
    Case("grouping:contract_template", COORDINATOR_ONLY, programme),
    Case(
        "grouping:contract_template",
        COORDINATOR_POST,
        programme,
        method="post",
        data=TEMPLATE,
    ),
    Case("grouping:contract_remind", COORDINATOR_POST, remind_group, method="post"),
    # Pages that only show take no POST; actions take no GET.
    Case("groups:contract", WRONG_METHOD, group, method="post"),
    Case("groups:contract_version", WRONG_METHOD, first_version, method="post"),
    Case("groups:contract_print", WRONG_METHOD, group, method="post"),
    Case("grouping:contracts", WRONG_METHOD, programme, method="post"),
    Case("groups:contract_propose", WRONG_METHOD, with_draft),
    Case("groups:contract_withdraw", WRONG_METHOD, with_draft),
    Case("groups:contract_agree", WRONG_METHOD, with_proposal),
    Case("grouping:contract_remind", WRONG_METHOD, remind_group),
]
