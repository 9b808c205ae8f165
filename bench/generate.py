"""Builds a realistic database for the benchmarks at a chosen scale: programmes in every phase of their life, with
the people, groups, sessions, contracts, goals, surveys and concerns they would have by now.

Run from the project root:

    .venv/bin/python bench/generate.py --scale 1
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale1 .venv/bin/python bench/generate.py --scale 1

Without BENCH_DATABASE_URL it writes a throw-away SQLite file under var/bench/generate/scale<N>/. A PostgreSQL
database (its name must start with "bench") is dropped and created again first: never point it at real data. The
script keeps what it built; bench_pages.py and run_all.py drop their databases unless BENCH_KEEP=1.

Scale 1 is one "unit" of 20 programmes, built the same way each time from the seed; scale N is N units, so every
programme stays the size of a real one and only their number grows. Per unit:

- 20 programmes: 13 running (started 3 weeks to 9 months ago; the first one, the "typical" programme the page
  benchmarks use, has its mid-point survey open), 2 recruiting (applications only), 2 closing, 3 closed;
- 2,000 people: 8 coordinators (each coordinates two or three programmes), about 1,720 mentees with accepted
  applications, 80 applicants to the recruiting programmes, and about 200 mentors with a profile in the mentor data
  bank (one in ten in the bank only); mentors mentor in about two programmes each, with coordinators' feedback
  after the closed and closing ones;
- 400 groups: mentor-led groups of 4-5 mentees, a peer group of 5 in every other programme, and one mentor circle
  (five of the programme's mentors, led by its coordinator) per programme;
- 8,000 sessions, 20 per group every two weeks: the past ones held and logged (about 4% cancelled, 2% not held, the
  latest one sometimes not logged yet) with attendance marks, ``marks_count`` and ``present_count`` set as the
  session log keeps them, and 0-3 action items; the rest scheduled;
- a contract per group: version 1 in force and agreed by every member (5% amended: version 2 in force), or proposed
  and agreed by some; 3-5 goals per group with progress updates; a few concerns, open and resolved;
- the mid-point and end-of-programme survey rounds (``ensure_rounds``, the default questionnaires, frozen when the
  round opened), open or closed as the programme's dates say, with everyone asked and 50-75% answered; and the
  pulse after the held sessions from about a quarter of the mentees: about 40,000 answers in all.

``generate(scale, seed=...)`` migrates the database Django is set up with and builds into it in one transaction;
``typical()`` finds the programme, group, session, survey round and people the page benchmarks measure. Not part of
the test run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, configure_database, database_exists, fresh_directory, recreate_database
from bench.generate_build import Builder
from bench.generate_plan import PEOPLE_PER_UNIT, TYPICAL, UNIT, plan_unit

WORK = ROOT / "var" / "bench" / "generate"
DEFAULT_SEED = 20261126


def counted_models():
    """The models whose rows generate() reports, in the order it prints them."""
    from accounts.models import User
    from feedback.models import Answer, Questionnaire, Respondent, Response, SurveyRound
    from groups.models import (
        ActionItem,
        Attendance,
        Concern,
        Contract,
        ContractAgreement,
        ContractVersion,
        Goal,
        GoalUpdate,
        GroupMembership,
        Meeting,
        MentoringGroup,
    )
    from programmes.models import Application, MentorFeedback, MentorProfile, Programme, ProgrammeMembership

    return (
        Programme, User, ProgrammeMembership, Application, MentorProfile, MentorFeedback, MentoringGroup,
        GroupMembership, Meeting, Attendance, ActionItem, Contract, ContractVersion, ContractAgreement, Goal,
        GoalUpdate, Concern, Questionnaire, SurveyRound, Respondent, Response, Answer,
    )  # fmt: skip


def counts() -> dict[str, int]:
    """Rows per model, by model name."""
    return {model.__name__: model.objects.count() for model in counted_models()}


def is_generated(scale: int) -> bool:
    """Whether the database holds what generate(scale) builds (checked by its programmes and its last person)."""
    from accounts.models import User
    from programmes.models import Programme

    last = f"u{scale - 1:03d}-mentor{PEOPLE_PER_UNIT - 1}@bench.example"
    return Programme.objects.count() == len(UNIT) * scale and User.objects.filter(email=last).exists()


def generate(scale: int, *, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Migrates the database Django is set up with and builds ``scale`` units into it, in one transaction; on
    PostgreSQL runs ANALYZE afterwards, as autovacuum would. Returns the rows per model. The database should be
    empty: the people's addresses are unique."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    if scale < 1:
        raise ValueError("The scale is a whole number from 1.")
    call_command("migrate", verbosity=0)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        for unit in range(scale):
            Builder(plan_unit(unit, seed), seed, now).build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner sees the real sizes
    return counts()


@dataclass
class Typical:
    """What the page benchmarks look at: the first programme (running, its mid-point survey open), its first
    mentor-led group, that group's latest logged session, and the people who use those pages."""

    coordinator: object
    mentor: object
    mentee: object
    programme: object
    group: object
    session: object
    survey_round: object


