"""How fast 10,000 due session reminders go out: beat's task in a real Celery worker sweeps them into the outbox,
and the worker delivers each to a local SMTP server.

Run from the project root (PostgreSQL and Redis must be running): .venv/bin/python bench/bench_reminders.py
Creates the throw-away PostgreSQL database of BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_reminders; dropped first if it exists, and again at the end: never point
it at real data), migrates it, and bulk-creates 2,000 groups of 5 (a mentor and 4 mentees) with a session starting
in 90 minutes each. Starts a minimal SMTP server in this process and BENCH_WORKERS (default 1) worker processes
(prefork, concurrency 2) on a queue of their own in the Redis of BENCH_BROKER_URL (default
redis://127.0.0.1:6379/7; the queue is purged first), then times from `send_due_reminders.delay()` until 10,000
messages have arrived. The sweep writes the outbox rows in bulk and queues one delivery task per 50; each task
claims its rows at once and sends them over one SMTP connection. Prints the time, the messages per second and the
duplicates, and exits with status 1 if it took over 60 seconds, a message is missing or one arrived twice. Not part
of the test run.
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
REMINDERS = GROUPS * PER_GROUP
LIMIT_SECONDS = 60.0
BENCH = MailBench(
    work=ROOT / "var" / "bench" / "reminders",
    database_url=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_reminders"),
    queue="bench-reminders",
)
BENCH.set_environment()  # before anything imports Django


def build() -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from groups.models import GroupMembership, GroupRole, Meeting, MentoringGroup
    from programmes.models import Programme, ProgrammeStatus

    call_command("migrate", verbosity=0)
    now = timezone.now()
    with transaction.atomic():
        programme = Programme.objects.create(
            name="Bench programme",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 5, 31),
            time_zone="Europe/Berlin",
            status=ProgrammeStatus.RUNNING,
            reminder_hours="24,2",
        )
        users = User.objects.bulk_create(
            User(email=f"person{n}@example.org", display_name=f"Person {n}", password="!", time_zone="Europe/Berlin")
            for n in range(REMINDERS)
        )
        groups = MentoringGroup.objects.bulk_create(
            MentoringGroup(programme=programme, name=f"Bench group {n}") for n in range(GROUPS)
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(
                group=group,
                user=users[g * PER_GROUP + i],
                role=GroupRole.MENTOR if i == 0 else GroupRole.MENTEE,
            )
            for g, group in enumerate(groups)
            for i in range(PER_GROUP)
        )
        Meeting.objects.bulk_create(
            Meeting(
                group=group,
                starts_at=now + datetime.timedelta(minutes=90),
                place="Library, room 4",
                created_by=users[g * PER_GROUP],
            )
            for g, group in enumerate(groups)
        )


def main() -> int:
    handler = Counting(b"Reminder", b"Bench group")  # a sample: the subject names the group
    built = f"created {GROUPS:,} groups × {PER_GROUP} with a session in 90 minutes"
    delivery = BENCH.run(handler, build, built, "groups.tasks.send_due_reminders", REMINDERS, LIMIT_SECONDS)
    return delivery.report(messages="reminders", task_took="the sweep took", wrong="subjects not naming the group")


if __name__ == "__main__":
    sys.exit(main())
