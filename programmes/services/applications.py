"""Applying to a programme, and the coordinator's side: the application page's goal areas and the decisions.

A person applies while the programme recruits, once per role, and may change or withdraw their application until
a final decision. A coordinator accepts, waitlists or declines it; an accepted applicant becomes a member of the
programme, and an accepted mentor's answers go into their profile in the mentor data bank.

The application keeps its latest decision, with who made it, when, and the message the coordinator wrote to the
applicant; the decision email reads that message at send time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from outbox.services import queue_email
from programmes.models import (
    DECISIONS,
    Application,
    ApplicationStatus,
    GoalArea,
    MembershipStatus,
    MentorProfile,
    Programme,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
    join_list,
    split_list,
)
from programmes.services.core import add_member

DECISION_EMAIL = "programmes.application_decision"

# What the applicant writes, by role; the rest of the application's fields are the programme's.
COMMON_ANSWERS = ("languages", "needs_language_support", "accessibility_needs", "availability_note")
MENTEE_ANSWERS = (
    "goals",
    "field",
    "support_expected",
    "mentor_kind",
    "mentor_background",
    "gender_preference",
    "age_preference",
)
MENTOR_ANSWERS = ("expertise", "background", "max_groups", "engagement", "motivation", "gender", "age_band")
ANSWERS = {Role.MENTEE: COMMON_ANSWERS + MENTEE_ANSWERS, Role.MENTOR: COMMON_ANSWERS + MENTOR_ANSWERS}

# The mentor's answers that also describe them in the mentor data bank.
_BANKED = ("background", "languages", "motivation", "gender", "age_band", "availability_note")


class ApplicationsClosed(Exception):
    """The programme does not take applications now (it is not recruiting)."""


class ApplicationLocked(Exception):
    """The application has a final decision or was withdrawn: the applicant can no longer change it."""


class AlreadyMember(Exception):
    """The person already takes part in the programme in the role they apply for."""


class ProgrammeArchived(Exception):
    """The programme is closed; nothing in it changes any more."""


class InvalidDecision(Exception):
    def __init__(self, current: str, wanted: str):
        super().__init__(f"{current} → {wanted} is not allowed")
        self.current = current
        self.wanted = wanted


class GoalAreasInUse(Exception):
    """Goal areas that applications already chose cannot be removed. ``names`` says which."""

    def __init__(self, names: Sequence[str]):
        super().__init__(", ".join(names))
        self.names = list(names)


# The programme's application page


def find_programme(key: str) -> Programme | None:
    """The programme behind an application address. Drafts have no application page yet."""
    return Programme.objects.filter(application_key=key).exclude(status=ProgrammeStatus.DRAFT).first()


@transaction.atomic
def update_recruitment(*, programme: Programme, intro: str, goal_areas: Sequence[str]) -> list[GoalArea]:
    """Saves the introduction for applicants and the programme's goal areas, in the order given.

    Areas are matched by name regardless of case, so existing ones (and the applications that chose them) are
    kept; new names become new areas, and areas left out are removed unless an application chose them, in which
    case nothing is saved and ``GoalAreasInUse`` names them.
    """
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.is_archived:
        raise ProgrammeArchived
    wanted = {name.lower(): name for name in goal_areas}
    existing = list(locked.goal_areas.annotate(used=Count("applications")))
    removed = [area for area in existing if area.name.lower() not in wanted]
    in_use = [area.name for area in removed if area.used]
    if in_use:
        raise GoalAreasInUse(in_use)
    GoalArea.objects.filter(pk__in=[area.pk for area in removed]).delete()
    kept = {area.name.lower(): area for area in existing if area.name.lower() in wanted}
    areas = []
    for position, name in enumerate(wanted.values()):
        area = kept.get(name.lower())
        if area is None:
            area = GoalArea.objects.create(programme=locked, name=name, position=position)
        elif (area.name, area.position) != (name, position):
            area.name, area.position = name, position
            area.save(update_fields=["name", "position"])
        areas.append(area)
    locked.application_intro = intro.strip()
    locked.save(update_fields=["application_intro"])
    programme.application_intro = locked.application_intro
    return areas


# The applicant's side


def member_roles(*, programme: Programme, user: User) -> set[str]:
    """The roles the person already has in the programme."""
    return set(
        ProgrammeMembership.objects.filter(programme=programme, user=user, status=MembershipStatus.ACTIVE).values_list(
            "role", flat=True
        )
    )


def initial_answers(*, programme: Programme, applicant: User, role: str) -> dict:
    """What a new application form starts from: the languages of the person's last application or of their
    mentor profile. A mentor's profile also fills in the rest of what it knows, ticking the programme's goal
    areas that are among their expertise."""
    profile = MentorProfile.objects.filter(user=applicant).first()
    languages = (
        applicant.applications.exclude(languages="").order_by("-updated_at").values_list("languages", flat=True).first()
    )
    initial: dict = {}
    if languages or (profile and profile.languages):
        initial["languages"] = languages or profile.languages
    if role == Role.MENTOR and profile is not None:
        areas = {area.name.lower(): area for area in programme.goal_areas.all()}
        expertise = profile.expertise_list
        initial.update({field: getattr(profile, field) for field in _BANKED if field != "languages"})
        initial.update(
            goal_areas=[areas[item.lower()] for item in expertise if item.lower() in areas],
            expertise=join_list(item for item in expertise if item.lower() not in areas),
            max_groups=profile.max_groups,
            engagement=profile.engagement,
            availability=profile.availability,
        )
    return initial


@transaction.atomic
def submit_application(
    *,
    programme: Programme,
    applicant: User,
    role: str,
    answers: dict,
    goal_areas: Iterable[GoalArea] = (),
    availability: Iterable[str] = (),
) -> Application:
    """Creates the person's application in that role, or saves their changes to it while it is still open.

    ``answers`` holds the fields the applicant fills in for the role (see ``ANSWERS``); submitting it is their
    consent to how the programme uses the data, which is recorded with the time.
    """
    if role not in (Role.MENTEE, Role.MENTOR):
        raise ValueError(f"Nobody applies as {role!r}.")
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if not locked.is_recruiting:
        raise ApplicationsClosed
    if role in member_roles(programme=locked, user=applicant):
        raise AlreadyMember
    application = (
        Application.objects.select_for_update().filter(programme=locked, applicant=applicant, role=role).first()
    )
    if application is not None and not application.is_open:
        raise ApplicationLocked
    now = timezone.now()
    if application is None:
        application = Application(programme=locked, applicant=applicant, role=role, submitted_at=now)
    unknown = set(answers) - set(ANSWERS[role])
    if unknown:
        raise ValueError(f"Not an answer for a {role}: {', '.join(sorted(unknown))}")
    for field, value in answers.items():
        setattr(application, field, value)
    application.availability = list(availability)
    application.consent_given_at = now
    application.updated_at = now
    application.full_clean(exclude=["programme", "applicant", "decided_by"], validate_unique=False)
    application.save()
    areas = list(goal_areas)
    if any(area.programme_id != locked.pk for area in areas):
        raise ValueError("A goal area of another programme.")
    application.goal_areas.set(areas)
    return application


@transaction.atomic
def withdraw(*, application: Application) -> Application:
    """The applicant takes back an application that has no final decision yet."""
    locked = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
    if locked.programme.is_archived:
        raise ProgrammeArchived
    if not locked.is_open:
        raise ApplicationLocked
    locked.status = ApplicationStatus.WITHDRAWN
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "updated_at"])
    return locked


# The coordinator's decision


@transaction.atomic
def decide(
    *,
    application: Application,
    status: str,
    by: User,
    notify: bool,
    message: str = "",
    note: str | None = None,
) -> Application:
    """Accepts, waitlists or declines an application, and tells the applicant by email if ``notify``.

    Accepting makes the applicant a member of the programme in the role they applied for; an accepted mentor's
    profile in the mentor data bank is created or updated from the application. ``note`` (if given) replaces
    the coordinators' own note on the application.
    """
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme", "applicant")
        .get(pk=application.pk)
    )
    if locked.programme.is_archived:
        raise ProgrammeArchived
    if status not in DECISIONS[locked.status]:
        raise InvalidDecision(locked.status, status)
    now = timezone.now()
    locked.status = status
    locked.decided_at = now
    locked.decided_by = by
    locked.decision_message = message.strip()
    fields = ["status", "decided_at", "decided_by", "decision_message"]
    if note is not None:
        locked.decision_note = note.strip()
        fields.append("decision_note")
    locked.save(update_fields=fields)
    if status == ApplicationStatus.ACCEPTED:
        add_member(programme=locked.programme, user=locked.applicant, role=locked.role, by=by)
        if locked.role == Role.MENTOR:
            bank_mentor(application=locked)
    if notify:
        queue_email(
            kind=DECISION_EMAIL,
            obj=locked,
            to=locked.applicant.email,
            recipient=locked.applicant,
            key=f"{DECISION_EMAIL}:{locked.pk}:{status}:{decision_stamp(now)}",
            programme_id=locked.programme_id,
        )
    return locked


def bank_mentor(*, application: Application) -> MentorProfile:
    """Creates or updates the mentor's profile in the mentor data bank from their application."""
    profile = MentorProfile.objects.select_for_update().filter(user_id=application.applicant_id).first()
    if profile is None:
        profile = MentorProfile(user_id=application.applicant_id)
    areas = [area.name for area in application.goal_areas.all()]
    profile.expertise = join_list([*areas, *split_list(application.expertise)])
    for field in _BANKED:
        setattr(profile, field, getattr(application, field))
    profile.availability = application.availability
    if application.max_groups:
        profile.max_groups = application.max_groups
    if application.engagement:
        profile.engagement = application.engagement
    profile.updated = timezone.now()
    profile.save()
    return profile


def decision_stamp(moment: datetime.datetime) -> str:
    """A decision's time as it appears in the key of its email: the email is about that decision and no other."""
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
