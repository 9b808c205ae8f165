"""How fast the Groups and Matching pages get their answer from the database: proposing groups for 1,000 accepted
mentees and proposing mentors for 200 groups from 200 mentors, reading everything through the services.

Run from the project root: .venv/bin/python bench/bench_services.py
Uses a throw-away SQLite file under var/bench/ (or the database of BENCH_DATABASE_URL, which it fills: never point
it at real data), migrates it, creates seeded synthetic data through the ORM, then times (best of 5,
time.perf_counter) and counts the queries of `groups.services.forming.propose` and
`groups.services.mentors.propose_all`. Exits with status 1 if a best time is over the limit (2 seconds) or the
number of queries grows with the data. Not part of the test run.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, fresh_directory

WORK = ROOT / "var" / "bench"
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

import django  # noqa: E402

MENTEES = 1_000
GROUPS = 200
MENTORS = 200
REPEAT = 5
LIMIT_SECONDS = 2.0
SEED = 20261126
AREAS = (
    "Career change",
    "Starting a business",
    "Leadership",
    "Job search",
    "Work-life balance",
    "Public speaking",
    "Digital skills",
    "Networking",
    "Studies and training",
    "Finance",
    "Languages at work",
    "Team management",
)
LANGUAGES = ("German", "English", "Arabic", "Ukrainian", "Turkish", "Spanish")
LANGUAGE_WEIGHTS = (40, 25, 12, 10, 8, 5)
FIELDS = ("Health care", "Engineering", "Teaching", "Retail", "IT", "Logistics", "Finance", "Crafts")
SLOTS = ("mornings", "afternoons", "evenings", "weekends")


def build() -> tuple:
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import User
    from groups.models import GroupMembership, GroupRole, MentoringGroup
    from programmes.models import (
        Application,
        ApplicationStatus,
        GoalArea,
        MentorProfile,
        Programme,
        ProgrammeMembership,
        ProgrammeStatus,
        Role,
    )

    fresh_directory(WORK)
    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    now = django.utils.timezone.now()

    def applicant(programme, user, areas, main=None):
        languages = {rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0] for _ in range(rng.randint(1, 2))}
        languages |= {main} if main else set()
        slots = set(rng.sample(SLOTS, rng.randint(1, 2)))
        application = Application(
            programme=programme,
            applicant=user,
            role=Role.MENTEE,
            status=ApplicationStatus.ACCEPTED,
            languages=", ".join(sorted(languages)),
            field=rng.choice(FIELDS),
            consent_given_at=now,
            mentor_kind="Someone who changed career",
            mentor_background=rng.choice(FIELDS),
            **{f"available_{slot}": True for slot in slots},
        )
        return application, rng.sample(areas, rng.randint(1, 3))

    with transaction.atomic():
        forming = Programme.objects.create(
            name="Forming", starts_on="2027-01-01", ends_on="2027-09-30", status=ProgrammeStatus.MATCHING
        )
        matching = Programme.objects.create(
            name="Matching", starts_on="2027-01-01", ends_on="2027-09-30", status=ProgrammeStatus.MATCHING
        )
        users = User.objects.bulk_create(
            User(email=f"person{n}@bench.example", display_name=f"Person {n}")
            for n in range(MENTEES + GROUPS * 5 + MENTORS)
        )
        for programme in (forming, matching):
            GoalArea.objects.bulk_create(
                GoalArea(programme=programme, name=name, position=i) for i, name in enumerate(AREAS)
            )
        areas = {programme.pk: list(programme.goal_areas.all()) for programme in (forming, matching)}
        mentees, rest = users[:MENTEES], users[MENTEES:]
        grouped, mentors = rest[: GROUPS * 5], rest[GROUPS * 5 :]
        memberships, applications, chosen = [], [], []
        for programme, people in ((forming, mentees), (matching, grouped)):
            main = None
            for n, user in enumerate(people):
                memberships.append(ProgrammeMembership(programme=programme, user=user, role=Role.MENTEE))
                # Formed groups share a language, as the proposals make them.
                if programme is matching and n % 5 == 0:
                    main = rng.choice(LANGUAGES[:3])
                application, picked = applicant(programme, user, areas[programme.pk], main)
                applications.append(application)
                chosen.append(picked)
        Application.objects.bulk_create(applications)
        through = Application.goal_areas.through
        through.objects.bulk_create(
            through(application_id=application.pk, goalarea_id=area.pk)
            for application, picked in zip(applications, chosen, strict=True)
            for area in picked
        )
        groups = MentoringGroup.objects.bulk_create(
            MentoringGroup(programme=matching, name=f"Group {n}") for n in range(GROUPS)
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(group=groups[n // 5], user=user, role=GroupRole.MENTEE) for n, user in enumerate(grouped)
        )
        for user in mentors:
            memberships.append(ProgrammeMembership(programme=matching, user=user, role=Role.MENTOR))
        ProgrammeMembership.objects.bulk_create(memberships)
        MentorProfile.objects.bulk_create(
            MentorProfile(
                user=user,
                expertise=", ".join(rng.sample(AREAS, rng.randint(2, 4))),
                languages=", ".join(sorted({"German", rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]})),
                background=rng.choice(FIELDS),
                max_groups=rng.randint(1, 3),
                **{f"available_{slot}": True for slot in rng.sample(SLOTS, 2)},
            )
            for user in mentors
        )
    return forming, matching


def measure(label: str, function, *args) -> tuple[float, int, object]:
    from django.db import connection, reset_queries

    best, result, queries = float("inf"), None, 0
    for _ in range(REPEAT):
        reset_queries()
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
        queries = len(connection.queries)
    print(f"{label}: best of {REPEAT} {best:.3f} s, {queries} queries")
    return best, queries, result


def run() -> int:
    django.setup()
    from django.conf import settings

    from groups.services.forming import propose
    from groups.services.mentors import propose_all

    settings.DEBUG = True  # counts queries
    forming, matching = build()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {engine}; {MENTEES} mentees to group; {GROUPS} groups and {MENTORS} mentors to match")
    forming_time, forming_queries, proposal = measure("propose groups (1,000 mentees)", propose, forming)
    print(f"  {len(proposal.groups)} groups, {len(proposal.unplaced)} unplaced, similarity {proposal.similarity():.3f}")
    matching_time, matching_queries, assignment = measure("propose mentors (200 x 200)", propose_all, matching)
    print(
        f"  {len(assignment.proposals)} matched, {len(assignment.unmatched)} unmatched, total {assignment.total:,.1f}"
    )
    from django.db import connection, reset_queries

    from groups.services.mentors import confirm_all

    coordinator = matching.memberships.first().user
    reset_queries()
    start = time.perf_counter()
    asked = confirm_all(programme=matching, pairs=assignment.pairs, by=coordinator)
    asking_time = time.perf_counter() - start
    queries = len(connection.queries)
    print(f"ask the proposed mentors ({len(asked)} requests, once): {asking_time:.3f} s, {queries} queries")
    failed = False
    for label, seconds in (
        ("propose groups", forming_time),
        ("propose mentors", matching_time),
        ("ask the proposed mentors", asking_time),
    ):
        if seconds > LIMIT_SECONDS:
            print(f"FAIL: {label} took {seconds:.3f} s, over {LIMIT_SECONDS} s")
            failed = True
    if forming_queries > 3 or matching_queries > 10:
        print("FAIL: the number of queries should not grow with the data")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run())
