"""The machinery the benchmarks share: a throw-away PostgreSQL database, a counting SMTP server, Celery workers on a
queue of their own, and MailBench, which times a task sending email through them and reports the figures.

Import it from a script in bench/ after putting the project root on sys.path, and before Django:

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import ROOT, recreate_database

Nothing here imports Django, psycopg2, aiosmtpd or Celery at module level, so importing it does not read the
settings: a script sets DATABASE_URL, DJANGO_SETTINGS_MODULE and the rest (MailBench.set_environment) after importing
it, and only the functions that need Django import it, after django.setup() (MailBench.run calls that itself). Not
part of the test run.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
SMTP_SERVER = os.environ.get("BENCH_SMTP_SERVER", "sink")  # or "aiosmtpd"
CONCURRENCY = 2
SETTLE_SECONDS = 3.0  # after the last expected message, time for a duplicate to show up
SAMPLE = 50  # how many messages the SMTP handler checks


def fresh_directory(path: Path) -> None:
    """Removes the directory with all it holds, if it exists, and creates it empty."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def admin_connection(database_url: str):
    """A connection to the server's ``postgres`` database, to create and drop the benchmark's own."""
    import psycopg2

    parts = urlsplit(database_url)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection


def database_name(database_url: str) -> str:
    """The database's name; exits if it does not start with "bench", so that no real database is dropped."""
    name = urlsplit(database_url).path.lstrip("/")
    if not name.startswith("bench"):
        sys.exit(f"BENCH_DATABASE_URL must name a throw-away database whose name starts with 'bench', not {name!r}.")
    return name


