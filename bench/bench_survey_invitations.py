"""How fast a survey reaches 10,000 people: beat's task in a real Celery worker opens the mid-point round of a
programme with 10,000 mentees and mentors, writes their invitations to the outbox, and the worker delivers each to a
local SMTP server.

Run from the project root (PostgreSQL and Redis must be running):
    .venv/bin/python bench/bench_survey_invitations.py
Creates the throw-away PostgreSQL database of BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_survey_invitations; dropped first if it exists, and again at the end: never
point it at real data), migrates it, and bulk-creates a running programme of 2,000 groups of 5 (a mentor and 4
mentees) whose mid-point survey opens today. Starts a minimal SMTP server in this process and BENCH_WORKERS (default 1)
worker processes (prefork, concurrency 2) on a queue of their own in the Redis of BENCH_BROKER_URL (default
redis://127.0.0.1:6379/7; the queue is purged first), then times from `run_survey_rounds.delay()` until 10,000
invitations have arrived. Opening the round writes the respondents and the outbox rows in bulk and queues one
delivery task per 50; each task claims its rows at once and sends them over one SMTP connection. Prints the time,
the messages per second and the duplicates, and exits with status 1 if it took over 60 seconds, a message is missing
or one arrived twice. Not part of the test run.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Counting, MailBench

GROUPS = 2_000
PER_GROUP = 5  # a mentor and four mentees
PEOPLE = GROUPS * PER_GROUP
LIMIT_SECONDS = 60.0
BENCH = MailBench(
    work=ROOT / "var" / "bench" / "survey_invitations",
    database_url=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_survey_invitations"),
    queue="bench-survey-invitations",
)
BENCH.set_environment()  # before anything imports Django


def build() -> None:
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import User
    from feedback.models import SurveyRound
    from feedback.services.rounds import ensure_rounds
    from groups.models import GroupMembership, GroupRole, MentoringGroup
    from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        programme = Programme.objects.create(
            name="Bench programme",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 5, 31),
            time_zone="Europe/Berlin",
            status=ProgrammeStatus.RUNNING,
        )
        users = User.objects.bulk_create(
            User(email=f"person{n}@example.org", display_name=f"Person {n}", password="!", time_zone="Europe/Berlin")
            for n in range(PEOPLE)
        )
        groups = MentoringGroup.objects.bulk_create(
            MentoringGroup(programme=programme, name=f"Bench group {n}") for n in range(GROUPS)
        )
        roles = [(g, i) for g in range(GROUPS) for i in range(PER_GROUP)]
        ProgrammeMembership.objects.bulk_create(
            ProgrammeMembership(
                programme=programme, user=users[g * PER_GROUP + i], role=Role.MENTOR if i == 0 else Role.MENTEE
            )
            for g, i in roles
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(
                group=groups[g],
                user=users[g * PER_GROUP + i],
                role=GroupRole.MENTOR if i == 0 else GroupRole.MENTEE,
            )
            for g, i in roles
        )
        midpoint, _end = ensure_rounds(programme)
        today = programme.today()
        SurveyRound.objects.filter(pk=midpoint.pk).update(opens_on=today, closes_on=today + datetime.timedelta(days=21))


def main() -> int:
    handler = Counting(b"Bench programme", b"/feedback/answer/")  # a sample: names the programme, carries the link
    built = f"created a programme of {GROUPS:,} groups × {PER_GROUP} whose mid-point survey opens today"
    delivery = BENCH.run(handler, build, built, "feedback.tasks.run_survey_rounds", PEOPLE, LIMIT_SECONDS)
    return delivery.report(
        messages="invitations", task_took="opening the round took", wrong="emails without the programme or link"
    )


if __name__ == "__main__":
    sys.exit(main())
