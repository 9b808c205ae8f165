"""The models of groups, one module per topic: the groups and their members (``core``), wishes for a mentor and
requests to mentors (``matching``), mentoring contracts (``contracts``) and goals (``goals``)."""

from groups.models.contracts import (
    OPEN_VERSION,
    SECTIONS,
    Contract,
    ContractAgreement,
    ContractTemplate,
    ContractVersion,
    MentorCompensation,
    VersionStatus,
)
from groups.models.core import GroupKind, GroupMembership, GroupMembershipQuerySet, GroupRole, MentoringGroup
from groups.models.goals import Goal, GoalStatus, GoalUpdate
from groups.models.matching import AssignmentStatus, GroupWishes, MentorAssignment, WishesAgreement

__all__ = [
    "OPEN_VERSION",
    "SECTIONS",
    "AssignmentStatus",
    "Contract",
    "ContractAgreement",
    "ContractTemplate",
    "ContractVersion",
    "Goal",
    "GoalStatus",
    "GoalUpdate",
    "GroupKind",
    "GroupMembership",
    "GroupMembershipQuerySet",
    "GroupRole",
    "GroupWishes",
    "MentorAssignment",
    "MentorCompensation",
    "MentoringGroup",
    "VersionStatus",
    "WishesAgreement",
]
