"""How fast the coordinator's programme dashboard answers for 2,000 groups and 40,000 sessions, and how many queries
it makes.

Run from the project root: .venv/bin/python bench/bench_dashboard.py
Uses a throw-away SQLite file under var/bench/dashboard/, or the PostgreSQL database of BENCH_DATABASE_URL (its name
must start with "bench"; it is dropped first and again at the end: never point it at real data). Migrates it and
bulk-creates a programme that started six months ago with 2,000 mentor-led groups (a mentor and four mentees each),
20 sessions per group over those six months (held and logged, about one in twenty cancelled) and two to come, five
attendance marks for each held session (about 80% present), a contract in force for nine groups in ten (proposed
only for the rest), 3-5 goals per group, a few open concerns, and the mid-point survey, opened 10 days ago, with
everyone asked and about 60% answered. A second programme of SMALL groups is built the same way.

Then, signed in as the coordinator through Django's test client, it renders the dashboard (one warm-up, then the
median of RUNS runs of time.perf_counter around client.get: the whole request through the middleware, the view and
the templates, without the network) and counts its queries against the small programme's. Exits with status 1 if the
median is over 300 ms or the query counts differ. With BENCH_PROFILE=1 it also prints where one request spends its
time (cProfile) and the plans of its slowest queries. With BENCH_KEEP=1 (PostgreSQL only) the database is kept at the
end and reused by the next run. Not part of the test run.
"""

from __future__ import annotations

import cProfile
import datetime
import io
import os
import pstats
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ROOT,
    captured_queries,
    database_exists,
    drop_database,
    fresh_directory,
    load,
    pg_version,
    recreate_database,
    timed,
)
from bench.fake import attendance_mark

WORK = ROOT / "var" / "bench" / "dashboard"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["DEBUG"] = "1"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["VAR_DIR"] = str(WORK / "var")
os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"

import django  # noqa: E402

GROUPS = 2_000
SMALL = 3  # the groups of the small programme whose query count the big one must match
MENTEES_PER_GROUP = 4
PAST_SESSIONS = 20  # per group, over the six months since the start
COMING_SESSIONS = 2
RUNS = 15
LIMIT_MS = 300.0
SEED = 20261126
PROFILE = os.environ.get("BENCH_PROFILE") == "1"
KEEP = os.environ.get("BENCH_KEEP") == "1"  # PostgreSQL only: keep the database at the end and reuse it next time
BATCH = 2_000


def is_postgres() -> bool:
    return DATABASE_URL.startswith(("postgres://", "postgresql://"))


