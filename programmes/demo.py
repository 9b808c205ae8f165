"""Demo data for trying the product on a laptop: never for production (the command refuses there).

Everything is looked up by natural key before it is created, so running it again adds what is missing and
leaves what exists as it is (a demo membership withdrawn by hand becomes active again).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import GroupKind, GroupMembership, GroupRole, MentoringGroup
from programmes.models import Programme, ProgrammeStatus, Role
from programmes.services import add_member

DEMO_PASSWORD = "demo-password"
DEMO_TIME_ZONE = "Europe/Berlin"
DEMO_LOGINS = {
    "coordinator": "coordinator@demo.example",
    "mentor": "mentor@demo.example",
    "mentee": "mentee@demo.example",
}

COORDINATOR = ("coordinator@demo.example", "Sanna Lindqvist")
MENTORS = [
    ("mentor@demo.example", "Jonas Weber"),
    ("mentor.2@demo.example", "Grace Okafor"),
    ("mentor.3@demo.example", "Marta Kowalska"),
    ("mentor.4@demo.example", "Daniel Ferreira"),
]
GROUPS = [
    (
        "Starting out on your own",
        "Planning a small business or freelance work: customers, prices, paperwork.",
        ("mentee@demo.example", "Amina Haddad"),
        ["Tomasz Nowak", "Leila Rahimi", "Oksana Melnyk", "Samuel Mensah"],
    ),
    (
        "Back to work after a break",
        "Returning after parental leave, illness or caring: confidence, CVs, interviews.",
        None,
        ["Hanna Schulz", "Priya Natarajan", "Fatima Ali", "Elena Popescu", "Mehmet Yilmaz"],
    ),
    (
        "Into health and care work",
        "Getting qualifications recognised and finding a first job in health or care.",
        None,
        ["Aisha Bello", "Nour Khalil", "Irina Volkova", "Lucas Moreau"],
    ),
    (
        "Office and digital skills",
        "Moving into office work: digital tools, workplace language and applying online.",
        None,
        ["Yusuf Demir", "Sofia Rossi", "Abdi Warsame", "Mei Chen"],
    ),
]


@dataclass
class SeedResult:
    created_users: int
    programmes: list[Programme]


def _person(email: str, name: str, counter: list[int]) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "time_zone": DEMO_TIME_ZONE}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        counter[0] += 1
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _email_for(name: str) -> str:
    return name.lower().replace(" ", ".") + "@demo.example"


@transaction.atomic
def seed_demo(*, today: datetime.date | None = None) -> SeedResult:
    today = today or timezone.localdate()
    counter = [0]
    coordinator = _person(*COORDINATOR, counter)

    running, _ = Programme.objects.get_or_create(
        name="Pathways to Work",
        defaults={
            "description": "Nine months of group mentoring for people finding their way (back) into work: "
            "groups of four to five meet twice a month with an experienced mentor.",
            "starts_on": today - datetime.timedelta(days=70),
            "ends_on": today - datetime.timedelta(days=70) + datetime.timedelta(days=273),
            "time_zone": DEMO_TIME_ZONE,
            "status": ProgrammeStatus.RUNNING,
            "sessions_per_month": 2,
            "session_minutes": 90,
        },
    )
    recruiting, _ = Programme.objects.get_or_create(
        name="Leading in Tech 2027",
        defaults={
            "description": "Group mentoring for women moving into their first leadership role in technology.",
            "starts_on": today + datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=60 + 182),
            "time_zone": DEMO_TIME_ZONE,
            "status": ProgrammeStatus.RECRUITING,
        },
    )
    for programme in (running, recruiting):
        add_member(programme=programme, user=coordinator, role=Role.COORDINATOR)

    for (email, name), (group_name, focus, named_mentee, mentee_names) in zip(MENTORS, GROUPS, strict=True):
        mentor = _person(email, name, counter)
        add_member(programme=running, user=mentor, role=Role.MENTOR)
        group, _ = MentoringGroup.objects.get_or_create(
            programme=running, name=group_name, defaults={"focus": focus, "kind": GroupKind.MENTOR_LED}
        )
        _join(group, mentor, GroupRole.MENTOR)
        mentees = [(_email_for(n), n) for n in mentee_names]
        if named_mentee:
            mentees.insert(0, named_mentee)
        for mentee_email, mentee_name in mentees:
            mentee = _person(mentee_email, mentee_name, counter)
            add_member(programme=running, user=mentee, role=Role.MENTEE)
            _join(group, mentee, GroupRole.MENTEE)

    # The first mentor also offers to mentor in the programme that is recruiting.
    add_member(programme=recruiting, user=User.objects.get(email=MENTORS[0][0]), role=Role.MENTOR)
    return SeedResult(created_users=counter[0], programmes=[running, recruiting])


def _join(group: MentoringGroup, user: User, role: str) -> None:
    if not GroupMembership.objects.current().filter(group=group, user=user).exists():
        GroupMembership.objects.create(group=group, user=user, role=role)