def admin_sql(database_url: str, *statements: str, params: list | None = None) -> list[tuple]:
    """Runs the statements, in order, on the server of the url as its administrator (outside any transaction), and
    returns the rows of the last one (none for a statement without rows). ``params`` go with the last statement."""
    connection = admin_connection(database_url)
    try:
        with connection.cursor() as cursor:
            for statement in statements[:-1]:
                cursor.execute(statement)
            cursor.execute(statements[-1], params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def recreate_database(database_url: str) -> None:
    """Drops the PostgreSQL database of the url if it exists and creates it empty, set up as docs/deploy.md sets up
    a production database (``configure_database``)."""
    name = database_name(database_url)
    admin_sql(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    configure_database(database_url)


def configure_database(database_url: str) -> None:
    """The production guide's setting for a database on SSDs (docs/deploy.md, "Create the database"), which the
    benchmarks measure with. New connections take it."""
    admin_sql(database_url, f'ALTER DATABASE "{database_name(database_url)}" SET random_page_cost = 1.1')


def database_exists(database_url: str) -> bool:
    """Whether the PostgreSQL database of the url exists."""
    found = admin_sql(
        database_url, "SELECT 1 FROM pg_database WHERE datname = %s", params=[database_name(database_url)]
    )
    return bool(found)


def drop_database(database_url: str) -> None:
    """Closes Django's connections and drops the PostgreSQL database of the url."""
    from django.db import connections

    connections.close_all()
    admin_sql(database_url, f'DROP DATABASE IF EXISTS "{database_name(database_url)}" WITH (FORCE)')


class Counting:
    """Counts the recipients of the messages an SMTP server receives; does not parse the messages, so the server is not
    what is measured. Works as an aiosmtpd handler and as SinkServer's.

    Of the first SAMPLE messages it checks that each contains every one of ``expected`` (raw bytes of the message)
    and counts those that do not in ``wrong``.
    """

    def __init__(self, *expected: bytes):
        self.expected = expected
        self.lock = threading.Lock()
        self.received: Counter[str] = Counter()
        self.checked = 0
        self.wrong = 0

    def arrived(self, recipients: list[str], content: bytes) -> None:
        with self.lock:
            self.received.update(recipients)
            if self.checked < SAMPLE:
                self.checked += 1
                if not all(part in content for part in self.expected):
                    self.wrong += 1

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.arrived(envelope.rcpt_tos, envelope.content)
        return "250 Message accepted for delivery"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def duplicates(self) -> int:
        """Messages that reached a mailbox that had already received one."""
        return sum(self.received.values()) - len(self.received)

    def missing(self, expected: int) -> int:
        """How many of ``expected`` mailboxes received nothing."""
        return expected - len(self.received)


class _SinkProtocol(asyncio.Protocol):
    """One SMTP connection: answers every command with success, keeps the recipients, and hands each message's raw
    data to the handler once its final "." line arrives. No extensions, so clients send plain MAIL and RCPT."""

    def __init__(self, handler: Counting):
        self.handler = handler
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.in_data = False
        self.recipients: list[str] = []

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(b"220 127.0.0.1 bench sink\r\n")

    def data_received(self, chunk: bytes) -> None:
        self.buffer += chunk
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                content, self.buffer = self.buffer[: end + 2], self.buffer[end + 5 :]
                self.handler.arrived(self.recipients, content)
                self.in_data, self.recipients = False, []
                self.transport.write(b"250 Message accepted for delivery\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            verb = line[:4].upper()
            if verb == b"RCPT":
                self.recipients.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
                self.transport.write(b"250 OK\r\n")
            elif verb == b"DATA":
                self.in_data = True
                self.transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif verb == b"QUIT":
                self.transport.write(b"221 Bye\r\n")
                self.transport.close()
                return
            elif verb in (b"MAIL", b"RSET"):
                self.recipients = []
                self.transport.write(b"250 OK\r\n")
            else:  # EHLO, HELO, NOOP
                self.transport.write(b"250 127.0.0.1\r\n")


class SinkServer:
    """A minimal SMTP server on 127.0.0.1 in a thread of its own, for the email benchmarks: it speaks just enough SMTP
    for Django's SMTP backend (EHLO, MAIL, RCPT, DATA, RSET, QUIT) and passes each message to a Counting handler.

    The workers and the server share the machine's cores, so the server's work comes off the throughput being
    measured. aiosmtpd (BENCH_SMTP_SERVER=aiosmtpd) parses every command with its full machinery and used 1.4-1.7 ms
    of CPU per message on the 2-core machine; this one does much less (docs/benchmarks.md has both measured).
    """

    def __init__(self, handler: Counting):
        self.handler = handler
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bench-smtp-sink", daemon=True)
        self.server: asyncio.base_events.Server | None = None

    def start(self) -> None:
        self.thread.start()
        create = self.loop.create_server(lambda: _SinkProtocol(self.handler), "127.0.0.1", self.port)
        self.server = asyncio.run_coroutine_threadsafe(create, self.loop).result(timeout=10)

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        if self.server is not None:
            asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_workers(smtp_url: str, *, queue: str, work: Path, count: int) -> list[tuple[subprocess.Popen, Path]]:
    """Starts ``count`` Celery worker processes (prefork, CONCURRENCY) on the queue, each logging to
    work/worker<n>.log, and waits until each is ready; exits with the end of the log if one does not start within a
    minute. The workers run with DEBUG off, as in production: with it on, Django keeps every query's SQL, and the
    benchmark this process sets up (``MailBench.set_environment``) would time that too."""
    environment = {
        **os.environ,
        "EMAIL_URL": smtp_url,
        "SITE_URL": "http://testserver",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "testserver",
    }
    workers = []
    for n in range(count):
        log = work / f"worker{n}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "mentoring", "worker"),
                    *("--pool=prefork", f"--concurrency={CONCURRENCY}", "-Q", queue, "-n", f"{queue}{n}@%h"),
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


@dataclass
class Delivery:
    """What MailBench.run measured."""

    expected: int  # messages that should arrive, one to each of as many mailboxes
    limit_seconds: float
    elapsed: float  # seconds from queueing the task until the expected messages arrived (or the deadline)
    arrived: int  # messages arrived by then
    duplicates: int  # by the end, after the settling time
    missing: int
    wrong: int  # messages of the sample that lacked something the handler checks
    rows: int  # outbox rows
    first_sent: datetime.datetime  # the outbox's first and last sent_at
    last_sent: datetime.datetime
    task_seconds: float | None  # how long the task took, from the worker's log
    batches: int  # delivery tasks that succeeded
    server_cpu: float  # CPU seconds the SMTP server (this process) used while the messages arrived

    def report(self, *, messages: str, task_took: str, wrong: str) -> int:
        """Prints the figures and OK or FAILED; returns the exit status. ``messages`` names the messages, ``task_took``
        introduces the task's time, ``wrong`` says what the wrong ones of the sample lack."""
        sending = (self.last_sent - self.first_sent).total_seconds()
        took = f"{self.task_seconds:.1f} s" if self.task_seconds is not None else "unknown"
        print(f"outbox rows: {self.rows:,}; {task_took} {took}; {self.batches} delivery batches")
        print(f"first to last sent: {sending:.1f} s; the SMTP server used {self.server_cpu:.1f} s of CPU meanwhile")
        print(
            f"{self.arrived:,} of {self.expected:,} {messages} arrived in {self.elapsed:.1f} s: "
            f"{self.arrived / self.elapsed:,.0f} messages/s"
        )
        print(f"duplicates: {self.duplicates}; missing: {self.missing}; {wrong}: {self.wrong}")
        ok = self.elapsed <= self.limit_seconds and self.duplicates == 0 and self.missing == 0 and self.wrong == 0
        print("OK" if ok else f"FAILED (limit {self.limit_seconds:.0f} s, no duplicates, none missing)")
        return 0 if ok else 1


@dataclass(frozen=True)
class MailBench:
    """A benchmark that times a task sending email through real Celery workers (BENCH_WORKERS processes, prefork,
    concurrency 2, in the Redis of BENCH_BROKER_URL) to an SMTP server in this process. ``work`` is emptied first and
    holds the workers' logs; ``database_url`` names the throw-away PostgreSQL database; ``queue`` is the workers' own.
    """

    work: Path
    database_url: str
    queue: str

    def set_environment(self) -> None:
        """Points Django and Celery at the benchmark's database, broker and queue: call it before importing Django."""
        os.environ["DEBUG"] = "1"
        os.environ["DATABASE_URL"] = self.database_url
        os.environ["CELERY_BROKER_URL"] = BROKER_URL
        os.environ["CELERY_TASK_DEFAULT_QUEUE"] = self.queue
        os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
        os.environ["VAR_DIR"] = str(self.work / "var")

    def run(
        self, handler: Counting, build: Callable[[], None], built: str, task: str, expected: int, limit_seconds: float
    ) -> Delivery:
        """Times the task of the dotted path ``task`` until ``expected`` messages have arrived.

        Empties the work directory, recreates the database, sets Django up, starts an SMTP server (SMTP_SERVER) with
        ``handler``, calls ``build`` (and prints ``built`` with the time it took), empties the queue and starts the
        workers on it, then calls the task's ``delay()`` and waits until the messages have arrived or three times
        ``limit_seconds`` have passed, and SETTLE_SECONDS more for duplicates to show up. Stops the workers and the
        server, empties the queue and drops the database whatever happens.
        """
        import logging

        import django

        fresh_directory(self.work)
        recreate_database(self.database_url)
        django.setup()
        from mentoring.celery import forget_queue

        workers = []
        if SMTP_SERVER == "aiosmtpd":
            from aiosmtpd.controller import Controller

            logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
            controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        else:
            controller = SinkServer(handler)
        controller.start()
        try:
            started = time.perf_counter()
            build()
            print(f"{built}: {time.perf_counter() - started:.1f} s")
            forget_queue(self.queue)
            workers = start_workers(
                f"smtp://127.0.0.1:{controller.port}", queue=self.queue, work=self.work, count=WORKERS
            )
            print(
                f"{WORKERS} worker(s), prefork concurrency {CONCURRENCY}, on {os.cpu_count()} cores; "
                f"SMTP server: {SMTP_SERVER}"
            )

            from django.db.models import Max, Min
            from django.utils.module_loading import import_string

            from outbox.models import OutgoingEmail

            sender = import_string(task)
            started, cpu_started = time.perf_counter(), time.process_time()
            sender.delay()
            deadline = started + limit_seconds * 3
            while handler.total() < expected and time.perf_counter() < deadline:
                time.sleep(0.02)
            elapsed, server_cpu = time.perf_counter() - started, time.process_time() - cpu_started
            arrived = handler.total()
            time.sleep(SETTLE_SECONDS)
            rows = OutgoingEmail.objects.count()
            times = OutgoingEmail.objects.aggregate(first_sent=Min("sent_at"), last_sent=Max("sent_at"))
            logs = "".join(log.read_text(errors="replace") for _process, log in workers)
            runs = re.findall(re.escape(task) + r"\[[^]]+\] succeeded in ([0-9.]+)s", logs)
            batches = len(re.findall(r"outbox\.tasks\.deliver_emails\[[^]]+\] succeeded", logs))
        finally:
            stop_workers(workers)
            controller.stop()
            forget_queue(self.queue)
            drop_database(self.database_url)
        return Delivery(
            expected=expected,
            limit_seconds=limit_seconds,
            elapsed=elapsed,
            arrived=arrived,
            duplicates=handler.duplicates(),
            missing=handler.missing(expected),
            wrong=handler.wrong,
            rows=rows,
            first_sent=times["first_sent"],
            last_sent=times["last_sent"],
            task_seconds=float(runs[0]) if runs else None,
            batches=batches,
            server_cpu=server_cpu,
        )


# Timing a page through Django's test client (the scripts call these after django.setup()).


def pg_version(connection) -> str:
    number = connection.pg_version  # e.g. 150020 for 15.20
    return f"{number // 10000}.{number % 10000}"


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, for the record of a measurement."""
    return "{:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"


def timed(client, url: str, runs: int) -> tuple[float, list[float], float]:
    """The median and all wall-clock times of ``runs`` GETs of the url, in milliseconds, after one warm-up; and the
    median CPU time of this process (with SQLite, the database's work too: a figure a busy machine inflates less)."""
    assert client.get(url).status_code == 200
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), times, statistics.median(cpu)


def captured_queries(client, url: str) -> list[dict]:
    """The queries one GET of the url makes, as Django captures them (``sql`` and ``time``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return context.captured_queries