def build_programme(name: str, groups: int, coordinator, rng: random.Random, now: datetime.datetime):
    """A running programme, started about six months ago, with ``groups`` groups and their history; returns it."""
    from accounts.models import User
    from feedback.models import Respondent, RoundStatus
    from feedback.services.rounds import ensure_rounds
    from groups.models import (
        Attendance,
        AttendanceMark,
        Concern,
        ConcernStatus,
        Contract,
        ContractVersion,
        Goal,
        GoalStatus,
        GroupMembership,
        Meeting,
        MeetingStatus,
        MentoringGroup,
        VersionStatus,
    )
    from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

    today = now.date()
    starts_on = today - datetime.timedelta(days=182)
    started = now - datetime.timedelta(days=182)
    programme = Programme.objects.create(
        name=name,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=364),
        time_zone="Europe/Berlin",
        status=ProgrammeStatus.RUNNING,
        sessions_per_month=3,
    )
    ProgrammeMembership.objects.create(programme=programme, user=coordinator, role=Role.COORDINATOR)
    per_group = MENTEES_PER_GROUP + 1
    slug = name.split()[0].lower()
    users = User.objects.bulk_create(
        (
            User(email=f"{slug}{n}@bench.example", display_name=f"{name} person {n}", password="!")
            for n in range(groups * per_group)
        ),
        batch_size=BATCH,
    )
    created = started - datetime.timedelta(days=14)
    group_rows = MentoringGroup.objects.bulk_create(
        (MentoringGroup(programme=programme, name=f"Group {n:04d}", created=created) for n in range(groups)),
        batch_size=BATCH,
    )
    members = {}  # group id -> [mentor, mentee, ...]
    memberships, group_memberships = [], []
    for g, group in enumerate(group_rows):
        people = users[g * per_group : (g + 1) * per_group]
        members[group.pk] = people
        for i, user in enumerate(people):
            role = Role.MENTOR if i == 0 else Role.MENTEE
            memberships.append(ProgrammeMembership(programme=programme, user=user, role=role, joined_at=created))
            group_memberships.append(GroupMembership(group=group, user=user, role=role, joined_at=created))
    ProgrammeMembership.objects.bulk_create(memberships, batch_size=BATCH)
    GroupMembership.objects.bulk_create(group_memberships, batch_size=BATCH)

    # Sessions: PAST_SESSIONS over the six months (about one in twenty cancelled), COMING_SESSIONS to come.
    span = (now - started).total_seconds()
    meetings, held_people = [], []
    for group in group_rows:
        mentor = members[group.pk][0]
        for s in range(PAST_SESSIONS):
            starts = started + datetime.timedelta(seconds=span * (s + rng.random() * 0.8) / PAST_SESSIONS)
            if rng.random() < 0.05:
                meetings.append(
                    Meeting(
                        group=group,
                        starts_at=starts,
                        created_by=mentor,
                        created_at=started,
                        status=MeetingStatus.CANCELLED,
                        cancelled_at=starts - datetime.timedelta(days=2),
                    )
                )
                held_people.append(None)
            else:
                marked = [(person, attendance_mark(rng)) for person in members[group.pk]]
                meetings.append(
                    Meeting(
                        group=group,
                        starts_at=starts,
                        created_by=mentor,
                        created_at=started,
                        held=True,
                        logged_at=starts + datetime.timedelta(hours=3),
                        logged_by=mentor,
                        marks_count=len(marked),  # as the session log keeps them
                        present_count=sum(status == AttendanceMark.PRESENT for _person, status in marked),
                    )
                )
                held_people.append(marked)
        for s in range(COMING_SESSIONS):
            starts = now + datetime.timedelta(days=5 + 10 * s, hours=rng.randint(0, 48))
            meetings.append(Meeting(group=group, starts_at=starts, created_by=mentor, created_at=started))
            held_people.append(None)
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    marks = []
    for meeting, people in zip(meetings, held_people, strict=True):
        if people is None:
            continue
        for person, status in people:
            marks.append(Attendance(meeting=meeting, user=person, status=status))
        if len(marks) >= 20_000:
            Attendance.objects.bulk_create(marks, batch_size=BATCH)
            marks = []
    Attendance.objects.bulk_create(marks, batch_size=BATCH)

    # Contracts: one version in force for nine groups in ten, only proposed for the rest.
    contracts = Contract.objects.bulk_create(
        [Contract(group=group, created=started) for group in group_rows], batch_size=BATCH
    )
    versions = []
    for contract in contracts:
        in_force = rng.random() < 0.9
        mentor = members[contract.group_id][0]
        versions.append(
            ContractVersion(
                contract=contract,
                number=1,
                status=VersionStatus.IN_FORCE if in_force else VersionStatus.PROPOSED,
                starts_on=starts_on + datetime.timedelta(days=7),
                ends_on=programme.ends_on,
                sessions_per_month=3,
                session_minutes=90,
                created_by=mentor,
                created_at=started,
                proposed_at=started + datetime.timedelta(days=5),
                in_force_at=started + datetime.timedelta(days=12) if in_force else None,
            )
        )
    ContractVersion.objects.bulk_create(versions, batch_size=BATCH)

    # Goals: one or two common goals of the group (shared, no owner), the rest a mentee's own.
    statuses = list(GoalStatus.values)
    goals = []
    for group in group_rows:
        people = members[group.pk]
        for k in range(rng.randint(3, 5)):
            common = k < 1 + (group.pk % 2)
            goals.append(
                Goal(
                    group=group,
                    owner=None if common else people[1 + k % MENTEES_PER_GROUP],
                    title=f"Goal {k}",
                    status=rng.choices(statuses, [15, 45, 25, 10, 5])[0],
                    shared_with_group=common or rng.random() < 0.3,
                    created_by=people[0] if common else people[1 + k % MENTEES_PER_GROUP],
                    created_at=started,
                )
            )
    Goal.objects.bulk_create(goals, batch_size=BATCH)

    # Concerns: a few open, some resolved.
    concerns = []
    for group in group_rows:
        roll = rng.random()
        if roll < 0.03:
            concerns.append(Concern(group=group, raised_by=members[group.pk][1], text="A worry"))
        elif roll < 0.06:
            concerns.append(
                Concern(
                    group=group,
                    raised_by=members[group.pk][2],
                    text="An old worry",
                    status=ConcernStatus.RESOLVED,
                    resolved_at=now - datetime.timedelta(days=30),
                    resolved_by=coordinator,
                )
            )
    if not concerns:
        concerns.append(Concern(group=group_rows[0], raised_by=members[group_rows[0].pk][1], text="A worry"))
    Concern.objects.bulk_create(concerns, batch_size=BATCH)

    # The mid-point survey, opened 10 days ago; everyone asked, about 60% answered.
    midpoint, _end = ensure_rounds(programme, by=coordinator)
    opened = now - datetime.timedelta(days=10)
    midpoint.status, midpoint.opened_at = RoundStatus.OPEN, opened
    midpoint.opens_on, midpoint.closes_on = opened.date(), today + datetime.timedelta(days=11)
    midpoint.save(update_fields=["status", "opened_at", "opens_on", "closes_on"])
    for questionnaire in (midpoint.mentee_questionnaire, midpoint.mentor_questionnaire):
        questionnaire.freeze(opened)
    respondents = []
    for group in group_rows:
        for i, person in enumerate(members[group.pk]):
            answered = rng.random() < 0.6
            respondents.append(
                Respondent(
                    round=midpoint,
                    user=person,
                    role=Role.MENTOR if i == 0 else Role.MENTEE,
                    group=group,
                    invited_at=opened,
                    submitted_at=opened + datetime.timedelta(days=rng.randint(0, 9)) if answered else None,
                )
            )
    Respondent.objects.bulk_create(respondents, batch_size=BATCH)
    return programme


