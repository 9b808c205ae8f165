"""Real components for the outbox's tests: a local SMTP server and a Celery worker in its own process.

``smtp_server`` is an aiosmtpd server on 127.0.0.1 that keeps every message it receives. ``celery_worker_process``
runs ``celery -A mentoring worker`` against the test's own PostgreSQL database and Redis broker, on a queue of its
own, delivering to ``smtp_server``; its broker is ``worker_broker_url``, the test run's Redis unless a test
overrides it (a test that stops and starts its broker uses ``private_redis``, in conftest.py at the root). Without
PostgreSQL, Redis or redis-server these tests skip with one line; under CI they fail instead.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from conftest import UNDER_CI, require_service
from mentoring.celery import app, forget_queue
from mentoring.tests.processes import free_port as _free_port
from mentoring.tests.processes import wait_for

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NEEDS = "needs PostgreSQL and Redis: set DATABASE_URL and CELERY_BROKER_URL"


@dataclass(frozen=True)
class Arrival:
    to: tuple[str, ...]
    subject: str
    text: str
    message_id: str = ""


class _Collector:
    """aiosmtpd handler: keeps every message, from the server's thread, for the test's thread to read."""

    def __init__(self):
        self._lock = threading.Lock()
        self._arrivals: list[Arrival] = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        with self._lock:
            self._arrivals.append(
                Arrival(
                    to=tuple(envelope.rcpt_tos),
                    subject=str(message["Subject"]),
                    text=body.get_content() if body is not None else "",
                    message_id=str(message["Message-ID"] or ""),
                )
            )
        return "250 Message accepted for delivery"

    def arrivals(self) -> list[Arrival]:
        with self._lock:
            return list(self._arrivals)


@dataclass
class SmtpServer:
    host: str
    port: int
    _collector: _Collector

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def messages(self) -> list[Arrival]:
        """Everything received so far, oldest first (a copy)."""
        return self._collector.arrivals()


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=controller.port, _collector=collector)
    finally:
        controller.stop()


class WorkerProcess:
    """One ``celery worker`` in its own process group, with its output in ``log``."""

    def __init__(self, *, command: list[str], environment: dict[str, str], log: Path):
        self.command = command
        self.environment = environment
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, *, seconds: float = 60) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so kill() takes any pool children too
            )

        def ready() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited with {self.process.returncode}:\n{self.tail()}")
            with self.log.open("rb") as output:
                output.seek(offset)
                return b" ready." in output.read()

        if not wait_for(ready, seconds=seconds, every=0.1):
            self.kill()
            pytest.fail(f"The Celery worker was not ready after {seconds} seconds:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL, as when the machine or the container dies: no warm shutdown, nothing acknowledged."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, size: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""


def _shared_database_url() -> str:
    """The test database (``test_...``) as a URL, so the worker reads and writes the rows the test sees."""
    db = connection.settings_dict
    user = quote(db["USER"] or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def _require_postgresql_and_redis(broker_url: str) -> None:
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        if UNDER_CI:
            pytest.fail(f"A real worker {NEEDS}; CI requires them.")
        pytest.skip(NEEDS)
    require_service("Redis", broker_url)


def _broker_urls() -> dict[str, str]:
    return {name: app.conf[name] for name in ("broker_url", "broker_read_url", "broker_write_url")}


def _use_broker(urls: dict[str, str]) -> None:
    """Points this process's Celery app at another broker (it reads and writes through the same URL)."""
    if urls != _broker_urls():
        app.conf.update(urls)
        # The app keeps its connection and producer pools for the broker it first used; forget them, as Celery does
        # after a fork (``app.close()`` would also take the app out of the registry the shared tasks look in).
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None


@pytest.fixture
def worker_broker_url() -> str:
    """The broker the worker reads and this process queues tasks on: the test run's Redis. A test overrides it,
    e.g. with ``private_redis.url``, to use a Redis it may stop."""
    return settings.CELERY_BROKER_URL


@pytest.fixture
def worker_concurrency() -> int:
    """1: the solo pool, one task at a time. A test parametrizes it to 2 for a prefork pool."""
    return 1


@pytest.fixture
def celery_worker_process(transactional_db, smtp_server, worker_concurrency, worker_broker_url, tmp_path):
    """A real worker on a queue of its own, against the test database and ``worker_broker_url``, delivering to
    ``smtp_server``."""
    _require_postgresql_and_redis(worker_broker_url)
    queue = f"outbox-test-{uuid.uuid4().hex[:12]}"
    # Tasks this process queues go to the worker's queue and broker; nothing left in Redis by other runs reaches it.
    previous_queue, previous_broker = app.conf.task_default_queue, _broker_urls()
    app.conf.task_default_queue = queue
    _use_broker(dict.fromkeys(previous_broker, worker_broker_url))
    pool = ["--pool=solo"] if worker_concurrency == 1 else ["--pool=prefork", f"--concurrency={worker_concurrency}"]
    worker = WorkerProcess(
        command=[
            *(sys.executable, "-m", "celery", "-A", "mentoring", "worker", *pool),
            *("-Q", queue, "-n", f"{queue}@%h", "--without-mingle", "--without-gossip", "--without-heartbeat"),
            "--loglevel=INFO",
        ],
        environment={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentoring.settings",
            "DEBUG": "1",
            "DATABASE_URL": _shared_database_url(),
            "CELERY_BROKER_URL": worker_broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": queue,  # the sweeper, inside the worker, queues its tasks here too
            "EMAIL_URL": smtp_server.url,
            "SITE_URL": "http://testserver",
            "VAR_DIR": str(tmp_path / "var"),
        },
        log=tmp_path / "worker.log",
    )
    forget_queue(queue)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        forget_queue(queue)
        app.conf.task_default_queue = previous_queue
        _use_broker(previous_broker)
        print(f"--- worker log (last part) ---\n{worker.tail()}")  # pytest shows it when the test failed
