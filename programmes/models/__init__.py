"""The programme and everything that fills it: memberships, invitations, applications, the mentor data bank and
programme events. One module per topic; import from ``programmes.models``."""

from programmes.models.applications import APPLICANT_ROLES, DECISIONS, Application, ApplicationStatus
from programmes.models.core import (
    TRANSITIONS,
    GoalArea,
    InvalidTransition,
    MembershipStatus,
    Programme,
    ProgrammeMembership,
    ProgrammeQuerySet,
    ProgrammeStatus,
    ProgrammeStatusChange,
    Role,
)
from programmes.models.events import AttendanceStatus, EventAttendance, EventKind, ProgrammeEvent
from programmes.models.invitations import INVITATION_LIFETIME, Invitation, InvitationStatus, hash_token
from programmes.models.profiles import (
    AgeBand,
    AgePreference,
    Availability,
    AvailabilityFields,
    Engagement,
    Gender,
    GenderPreference,
    MentorFeedback,
    MentorProfile,
    join_list,
    split_list,
)

__all__ = [
    "APPLICANT_ROLES",
    "DECISIONS",
    "INVITATION_LIFETIME",
    "TRANSITIONS",
    "AgeBand",
    "AgePreference",
    "Application",
    "ApplicationStatus",
    "AttendanceStatus",
    "Availability",
    "AvailabilityFields",
    "Engagement",
    "EventAttendance",
    "EventKind",
    "Gender",
    "GenderPreference",
    "GoalArea",
    "InvalidTransition",
    "Invitation",
    "InvitationStatus",
    "MembershipStatus",
    "MentorFeedback",
    "MentorProfile",
    "Programme",
    "ProgrammeEvent",
    "ProgrammeMembership",
    "ProgrammeQuerySet",
    "ProgrammeStatus",
    "ProgrammeStatusChange",
    "Role",
    "hash_token",
    "join_list",
    "split_list",
]