def build():
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User

    call_command("migrate", verbosity=0)
    if KEEP:
        from programmes.models import Programme

        kept = list(Programme.objects.filter(name__in=["Bench programme", "Small programme"]).order_by("name"))
        if len(kept) == 2:
            return User.objects.get(email="coordinator@bench.example"), kept[0], kept[1]
    rng = random.Random(SEED)
    now = timezone.now()
    with transaction.atomic():
        coordinator = User.objects.create(email="coordinator@bench.example", display_name="Coordinator", password="!")
        programme = build_programme("Bench programme", GROUPS, coordinator, rng, now)
        small = build_programme("Small programme", SMALL, coordinator, rng, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load: the planner sees the real sizes
    return coordinator, programme, small


def short(sql: str) -> str:
    """The SQL with long lists of ids shortened, for reading."""
    return re.sub(r"IN \((\d+, ){20,}\d+\)", "IN (...ids...)", sql)


def profile(client, url: str) -> None:
    """Prints the functions one request spends most time in, the queries by time and the plans of the slowest."""
    from django.db import connection

    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    print(out.getvalue())
    captured = sorted(captured_queries(client, url), key=lambda query: -float(query["time"]))
    for query in captured:
        print(f"{float(query['time']) * 1000:7.1f} ms  {short(query['sql'])[:200]}")
    explain = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    for query in captured[:4]:
        print(f"\n{short(query['sql'])}")
        with connection.cursor() as cursor:
            cursor.execute(explain + query["sql"])
            for row in cursor.fetchall():
                print("   ", " ".join(str(part) for part in row))


def run() -> int:
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from feedback.models import Respondent
    from groups.models import Attendance, Meeting

    settings.DEBUG = False  # time as in production; queries are counted with CaptureQueriesContext
    started = time.perf_counter()
    coordinator, programme, small = build()
    built = time.perf_counter() - started
    sessions = Meeting.objects.filter(group__programme=programme).count()
    marks = Attendance.objects.filter(meeting__group__programme=programme).count()
    asked = Respondent.objects.filter(round__programme=programme).count()
    engine = connection.vendor
    version = ".".join(map(str, connection.Database.sqlite_version_info)) if engine == "sqlite" else ""
    print(
        f"database: {engine} {version or pg_version(connection)}; built in {built:.0f} s; {GROUPS:,} groups, "
        f"{sessions:,} sessions, {marks:,} attendance marks, {asked:,} asked in the survey"
    )
    client = Client()
    client.force_login(coordinator)
    url = reverse("reports:dashboard", kwargs={"pk": programme.pk})
    small_url = reverse("reports:dashboard", kwargs={"pk": small.pk})

    before = load()
    median, times, cpu = timed(client, url, RUNS)
    after = load()
    size = len(client.get(url).content)
    big_queries, small_queries = len(captured_queries(client, url)), len(captured_queries(client, small_url))
    print(
        f"dashboard: median of {RUNS} {median:.0f} ms (min {min(times):.0f}, max {max(times):.0f}; CPU "
        f"{cpu:.0f} ms); {big_queries} queries ({small_queries} for {SMALL} groups); {size / 1024:.0f} KiB of HTML; "
        f"load average {before} before, {after} after"
    )
    if PROFILE:
        settings.DEBUG = True
        profile(client, url)

    failed = False
    if median > LIMIT_MS:
        print(f"FAIL: the dashboard took {median:.0f} ms, over {LIMIT_MS:.0f} ms")
        failed = True
    if big_queries != small_queries:
        print("FAIL: the number of queries grows with the data")
        failed = True
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


def main() -> int:
    keep = KEEP and is_postgres()
    if is_postgres():
        if not keep or not database_exists(DATABASE_URL):
            recreate_database(DATABASE_URL)
    else:
        fresh_directory(WORK)
    try:
        return run()
    finally:
        if is_postgres() and not keep:
            drop_database(DATABASE_URL)


if __name__ == "__main__":
    sys.exit(main())
