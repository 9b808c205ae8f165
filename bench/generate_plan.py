"""The plan of the benchmark data (bench/generate.py): the sizes of a unit, the names and words it draws from, and
what each programme and group of a unit will hold, drawn from the seed before anything is written. Not part of the
test run."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

BATCH = 2_000

# One unit: the status of each programme and how many days ago it started (negative: it starts in the future).
UNIT = (
    ("running", 158),  # the typical programme: its mid-point survey opened six days ago
    ("running", 20),
    ("running", 45),
    ("running", 70),
    ("running", 95),
    ("running", 120),
    ("running", 140),
    ("running", 165),
    ("running", 185),
    ("running", 205),
    ("running", 225),
    ("running", 250),
    ("running", 275),
    ("recruiting", -30),
    ("recruiting", -60),
    ("closing", 310),
    ("closing", 325),
    ("closed", 420),
    ("closed", 540),
    ("closed", 660),
)
PROGRAMME_DAYS = 304  # ten months
GROUPS_PER_UNIT = 400
COORDINATORS = 8
PEOPLE_PER_UNIT = 2_000
APPLICANTS = 40  # per recruiting programme
SESSIONS_PER_GROUP = 20  # every two weeks from the programme's 11th day
CIRCLE_SIZE = 5
PULSE_RATE = 0.4  # how many mentees answer the pulse after a held session
TYPICAL = "Programme 0000"

FIRST_NAMES = (  # noqa: SIM905
    "Amira Ben Chloe Dario Elif Farid Greta Hana Ivan Jana Karim Lea Malik Nora Omar Paula Rami Sara "
    "Tariq Ute Vera Wael Yasmin Zoe Aylin Bilal Carla Deniz Emil Fatma Georg Hamid Ines Jonas Katja Leon "
    "Mariam Nils Olga Pavel"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Schmidt Yilmaz Kowalski Haddad Novak Weber Demir Petrov Fischer Rahimi Meyer Kaya Wagner Nasser "
    "Becker Hoffmann Aziz Schulz Celik Koch Richter Bauer Klein Wolf Shevchenko Neumann Kraus Diallo "
    "Brandt Lang"
).split()
CITIES = "Berlin Hamburg Leipzig Cologne Munich Dresden Bremen Hanover Essen Frankfurt".split()  # noqa: SIM905
AREAS = (
    "Job search",
    "Starting a business",
    "Leadership",
    "Career change",
    "Studying",
    "Work-life balance",
    "Networking",
    "Public speaking",
)
EXPERTISE = (
    "finance, accounting",
    "software, data",
    "healthcare, nursing",
    "teaching, education",
    "marketing, sales",
    "engineering",
    "law, migration",
    "social work",
    "founding, startups",
    "human resources, recruiting",
)
LANGUAGES = ("German", "German, English", "German, Arabic", "German, Turkish", "English, French", "German, Ukrainian")


@dataclass
class GroupPlan:
    kind: str
    name: str
    leaders: list[int] = field(default_factory=list)  # indexes into the unit's users
    mentees: list[int] = field(default_factory=list)


@dataclass
class ProgrammePlan:
    index: int
    status: str
    started_days: int
    coordinator: int
    groups: list[GroupPlan] = field(default_factory=list)
    applicants: list[tuple[int, str]] = field(default_factory=list)  # (user index, role)


@dataclass
class UnitPlan:
    unit: int
    users: list[tuple[str, str, str]]  # (email, display name, kind)
    programmes: list[ProgrammePlan]


def programme_rng(seed: int, index: int) -> random.Random:
    """Each programme draws from its own generator, so programme 0 is the same at every scale."""
    return random.Random(f"{seed}:{index}")


def plan_unit(unit: int, seed: int) -> UnitPlan:
    """Who is who in the unit's 20 programmes, before anything is written."""
    from groups.models import GroupKind
    from programmes.models import Role

    rng = random.Random(f"{seed}:unit:{unit}")
    users: list[tuple[str, str, str]] = []

    def person(kind: str) -> int:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        users.append((f"u{unit:03d}-{kind}{len(users)}@bench.example", name, kind))
        return len(users) - 1

    coordinators = [person("coordinator") for _ in range(COORDINATORS)]
    with_groups = [i for i, (status, _days) in enumerate(UNIT) if status != "recruiting"]
    sizes = [GROUPS_PER_UNIT // len(with_groups)] * len(with_groups)
    for k in range(GROUPS_PER_UNIT - sum(sizes)):
        sizes[1 + k] += 1
    group_counts = dict(zip(with_groups, sizes, strict=True))
    programmes = []
    for i, (status, days) in enumerate(UNIT):
        index = unit * len(UNIT) + i
        own = programme_rng(seed, index)
        plan = ProgrammePlan(index=index, status=status, started_days=days, coordinator=coordinators[i % COORDINATORS])
        if status == "recruiting":
            for n in range(APPLICANTS):
                plan.applicants.append((person("applicant"), Role.MENTOR if n % 5 == 0 else Role.MENTEE))
        else:
            count = group_counts[i]
            for g in range(count):
                if g == count - 1:
                    kind = GroupKind.MENTOR_CIRCLE
                elif g == count - 2 and i % 2 == 0:
                    kind = GroupKind.PEER
                else:
                    kind = GroupKind.MENTOR_LED
                group = GroupPlan(kind=kind, name=f"Group {g + 1:02d}")
                if kind != GroupKind.MENTOR_CIRCLE:
                    size = 5 if kind == GroupKind.PEER else own.choice((4, 5))
                    group.mentees = [person("mentee") for _ in range(size)]
                plan.groups.append(group)
        programmes.append(plan)
    # The mentors: whoever is left of the unit's people; one in ten is in the bank only.
    pool = [person("mentor") for _ in range(PEOPLE_PER_UNIT - len(users))]
    active = pool[len(pool) // 10 :]
    # Mentors go round the programmes from the oldest: most mentor in two programmes, one after the other.
    k = 0
    for plan in sorted(programmes, key=lambda p: -p.started_days):
        mentors = []
        for group in plan.groups:
            if group.kind == GroupKind.MENTOR_LED:
                group.leaders = [active[k % len(active)]]
                mentors.append(group.leaders[0])
                k += 1
            elif group.kind == GroupKind.PEER:
                group.leaders = []
        for group in plan.groups:
            if group.kind == GroupKind.MENTOR_CIRCLE:
                group.leaders = [plan.coordinator]  # the supervisor
                group.mentees = mentors[:CIRCLE_SIZE]  # the circle's members are mentors
    return UnitPlan(unit=unit, users=users, programmes=programmes)