def typical() -> Typical:
    from feedback.models import Respondent, RoundKind
    from groups.models import GroupKind, GroupRole, Meeting
    from programmes.models import Programme, Role

    programme = Programme.objects.get(name__startswith=f"{TYPICAL} ")
    coordinator = programme.memberships.get(role=Role.COORDINATOR).user
    group = programme.groups.filter(kind=GroupKind.MENTOR_LED).order_by("name").first()
    mentor = group.memberships.get(role=GroupRole.MENTOR).user
    survey_round = programme.survey_rounds.get(kind=RoundKind.MIDPOINT)
    waiting = Respondent.objects.filter(round=survey_round, submitted_at__isnull=True, group=group, role=Role.MENTEE)
    mentee = waiting.order_by("pk").first().user
    session = Meeting.objects.filter(group=group, held=True).order_by("-starts_at").first()
    return Typical(coordinator, mentor, mentee, programme, group, session, survey_round)


# The command ---------------------------------------------------------------------------------------------------


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def database_url(scale: int) -> str:
    """BENCH_DATABASE_URL (its "{scale}" replaced by the scale), or a SQLite file of the scale's own."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url.replace("{scale}", str(scale))
    return f"sqlite:///{WORK / f'scale{scale}' / 'bench.sqlite3'}"


def configure(url: str, work: Path) -> None:
    """Points Django at the database: call it before importing Django."""
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = url
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["VAR_DIR"] = str(work / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"


def prepare(url: str, scale: int, *, reuse: bool = False) -> bool:
    """An empty database for the scale, or (``reuse``, PostgreSQL only) the existing one if it exists. Returns
    whether it was kept. Call it before django.setup()."""
    if is_postgres(url):
        if reuse and database_exists(url):
            configure_database(url)  # a database kept from before the setting
            return True
        recreate_database(url)
    else:
        fresh_directory(WORK / f"scale{scale}")
    return False


def print_counts(rows: dict[str, int]) -> None:
    width = max(map(len, rows))
    for name, count in rows.items():
        print(f"  {name:<{width}}  {count:>9,}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="how many units of 20 programmes (default 1)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    options = parser.parse_args()
    if options.scale < 1:
        parser.error("--scale must be 1 or more")
    url = database_url(options.scale)
    configure(url, WORK / f"scale{options.scale}")
    prepare(url, options.scale)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated, cpu = time.perf_counter(), time.process_time()
    rows = generate(options.scale, seed=options.seed)
    took, cpu = time.perf_counter() - migrated, time.process_time() - cpu
    print(
        f"scale {options.scale} on {connection.vendor}: migrated in {migrated - started:.1f} s, built in {took:.1f} s "
        f"({cpu:.1f} s of it the CPU time of this process)"
    )
    print_counts(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
