"""How fast a survey reaches 10,000 people: beat's task in a real Celery worker opens the mid-point round of a
programme with 10,000 mentees and mentors, writes their invitations to the outbox, and the worker delivers each to a
local SMTP server.

Run from the project root (PostgreSQL and Redis must be running):
    .venv/bin/python bench/bench_survey_invitations.py
Creates the throw-away PostgreSQL database of BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_survey_invitations; dropped first if it exists, and again at the end: never
point it at real data), migrates it, and bulk-creates a running programme of 2,000 groups of 5 (a mentor and 4
mentees) whose mid-point survey opens today. Starts an aiosmtpd server in this process and BENCH_WORKERS (default 1)
worker processes (prefork, concurrency 2) on a queue of their own in the Redis of BENCH_BROKER_URL (default
redis://127.0.0.1:6379/7; the queue is purged first), then times from `run_survey_rounds.delay()` until 10,000
invitations have arrived. Opening the round writes the respondents and the outbox rows in bulk and queues one
delivery task per 50; each task claims its rows at once and sends them over one SMTP connection. Prints the time,
the messages per second and the duplicates, and exits with status 1 if it took over 60 seconds, a message is missing
or one arrived twice. Not part of the test run.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "var" / "bench" / "survey_invitations"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_survey_invitations")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
CONCURRENCY = 2
QUEUE = "bench-survey-invitations"
GROUPS = 2_000
PER_GROUP = 5  # a mentor and four mentees
PEOPLE = GROUPS * PER_GROUP
LIMIT_SECONDS = 60.0
SETTLE_SECONDS = 3.0  # after the last expected message, time for a duplicate to show up

os.environ["DEBUG"] = "1"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["CELERY_BROKER_URL"] = BROKER_URL
os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE
os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
os.environ["VAR_DIR"] = str(WORK / "var")

import django  # noqa: E402


def admin_connection():
    """A connection to the server's ``postgres`` database, to create and drop the benchmark's own."""
    import psycopg2

    parts = urlsplit(DATABASE_URL)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def database_name() -> str:
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if not name.startswith("bench"):
        sys.exit(f"BENCH_DATABASE_URL must name a throw-away database whose name starts with 'bench', not {name!r}.")
    return name


def recreate_database() -> None:
    name = database_name()
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def drop_database() -> None:
    from django.db import connections

    connections.close_all()
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database_name()}" WITH (FORCE)')
    finally:
        connection.close()


class Counting:
    """aiosmtpd handler: counts recipients; does not parse the messages, so the server is not what is measured."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: Counter[str] = Counter()
        self.subjects_checked = 0
        self.wrong_subjects = 0

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        with self.lock:
            self.received.update(envelope.rcpt_tos)
            if self.subjects_checked < 50:  # a sample: the email names the programme and carries the link
                self.subjects_checked += 1
                if b"Bench programme" not in envelope.content or b"/feedback/answer/" not in envelope.content:
                    self.wrong_subjects += 1
        return "250 Message accepted for delivery"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def forget_queue() -> None:
    """Empties and removes the benchmark's queue, with anything a killed worker left unacknowledged."""
    from mentoring.celery import app

    with app.connection_for_write() as broker:
        channel = broker.default_channel
        channel.queue_purge(QUEUE)
        client = channel.client
        client.delete(channel.keyprefix_queue % QUEUE, channel.keyprefix_binding_permanent % QUEUE)
        for tag, payload in client.hgetall(channel.unacked_key).items():
            _message, _exchange, routing_key = json.loads(payload)
            if routing_key == QUEUE:
                client.hdel(channel.unacked_key, tag)
                client.zrem(channel.unacked_index_key, tag)


def start_workers(smtp_url: str) -> list[tuple[subprocess.Popen, Path]]:
    environment = {**os.environ, "EMAIL_URL": smtp_url, "SITE_URL": "http://testserver"}
    workers = []
    for n in range(WORKERS):
        log = WORK / f"worker{n}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "mentoring", "worker"),
                    *("--pool=prefork", f"--concurrency={CONCURRENCY}", "-Q", QUEUE, "-n", f"{QUEUE}{n}@%h"),
                    *("--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO"),
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        workers.append((process, log))
    deadline = time.monotonic() + 60
    for process, log in workers:
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                stop_workers(workers)
                sys.exit(f"A worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
    return workers


def stop_workers(workers) -> None:
    for process, _log in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process, _log in workers:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def main() -> int:
    import logging

    from aiosmtpd.controller import Controller

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    recreate_database()
    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    workers = []
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        started = time.perf_counter()
        build()
        print(
            f"created a programme of {GROUPS:,} groups × {PER_GROUP} whose mid-point survey opens today: "
            f"{time.perf_counter() - started:.1f} s"
        )
        forget_queue()
        workers = start_workers(f"smtp://127.0.0.1:{controller.port}")
        print(f"{WORKERS} worker(s), prefork concurrency {CONCURRENCY}, on {os.cpu_count()} cores")

        from django.db.models import Max, Min

        from feedback.tasks import run_survey_rounds
        from outbox.models import OutgoingEmail

        started = time.perf_counter()
        run_survey_rounds.delay()
        deadline = started + LIMIT_SECONDS * 3
        while handler.total() < PEOPLE and time.perf_counter() < deadline:
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        arrived = handler.total()
        time.sleep(SETTLE_SECONDS)
        rows = OutgoingEmail.objects.count()
        times = OutgoingEmail.objects.aggregate(first_sent=Min("sent_at"), last_sent=Max("sent_at"))
        logs = "".join(log.read_text(errors="replace") for _process, log in workers)
        sweeps = re.findall(r"feedback\.tasks\.run_survey_rounds\[[^]]+\] succeeded in ([0-9.]+)s", logs)
        batches = len(re.findall(r"outbox\.tasks\.deliver_emails\[[^]]+\] succeeded", logs))
    finally:
        stop_workers(workers)
        controller.stop()
        forget_queue()
        drop_database()

    duplicates = sum(handler.received.values()) - len(handler.received)
    missing = PEOPLE - len(handler.received)
    sending = (times["last_sent"] - times["first_sent"]).total_seconds()
    sweep = f"{float(sweeps[0]):.1f} s" if sweeps else "unknown"
    print(f"outbox rows: {rows:,}; opening the round took {sweep}; {batches} delivery batches")
    print(f"first to last sent: {sending:.1f} s")
    print(f"{arrived:,} of {PEOPLE:,} invitations arrived in {elapsed:.1f} s: {arrived / elapsed:,.0f} messages/s")
    print(
        f"duplicates: {duplicates}; missing: {missing}; emails without the programme or link: {handler.wrong_subjects}"
    )
    ok = elapsed <= LIMIT_SECONDS and duplicates == 0 and missing == 0 and handler.wrong_subjects == 0
    print("OK" if ok else f"FAILED (limit {LIMIT_SECONDS:.0f} s, no duplicates, none missing)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
