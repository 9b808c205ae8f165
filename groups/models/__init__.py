"""The models of groups, one module per topic: the groups and their members (``core``), wishes for a mentor and
requests to mentors (``matching``), mentoring contracts (``contracts``), goals (``goals``) and sessions
(``meetings``)."""

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
from groups.models.meetings import (
    ActionItem,
    Attendance,
    AttendanceMark,
    Concern,
    ConcernStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Reflection,
)

__all__ = [
    "OPEN_VERSION",
    "SECTIONS",
    "ActionItem",
    "AssignmentStatus",
    "Attendance",
    "AttendanceMark",
    "Concern",
    "ConcernStatus",
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
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "MentorAssignment",
    "MentorCompensation",
    "MentoringGroup",
    "Reflection",
    "VersionStatus",
    "WishesAgreement",
]
