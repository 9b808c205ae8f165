"""How fast the survey results page answers for 10,000 responses, and how many queries it makes.

Run from the project root: .venv/bin/python bench/bench_survey_results.py
Uses a throw-away SQLite file under var/bench/results/, or the PostgreSQL database of BENCH_DATABASE_URL (its name
must start with "bench"; it is dropped first and again at the end: never point it at real data). Migrates it and
bulk-creates a running programme with 2,000 groups (a mentor and five mentees each, 12,000 people), its mid-point
round open and anonymous with everyone asked, and 10,000 submitted responses to the default mid-point
questionnaires (seeded random answers; about a third write something in each optional text box); the end-of-
programme round gets the same number of responses, for the comparison page.

Then, signed in as the coordinator through Django's test client, it renders the round's results page (one warm-up,
then the median of RUNS runs of time.perf_counter around client.get: the whole request through the middleware,
the view and the templates, without the network) and counts its queries; the same for the mid-point and end
comparison and, once, the CSV export (figures only, no limit). Exits with status 1 if the results page's median is
over 300 ms, or if its query count differs from the one for a round of 20 responses. Not part of the test run.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, captured_queries, drop_database, fresh_directory, pg_version, recreate_database, timed
from bench.fake import answer_values

WORK = ROOT / "var" / "bench" / "results"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["DEBUG"] = "1"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["VAR_DIR"] = str(WORK / "var")
os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"

import django  # noqa: E402

GROUPS = 2_000
MENTEES_PER_GROUP = 5
RESPONSES = 10_000
SMALL = 20  # the responses of the small round whose query count the big one must match
RUNS = 9
LIMIT_MS = 300.0
SEED = 20261126


def is_postgres() -> bool:
    return DATABASE_URL.startswith(("postgres://", "postgresql://"))


def fill_round(survey_round, people, rng: random.Random, now, count: int) -> None:
    """Opens the round, asks everyone and has ``count`` of them answer it (anonymously: no link to the person, no
    group)."""
    from feedback.models import Answer, Respondent, RespondentRole, Response, RoundStatus

    survey_round.status, survey_round.opened_at = RoundStatus.OPEN, now
    survey_round.save(update_fields=["status", "opened_at"])
    questionnaires = {
        RespondentRole.MENTEE: survey_round.mentee_questionnaire,
        RespondentRole.MENTOR: survey_round.mentor_questionnaire,
    }
    questions = {role: list(questionnaire.questions.all()) for role, questionnaire in questionnaires.items()}
    for questionnaire in questionnaires.values():
        questionnaire.freeze(now)
    answering = set(rng.sample(range(len(people)), count))
    Respondent.objects.bulk_create(
        (
            Respondent(
                round=survey_round,
                user_id=user_id,
                role=role,
                group_id=group_id,
                invited_at=now,
                submitted_at=now if n in answering else None,
            )
            for n, (user_id, role, group_id) in enumerate(people)
        ),
        batch_size=2000,
    )
    responses = Response.objects.bulk_create(
        (
            Response(
                round=survey_round,
                questionnaire=questionnaires[role],
                role=role,
                group_id=None if survey_round.anonymous else group_id,  # an anonymous response keeps no group
                submitted_on=(now - datetime.timedelta(days=rng.randint(0, 20))).date(),
            )
            for n, (_user_id, role, group_id) in enumerate(people)
            if n in answering
        ),
        batch_size=2000,
    )
    batch = []
    for response in responses:
        for question in questions[response.role]:
            values = answer_values(rng, question)
            if values is not None:
                batch.append(Answer(response=response, question=question, **values))
        if len(batch) >= 10_000:
            Answer.objects.bulk_create(batch)
            batch = []
    Answer.objects.bulk_create(batch)


def build():
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from feedback.services.rounds import ensure_rounds
    from groups.models import GroupMembership, MentoringGroup
    from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    now = timezone.now()
    per_group = MENTEES_PER_GROUP + 1
    with transaction.atomic():
        programme = Programme.objects.create(
            name="Bench programme",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 5, 31),
            time_zone="Europe/Berlin",
            status=ProgrammeStatus.RUNNING,
        )
        coordinator = User.objects.create(email="coordinator@bench.example", display_name="Coordinator", password="!")
        ProgrammeMembership.objects.create(programme=programme, user=coordinator, role=Role.COORDINATOR)
        users = User.objects.bulk_create(
            (
                User(email=f"person{n}@bench.example", display_name=f"Person {n}", password="!")
                for n in range(GROUPS * per_group)
            ),
            batch_size=2000,
        )
        groups = MentoringGroup.objects.bulk_create(
            MentoringGroup(programme=programme, name=f"Group {n:04d}") for n in range(GROUPS)
        )
        people = []  # (user id, respondent role, group id)
        memberships, group_memberships = [], []
        for g, group in enumerate(groups):
            for i in range(per_group):
                user = users[g * per_group + i]
                role = Role.MENTOR if i == 0 else Role.MENTEE
                memberships.append(ProgrammeMembership(programme=programme, user=user, role=role))
                group_memberships.append(GroupMembership(group=group, user=user, role=role))
                people.append((user.pk, role, group.pk))
        ProgrammeMembership.objects.bulk_create(memberships, batch_size=2000)
        GroupMembership.objects.bulk_create(group_memberships, batch_size=2000)
        midpoint, end = ensure_rounds(programme, by=coordinator)
        fill_round(midpoint, people, rng, now, RESPONSES)
        fill_round(end, people, rng, now, RESPONSES)

        small = Programme.objects.create(
            name="Small programme",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 5, 31),
            status=ProgrammeStatus.RUNNING,
        )
        ProgrammeMembership.objects.create(programme=small, user=coordinator, role=Role.COORDINATOR)
        small_groups = MentoringGroup.objects.bulk_create(
            MentoringGroup(programme=small, name=f"Small group {n}") for n in range(5)
        )
        small_people = [
            (users[n].pk, Role.MENTEE if n % 6 else Role.MENTOR, small_groups[n // 6].pk) for n in range(30)
        ]
        small_midpoint, _small_end = ensure_rounds(small, by=coordinator)
        fill_round(small_midpoint, small_people, rng, now, SMALL)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load: the planner sees the real sizes
    return coordinator, programme, midpoint, small, small_midpoint


def run() -> int:
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from feedback.models import Answer, Response

    settings.DEBUG = False  # time as in production; queries are counted with CaptureQueriesContext
    started = time.perf_counter()
    coordinator, programme, midpoint, small, small_midpoint = build()
    built = time.perf_counter() - started
    responses = Response.objects.filter(round=midpoint, submitted_on__isnull=False).count()
    answers = Answer.objects.filter(response__round=midpoint).count()
    engine = connection.vendor
    version = ".".join(map(str, connection.Database.sqlite_version_info)) if engine == "sqlite" else ""
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(
        f"database: {engine} {version or pg_version(connection)}; built in {built:.0f} s{load}; "
        f"mid-point round: {responses:,} responses, {answers:,} answers, {GROUPS:,} groups"
    )
    client = Client()
    client.force_login(coordinator)
    results_url = reverse("surveys:results", kwargs={"pk": programme.pk, "round_pk": midpoint.pk})
    small_url = reverse("surveys:results", kwargs={"pk": small.pk, "round_pk": small_midpoint.pk})
    compare_url = reverse("surveys:compare", kwargs={"pk": programme.pk})
    csv_url = reverse("surveys:results_csv", kwargs={"pk": programme.pk, "round_pk": midpoint.pk})

    median, times, cpu = timed(client, results_url, RUNS)
    size = len(client.get(results_url).content)
    big_queries, small_queries = len(captured_queries(client, results_url)), len(captured_queries(client, small_url))
    print(
        f"results page: median of {RUNS} {median:.0f} ms (min {min(times):.0f}, max {max(times):.0f}; CPU "
        f"{cpu:.0f} ms); {big_queries} queries ({small_queries} for {SMALL} responses); {size / 1024:.0f} KiB of HTML"
    )
    compare_median, compare_times, compare_cpu = timed(client, compare_url, runs=5)
    compare_queries = len(captured_queries(client, compare_url))
    print(
        f"mid-point and end compared (10,000 responses each): median of 5 {compare_median:.0f} ms "
        f"(min {min(compare_times):.0f}; CPU {compare_cpu:.0f} ms); {compare_queries} queries"
    )
    start = time.perf_counter()
    export = client.get(csv_url)
    export_ms = (time.perf_counter() - start) * 1000
    assert export.status_code == 200
    print(f"CSV export: {export_ms:.0f} ms, {len(export.content) / 1024 / 1024:.1f} MiB (once; no limit)")

    failed = False
    if median > LIMIT_MS:
        print(f"FAIL: the results page took {median:.0f} ms, over {LIMIT_MS:.0f} ms")
        failed = True
    if big_queries != small_queries:
        print("FAIL: the number of queries grows with the responses")
        failed = True
    return 1 if failed else 0


def main() -> int:
    if is_postgres():
        recreate_database(DATABASE_URL)
    else:
        fresh_directory(WORK)
    try:
        return run()
    finally:
        if is_postgres():
            drop_database(DATABASE_URL)


if __name__ == "__main__":
    sys.exit(main())
