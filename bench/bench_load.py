"""A load test of the site as it runs in production (gunicorn, PostgreSQL, Redis), and two fault drills: Redis away
for half a minute, and PostgreSQL restarted, both under load.

Run from the project root:

    .venv/bin/python bench/bench_load.py
    BENCH_GUNICORN_WORKERS=3 BENCH_LOAD_CONNECTIONS=8,32 .venv/bin/python bench/bench_load.py
    .venv/bin/python bench/bench_load.py --json var/bench/load.json   # also the figures as JSON (run_all.py)

Why private servers: the drills stop Redis and restart PostgreSQL, which must disturb nobody else. So the script
starts its own PostgreSQL cluster (``initdb`` as the ``postgres`` OS user when run as root, trust authentication,
a free port, its socket in the temporary directory) and its own ``redis-server`` (a free port, no persistence), both
under a temporary directory in /tmp, and removes them at the end, after an error or Ctrl-C too. It never touches the
machine's PostgreSQL or Redis.

1. Fills the private cluster with ``bench/generate.py`` at scale 1 (about 20 s), runs ``collectstatic`` into a
   temporary STATIC_ROOT (production uses the manifest storage) and starts ``gunicorn mentoring.wsgi`` with the
   production settings (DEBUG unset, a 50-character SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS redirect or secure
   cookies since it is plain HTTP on the loopback), BENCH_GUNICORN_WORKERS sync workers (default 2 * cores + 1) and
   an access log with each request's status and time. Waits until ``/health/`` answers 200.
2. Signs people in without the sign-in form: a session row each (Django's SessionStore with the user's id, backend
   and session hash), for the coordinators of the typical programme and the mentor and a mentee (one who has not
   answered the open survey) of its first GROUPS mentor-led groups.
3. The mix (see MIX): the key pages of ``bench_pages.py`` plus the mentee's group page and everyone's home page,
   weighted, each request with its person's session cookie, shuffled once and cycled through by ``wrk`` (a Lua script
   written to the temporary directory; each thread starts at another place in the cycle). ``wrk --latency`` reports
   requests per second, the latency percentiles and the failed requests (a status of 400 or more, and connect,
   read, write and timeout errors); the access log gives each page's count and server-side 95th percentile, and the
   failed URLs.
4. The load test: a run of BENCH_LOAD_SECONDS (default 30) with BENCH_LOAD_THREADS (2) threads for each number of
   connections in BENCH_LOAD_CONNECTIONS (default 4,8,16). wrk and gunicorn share the cores, so on a small machine
   the figures are the site's and wrk's together; beyond a few connections per core requests only queue at the
   workers (longer latency, the same requests per second), which the levels show.
5. Drill A, Redis away: a DRILL_SECONDS (60) run with BENCH_DRILL_CONNECTIONS (8) connections; after 10 s
   ``redis-cli shutdown nosave``, 30 s later a new ``redis-server`` on the same port. A poller asks ``/health/``
   every 100 ms: it should answer 503 (broker unavailable) during the outage and 200 after.
6. Drill B, PostgreSQL restarted: a DRILL_SECONDS run; after 10 s ``pg_ctl restart -m fast``. The poller asks
   ``/health/`` and a page every 100 ms; the recovery time runs from the restart to the first poll that succeeded
   after the last failed one (of the poller, or of the load in the access log, whose times are whole seconds).

Exits with status 1 if a run of the load test has a failed request, drill A has a failed request, or drill B takes over
RECOVERY_LIMIT_SECONDS to recover (requests during the restart itself may fail: they are counted and reported). The
95th percentile is set against the 300 ms page target, for the record only: on a machine where wrk shares the cores
it depends on the connections as much as on the site. Needs initdb/pg_ctl (PG_BIN), redis-server, redis-cli and wrk.
BENCH_LOAD_KEEP_LOGS=1 copies the logs (gunicorn's, its access log, wrk's output, the Lua script) to var/bench/load/.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, free_port, load

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "30"))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "2"))
# The load test runs once per level of connections; the drills run with DRILL_CONNECTIONS.
LEVELS = [int(level) for level in os.environ.get("BENCH_LOAD_CONNECTIONS", "4,8,16").split(",")]
DRILL_CONNECTIONS = int(os.environ.get("BENCH_DRILL_CONNECTIONS", "8"))
DRILL_SECONDS = 60
FAULT_AT_SECONDS = 10  # into a drill's run
REDIS_AWAY_SECONDS = 30
RECOVERY_LIMIT_SECONDS = 10.0
WIDTH = 120  # the docs' line length
P95_TARGET_MS = 300.0
WRK_TIMEOUT = "10s"  # a slow answer is reported as slow, not as a failure
GROUPS = 4  # mentor-led groups of the typical programme whose mentor and mentee take part
POLL_SECONDS = 0.1
POLLER_AGENT = "bench-load-poller"
SEED = 20261126

# (page, role, weight): per 20 requests, about 30% coordinators, 25% mentors, 45% mentees.
MIX = [
    ("home page", "coordinator", 1),
    ("dashboard", "coordinator", 2),
    ("survey results", "coordinator", 1),
    ("mentor bank search", "coordinator", 1),
    ("mentor bank search, filtered", "coordinator", 1),
    ("home page", "mentor", 1),
    ("group page", "mentor", 2),
    ("session log form", "mentor", 2),
    ("home page", "mentee", 1),
    ("survey answer form", "mentee", 4),
    ("group page", "mentee", 4),
]

LUA = """-- Written by bench/bench_load.py: cycles through the mix, each request with its person's session cookie.
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local keys = {%(keys)s}
local prepared = {}
local position = 0
local threads = {}

function setup(thread)
  thread:set("number", #threads)
  table.insert(threads, thread)
end

function init(args)
  for i, path in ipairs(paths) do
    prepared[i] = wrk.format("GET", path, {["Cookie"] = cookies[i], ["X-Bench-Page"] = keys[i]})
  end
  position = (number * 7) %% #prepared
end

function request()
  position = position %% #prepared + 1
  return prepared[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT requests=%%.0f duration_us=%%.0f p50_us=%%.0f p95_us=%%.0f p99_us=%%.0f " ..
    "max_us=%%.0f mean_us=%%.0f connect=%%.0f read=%%.0f write=%%.0f status=%%.0f timeout=%%.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""

# The X-Bench-Page header wrk sends says which (page, role) a request is: the same URL serves several roles.
ACCESS_FORMAT = '%(t)s %(s)s %(D)s "%(r)s" "%(a)s" "%({x-bench-page}i)s"'
ACCESS_LINE = re.compile(r'^\[([^]]+)\] (\d{3}) (\d+) "(\S+) (\S+) [^"]*" "([^"]*)" "([^"]*)"')
KEY_SEPARATOR = "|"


def missing_tools() -> list[str]:
    """The programs the benchmark needs and cannot find."""
    needed = [str(PG_BIN / "initdb"), str(PG_BIN / "pg_ctl"), "redis-server", "redis-cli", "wrk"]
    return [tool for tool in needed if shutil.which(tool) is None]


# Private servers --------------------------------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of its own under ``directory``, on a free port of 127.0.0.1, trust authentication.

    As root, initdb and pg_ctl run as the ``postgres`` OS user (PostgreSQL refuses to run as root); otherwise as the
    current user."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.started = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/bench_load"

    def pg_ctl(self, *arguments: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        subprocess.run(
            [
                *self.as_user,
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.log),
                "-w",
                *arguments,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self.directory.mkdir()
        if self.as_user:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(
            [*self.as_user, str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.pg_ctl("start")
        self.started = True

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        if self.started:
            self.started = False
            subprocess.run(
                [*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


class PrivateRedis:
    """A redis-server of its own on a free port of 127.0.0.1, without persistence, that the drill can stop and start
    again on the same port."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        with (self.directory / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout != b"PONG\n":
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def shutdown(self) -> None:
        """What the drill does: ``SHUTDOWN NOSAVE``, as an operator would."""
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)
        if self.process:
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def stop_process(process: subprocess.Popen | None, timeout: float = 20) -> None:
    """Ends a process started in a session of its own, with its children (gunicorn's workers)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# The site --------------------------------------------------------------------------------------------------------


def production_environment(work: Path, postgres: PrivatePostgres, redis: PrivateRedis, port: int) -> None:
    """The settings production uses, pointed at the private servers; for this process and gunicorn's."""
    os.environ.pop("DEBUG", None)
    alphabet = string.ascii_letters + string.digits
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentoring.settings",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DATABASE_URL": postgres.url,
            "CELERY_BROKER_URL": f"{redis.url}/0",
            "CACHE_URL": f"{redis.url}/1",
            "VAR_DIR": str(work / "var"),
            "STATIC_ROOT": str(work / "static"),
            "EMAIL_URL": "console://",
            "LOG_LEVEL": "WARNING",
        }
    )


def start_gunicorn(work: Path, port: int) -> subprocess.Popen:
    with (work / "gunicorn.log").open("ab") as log:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "mentoring.wsgi", "--bind", f"127.0.0.1:{port}"),
                *("--workers", str(WORKERS), "--timeout", "60", "--no-control-socket"),  # not the shared default
                *("--access-logfile", str(work / "access.log"), "--access-logformat", ACCESS_FORMAT),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def get(port: int, path: str, cookie: str = "", timeout: float = 5) -> tuple[int, bytes]:
    """A GET that does not follow redirects; status 0 when the server does not answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"User-Agent": POLLER_AGENT, **({"Cookie": cookie} if cookie else {})}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()


def failed_sign_in(port: int) -> int:
    """The status of a sign-in with a wrong password through allauth's form (200: the form again, with its error):
    the one request that uses the cache, where allauth counts the attempts it limits."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/accounts/login/", headers={"User-Agent": POLLER_AGENT})
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
        if response.status != 200:
            return response.status
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not (cookie and token):
            return 0
        form = {"csrfmiddlewaretoken": token.group(1), "login": "nobody@bench.example", "password": "wrong-password"}
        headers = {
            "User-Agent": POLLER_AGENT,
            "Cookie": f"csrftoken={cookie.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        connection.request("POST", "/accounts/login/", body=urlencode(form), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def wait_healthy(port: int, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while get(port, "/health/")[0] != 200:
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not become healthy:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


@dataclass
class Request:
    page: str
    role: str
    path: str
    cookie: str


def sign_in(user) -> str:
    """The Cookie header of a new session of the user, as Django's login() would store it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def people_and_pages() -> dict[tuple[str, str], list[Request]]:
    """For each (page, role) of MIX, the requests of the people taking part: bench_pages.key_pages on the typical
    programme and each of its first GROUPS mentor-led groups (with that group's mentor and a mentee who has not
    answered the open survey), the mentee's group page and everyone's home page."""
    from django.urls import reverse

    from bench.bench_pages import TRIVIAL, key_pages
    from bench.generate import Typical, typical
    from feedback.models import Respondent
    from groups.models import GroupKind, GroupRole, Meeting
    from programmes.models import Role

    chosen = typical()
    programme = chosen.programme
    coordinators = [membership.user for membership in programme.memberships.filter(role=Role.COORDINATOR)]
    pages: dict[tuple[str, str], list[Request]] = {(page, role): [] for page, role, _weight in MIX}
    cookies: dict[int, str] = {}

    def add(page: str, role: str, person, path: str) -> None:
        if person.pk not in cookies:
            cookies[person.pk] = sign_in(person)
        pages[(page, role)].append(Request(page, role, path, cookies[person.pk]))

    groups = programme.groups.filter(kind=GroupKind.MENTOR_LED).order_by("name")[:GROUPS]
    for group in groups:
        waiting = Respondent.objects.filter(
            round=chosen.survey_round, submitted_at__isnull=True, group=group, role=Role.MENTEE
        ).order_by("pk")
        session = Meeting.objects.filter(group=group, held=True).order_by("-starts_at").first()
        if not waiting.exists() or session is None:
            continue
        one = Typical(
            coordinator=chosen.coordinator,
            mentor=group.memberships.get(role=GroupRole.MENTOR).user,
            mentee=waiting.first().user,
            programme=programme,
            group=group,
            session=session,
            survey_round=chosen.survey_round,
        )
        for page, person, role, path in key_pages(one):
            if page == TRIVIAL:
                continue
            for someone in coordinators if role == "coordinator" else [person]:
                add(page, role, someone, path)
        add("group page", "mentee", one.mentee, reverse("groups:detail", kwargs={"pk": group.pk}))
        add("home page", "mentor", one.mentor, reverse("home"))
        add("home page", "mentee", one.mentee, reverse("home"))
    for coordinator in coordinators:
        add("home page", "coordinator", coordinator, reverse("home"))
    for key, requests in pages.items():  # the coordinators' pages were added once per group: once is enough
        unique = {(request.path, request.cookie): request for request in requests}
        pages[key] = list(unique.values())
    return pages


def cycle(pages: dict[tuple[str, str], list[Request]]) -> list[Request]:
    """The requests wrk cycles through: each (page, role) ``weight`` times as many times as the most people of any, its
    people taking turns, shuffled once with a fixed seed."""
    turns = max(len(requests) for requests in pages.values())
    order = [
        pages[(page, role)][n % len(pages[(page, role)])]
        for page, role, weight in MIX
        for n in range(weight * turns)
        if pages[(page, role)]
    ]
    random.Random(SEED).shuffle(order)
    return order


def lua_script(order: list[Request]) -> str:
    def quoted(values: list[str]) -> str:
        return ", ".join(json.dumps(value) for value in values)  # a JSON string is a valid Lua string here

    return LUA % {
        "paths": quoted([request.path for request in order]),
        "cookies": quoted([request.cookie for request in order]),
        "keys": quoted([f"{request.page}{KEY_SEPARATOR}{request.role}" for request in order]),
    }


# Measuring ---------------------------------------------------------------------------------------------------------


@dataclass
class PageFigures:
    page: str
    role: str
    requests: int
    p95_ms: float  # server side, from gunicorn's access log


@dataclass
class Run:
    """One wrk run and what gunicorn's access log says about it."""

    name: str
    seconds: int
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]  # wrk's: status (400 or more), connect, read, write, timeout
    load: str  # before → after
    pages: list[PageFigures] = field(default_factory=list)
    failed_urls: dict[str, dict[str, int]] = field(default_factory=dict)  # path → status → count (access log)
    failure_times: list[float] = field(default_factory=list)  # wall-clock seconds of the failed requests (access log)

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


@dataclass
class Poll:
    at: float  # seconds from the fault
    health: int
    health_body: str
    page: int


class Poller(threading.Thread):
    """Asks /health/ and a page every POLL_SECONDS until stopped; ``stop`` gives the polls timed from the fault."""

    def __init__(self, port: int, page: Request):
        super().__init__(daemon=True)
        self.port, self.page = port, page
        self.polls: list[Poll] = []  # timed by time.monotonic() until stop()
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            started = time.monotonic()
            health, body = get(self.port, "/health/")
            page, _body = get(self.port, self.page.path, self.page.cookie)
            self.polls.append(Poll(started, health, body[:300].decode(errors="replace"), page))
            self.halt.wait(max(0.0, POLL_SECONDS - (time.monotonic() - started)))

    def stop(self, fault: float) -> list[Poll]:
        """The polls, each timed in seconds from ``fault`` (a time.monotonic())."""
        self.halt.set()
        self.join(timeout=15)
        return [Poll(poll.at - fault, poll.health, poll.health_body, poll.page) for poll in self.polls]


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1] if ordered else 0.0


def read_access_log(path: Path, offset: int) -> list[tuple[float, int, float, str, tuple[str, str]]]:
    """The load's requests logged after ``offset`` (not the poller's): wall-clock seconds, status, milliseconds, path
    and (page, role)."""
    entries = []
    with path.open("rb") as log:
        log.seek(offset)
        for line in log.read().decode(errors="replace").splitlines():
            match = ACCESS_LINE.match(line)
            if not match or match.group(6) == POLLER_AGENT:
                continue
            when = datetime.datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
            page, _separator, role = match.group(7).partition(KEY_SEPARATOR)
            entries.append((when, int(match.group(2)), int(match.group(3)) / 1000, match.group(5), (page, role)))
    return entries


def wrk_output(work: Path, name: str) -> Path:
    return work / f"wrk-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.txt"


def wrk(port: int, script: Path, seconds: int, connections: int, name: str, work: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *("wrk", "--latency", "-t", str(THREADS), "-c", str(connections), "-d", f"{seconds}s"),
            *("--timeout", WRK_TIMEOUT, "-s", str(script), f"http://127.0.0.1:{port}"),
        ],
        stdout=wrk_output(work, name).open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def finish_run(
    process: subprocess.Popen, name: str, seconds: int, connections: int, work: Path, offset: int, before: str
) -> Run:
    """Waits for wrk and reads its figures and the access log's."""
    process.wait(timeout=seconds + 60)
    output = wrk_output(work, name).read_text(errors="replace")
    match = re.search(r"BENCH-RESULT (.*)", output)
    if not match:
        raise RuntimeError(f"wrk gave no result:\n{output[-3000:]}")
    figures = {key: float(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    entries = read_access_log(work / "access.log", offset)
    times: dict[tuple[str, str], list[float]] = {}
    failed_urls: dict[str, dict[str, int]] = {}
    failure_times = []
    for when, status, ms, path, key in entries:
        times.setdefault(key, []).append(ms)
        if status >= 400:
            failed_urls.setdefault(path, {}).setdefault(str(status), 0)
            failed_urls[path][str(status)] += 1
            failure_times.append(when)
    return Run(
        name=name,
        seconds=seconds,
        connections=connections,
        requests=int(figures["requests"]),
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        errors={key: int(figures[key]) for key in ("status", "connect", "read", "write", "timeout")},
        load=f"{before} → {load()}",
        pages=[
            PageFigures(page, role, len(times.get((page, role), [])), nearest_rank(times.get((page, role), []), 0.95))
            for page, role, _weight in MIX
        ],
        failed_urls=failed_urls,
        failure_times=failure_times,
    )


def exceptions_logged(log: Path, offset: int) -> list[str]:
    """The distinct exception lines (``SomeError: ...``) and warnings gunicorn's log gained after ``offset``, most
    frequent first, the private servers' ports left out."""
    with log.open("rb") as file:
        file.seek(offset)
        text = file.read().decode(errors="replace")
    # An exception followed (after its message's indented lines) by "During handling of the above exception" or "The
    # above exception was the direct cause" only led to the next one: count the last of each chain.
    chained = re.compile(
        r"(?:\n[ \t][^\n]*)*\n\s*\n(During handling of the above exception|The above exception was the direct cause)"
    )
    found = [
        match.group(1)
        for match in re.finditer(r"^((?:[\w.]+\.)?\w*(?:Error|Exception)\b:.*)$", text, re.MULTILINE)
        if not chained.match(text, match.end())
    ]
    found += [match.group(1) for match in re.finditer(r"^\S+ \S+ (WARNING \S+: .*)$", text, re.MULTILINE)]
    counted: dict[str, int] = {}
    for line in found:
        line = re.sub(r"(127\.0\.0\.1:|port )\d+", r"\1…", line)[:200]
        counted[line] = counted.get(line, 0) + 1
    return [f"{count} × {line}" for line, count in sorted(counted.items(), key=lambda item: -item[1])][:8]


@dataclass
class Drill:
    run: Run
    fault_at: float  # wall clock
    fault_took: float  # drill A: seconds until Redis was started again; drill B: seconds the restart command took
    polls: list[Poll]
    exceptions: list[str]
    sign_ins: dict[str, int] = field(default_factory=dict)  # drill A: a failed sign-in's status before/during/after
    recovered_after: float | None = (
        None  # drill B: seconds from the restart to the first success after the last failure
    )
    poller_failures: int = 0


@dataclass
class Result:
    cores: int
    postgres: str
    redis: str
    workers: int
    threads: int
    database_built: str
    mix: list[tuple[str, str, int, int]]  # page, role, weight, people
    load_runs: list[Run]  # one per LEVELS
    redis_drill: Drill
    postgres_drill: Drill
    problems: list[str]


def measure() -> Result:
    """Sets everything up, runs the load test and the drills, and takes everything down again."""
    work = Path(tempfile.mkdtemp(prefix="bench_load_", dir="/tmp"))
    work.chmod(0o755)  # the postgres user reaches its directory inside
    postgres = PrivatePostgres(work / "postgres")
    redis = PrivateRedis(work)
    port = free_port()
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, work, ignore_errors=True)
        cleanup.callback(postgres.stop)
        cleanup.callback(redis.stop)
        postgres.start()
        redis.start()
        production_environment(work, postgres, redis, port)

        from bench.common import recreate_database

        recreate_database(postgres.url)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        from bench.generate import generate

        started = time.perf_counter()
        generate(1)
        built = f"{time.perf_counter() - started:.0f} s"
        print(f"scale 1 built in {built} in a private PostgreSQL on port {postgres.port}", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        pages = people_and_pages()
        number = connection.pg_version
        postgres_version = f"PostgreSQL {number // 10000}.{number % 10000}"
        connections.close_all()  # this process leaves the database alone from now on
        redis_version = re.search(
            r"v=(\S+)", subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
        )

        server = start_gunicorn(work, port)
        cleanup.callback(stop_process, server)
        wait_healthy(port, server, work / "gunicorn.log")
        for requests in pages.values():
            for request in requests:
                for _ in range(2):  # warm up every worker a little, and check every URL answers
                    status, _body = get(port, request.path, request.cookie, timeout=30)
                    if not 200 <= status < 400:  # the home page sends coordinators on
                        raise RuntimeError(f"{request.page} ({request.role}): {request.path} answered {status}")
        script = work / "mix.lua"
        script.write_text(lua_script(cycle(pages)))
        mix = [(page, role, weight, len({r.cookie for r in pages[(page, role)]})) for page, role, weight in MIX]
        print(
            f"gunicorn: {WORKERS} sync workers; wrk: {THREADS} threads; all on the same {os.cpu_count()} cores; "
            f"{sum(map(len, pages.values()))} URLs of {len({r.cookie for v in pages.values() for r in v})} people",
            flush=True,
        )

        def offsets() -> tuple[int, int]:
            return (work / "access.log").stat().st_size, (work / "gunicorn.log").stat().st_size

        def start_run(name: str, seconds: int, connections: int) -> tuple[subprocess.Popen, int, int, str]:
            access, errors = offsets()
            process = wrk(port, script, seconds, connections, name, work)
            cleanup.callback(stop_process, process, 5)  # if something breaks while it runs
            return process, access, errors, load()

        # The load test, at each level of connections.
        load_runs = []
        for level in LEVELS:
            process, access, _errors, before = start_run(f"load, {level} connections", LOAD_SECONDS, level)
            load_runs.append(
                finish_run(process, f"load, {level} connections", LOAD_SECONDS, level, work, access, before)
            )
            print(run_summary(load_runs[-1]), flush=True)

        probe = pages[("group page", "mentor")][0]

        # Drill A: Redis away for REDIS_AWAY_SECONDS.
        print(
            f"drill A: Redis stopped {FAULT_AT_SECONDS} s into a {DRILL_SECONDS} s run ({DRILL_CONNECTIONS} "
            f"connections), for {REDIS_AWAY_SECONDS} s",
            flush=True,
        )
        process, access, errors, before = start_run("drill A", DRILL_SECONDS, DRILL_CONNECTIONS)
        poller = Poller(port, probe)
        poller.start()
        time.sleep(FAULT_AT_SECONDS / 2)
        sign_ins = {"before": failed_sign_in(port)}
        time.sleep(FAULT_AT_SECONDS / 2)
        fault_at, fault = time.time(), time.monotonic()
        redis.shutdown()
        time.sleep(REDIS_AWAY_SECONDS / 2)
        sign_ins["during"] = failed_sign_in(port)
        time.sleep(max(0.0, REDIS_AWAY_SECONDS - (time.monotonic() - fault)))
        back = time.monotonic() - fault
        redis.start()
        time.sleep(2)
        sign_ins["after"] = failed_sign_in(port)
        run = finish_run(process, "drill A", DRILL_SECONDS, DRILL_CONNECTIONS, work, access, before)
        polls = poller.stop(fault)
        redis_drill = Drill(run, fault_at, back, polls, exceptions_logged(work / "gunicorn.log", errors), sign_ins)
        print(drill_a_summary(redis_drill), flush=True)

        # Drill B: PostgreSQL restarted.
        print(
            f"drill B: PostgreSQL restarted {FAULT_AT_SECONDS} s into a {DRILL_SECONDS} s run ({DRILL_CONNECTIONS} "
            "connections)",
            flush=True,
        )
        process, access, errors, before = start_run("drill B", DRILL_SECONDS, DRILL_CONNECTIONS)
        poller = Poller(port, probe)
        poller.start()
        time.sleep(FAULT_AT_SECONDS)
        fault_at, fault = time.time(), time.monotonic()
        postgres.restart()
        took = time.monotonic() - fault
        run = finish_run(process, "drill B", DRILL_SECONDS, DRILL_CONNECTIONS, work, access, before)
        polls = poller.stop(fault)
        postgres_drill = Drill(run, fault_at, took, polls, exceptions_logged(work / "gunicorn.log", errors))
        recovery(postgres_drill)
        print(drill_b_summary(postgres_drill), flush=True)
        if os.environ.get("BENCH_LOAD_KEEP_LOGS") == "1":
            kept = ROOT / "var" / "bench" / "load"
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(work, kept, ignore=shutil.ignore_patterns("postgres", "static", "var"))
            print(f"logs kept in {kept.relative_to(ROOT)}")

    result = Result(
        cores=os.cpu_count() or 1,
        postgres=postgres_version,
        redis=f"Redis {redis_version.group(1)}" if redis_version else "Redis",
        workers=WORKERS,
        threads=THREADS,
        database_built=built,
        mix=mix,
        load_runs=load_runs,
        redis_drill=redis_drill,
        postgres_drill=postgres_drill,
        problems=[],
    )
    result.problems = missed(result)
    return result


def failed(poll: Poll) -> bool:
    return poll.health != 200 or poll.page != 200


def recovery(drill: Drill) -> None:
    """Seconds from the restart to the first success after the last failure: of the poller (to POLL_SECONDS), and
    of the load by the access log (whole seconds: the end of the second of its last failure)."""
    after = [poll for poll in drill.polls if poll.at >= 0]
    failures = [poll for poll in after if failed(poll)]
    drill.poller_failures = len(failures)
    recovered = 0.0
    if failures:
        later = [poll for poll in after if poll.at > failures[-1].at and not failed(poll)]
        recovered = later[0].at if later else math.inf
    if drill.run.failure_times:
        recovered = max(recovered, max(drill.run.failure_times) + 1 - drill.fault_at)
    drill.recovered_after = recovered


def missed(result: Result) -> list[str]:
    problems = []
    for run in result.load_runs:
        if run.failed:
            problems.append(f"{run.name}: {run.failed} failed requests (none allowed)")
    if result.redis_drill.run.failed:
        problems.append(f"drill A (Redis away): {result.redis_drill.run.failed} failed requests (none allowed)")
    wrong = {moment: status for moment, status in result.redis_drill.sign_ins.items() if status != 200}
    if wrong:
        problems.append(f"drill A (Redis away): a sign-in with a wrong password answered {wrong} (200 expected)")
    recovered = result.postgres_drill.recovered_after
    if recovered is None or recovered > RECOVERY_LIMIT_SECONDS:
        problems.append(
            f"drill B (PostgreSQL restarted): recovered after {recovered} s (limit {RECOVERY_LIMIT_SECONDS:.0f} s)"
        )
    return problems


# Reporting ---------------------------------------------------------------------------------------------------------


def errors_text(run: Run) -> str:
    if not run.failed:
        return "0 failed"
    kinds = {"status": "with a status of 400 or more", "timeout": "timed out"}
    parts = ", ".join(f"{count} {kinds.get(kind, kind + ' errors')}" for kind, count in run.errors.items() if count)
    return f"{run.failed} failed ({parts})"


def run_summary(run: Run) -> str:
    return (
        f"{run.name}: {run.requests:,} requests in {run.seconds} s, {run.rps:.1f} requests/s; latency p50 "
        f"{run.p50_ms:.0f} ms, p95 {run.p95_ms:.0f} ms, p99 {run.p99_ms:.0f} ms, max {run.max_ms:.0f} ms; "
        f"{errors_text(run)}; load average {run.load}"
    )


def health_during(drill: Drill, start: float, end: float) -> str:
    """How /health/ answered between the two moments (seconds from the fault)."""
    answers: dict[str, int] = {}
    for poll in drill.polls:
        if start <= poll.at < end:
            try:
                body = json.loads(poll.health_body)
                key = f"{poll.health} (database {body.get('database')}, broker {body.get('broker')})"
            except ValueError:
                key = str(poll.health) if poll.health else "no answer"
            answers[key] = answers.get(key, 0) + 1
    return "; ".join(f"{key} × {count}" for key, count in answers.items()) or "not asked"


def first_success_after(drill: Drill, moment: float) -> float | None:
    return next((poll.at - moment for poll in drill.polls if poll.at >= moment and poll.health == 200), None)


def failed_urls_text(run: Run) -> str:
    return "; ".join(
        f"{path}: " + ", ".join(f"{count} × {status}" for status, count in statuses.items())
        for path, statuses in sorted(run.failed_urls.items())
    )


def statuses(run: Run) -> str:
    """The failed requests' statuses in the access log, each with its count."""
    counted: dict[str, int] = {}
    for by_status in run.failed_urls.values():
        for status, count in by_status.items():
            counted[status] = counted.get(status, 0) + count
    return ", ".join(f"{count} × {status}" for status, count in sorted(counted.items())) + " in the access log"


def redis_outcome(drill: Drill) -> str:
    back = drill.fault_took
    healthy = first_success_after(drill, back)
    sign_ins = ", ".join(f"{status} {moment}" for moment, status in drill.sign_ins.items())
    return (
        f"`/health/` answered {health_during(drill, 0.5, back - 0.5)} while Redis was away (from 0.5 s after the "
        f"shutdown to 0.5 s before the restart, {back:.0f} s later), and 200 again "
        + (f"{healthy:.1f} s after it was back" if healthy is not None else "never after it was back")
        + f"; a sign-in with a wrong password (allauth counts attempts in the cache) answered {sign_ins}"
    )


def postgres_outcome(drill: Drill) -> str:
    after = [poll for poll in drill.polls if poll.at >= 0]
    failures = [poll for poll in after if failed(poll)]
    text = (
        f"`pg_ctl restart -m fast` took {drill.fault_took:.1f} s; the site recovered by itself "
        f"{drill.recovered_after:.1f} s after the restart began (limit {RECOVERY_LIMIT_SECONDS:.0f} s). The poller "
        f"(`/health/` and a mentor's group page every {POLL_SECONDS * 1000:.0f} ms) saw {len(failures)} of "
        f"{len(after)} polls after the restart fail"
        + (f", from {failures[0].at:.1f} s to {failures[-1].at:.1f} s" if failures else "")
    )
    if drill.run.failure_times:
        first, last = min(drill.run.failure_times), max(drill.run.failure_times)
        clock = datetime.datetime.fromtimestamp
        began = f"{clock(drill.fault_at):%H:%M:%S.%f}"[:-3]
        text += (
            f"; the load's failed requests were logged in the seconds {clock(first):%H:%M:%S} to "
            f"{clock(last):%H:%M:%S} (the restart began at {began})"
        )
    return text


def drill_summary(drill: Drill, outcome: str) -> str:
    lines = [run_summary(drill.run), f"  {outcome}"]
    if drill.run.failed_urls:
        lines.append(f"  failed URLs (access log): {failed_urls_text(drill.run)}")
    lines += [f"  gunicorn's log: {line}" for line in drill.exceptions]
    return "\n".join(lines)


def drill_a_summary(drill: Drill) -> str:
    return drill_summary(drill, redis_outcome(drill))


def drill_b_summary(drill: Drill) -> str:
    return drill_summary(drill, postgres_outcome(drill))


def markdown(result: Result) -> list[str]:
    """The docs' section: the setup, the mix, the load test's figures and the drills'."""
    redis_drill, postgres_drill = result.redis_drill, result.postgres_drill
    intro = (
        f"Private {result.postgres} and {result.redis} started by the script, scale 1 (built in "
        f"{result.database_built}); `gunicorn mentoring.wsgi` with the production settings and {result.workers} sync "
        f"workers; `wrk --latency` with {result.threads} threads, on the same {result.cores} cores as gunicorn and "
        "PostgreSQL (so the figures are the whole machine's, wrk's work included, and other work on the machine shows "
        "in the load averages). The mix, shuffled once and cycled through, each request with its person's session "
        "cookie:"
    )
    lines = [
        textwrap.fill(intro, WIDTH),
        "",
        "| page | signed in as | share | people | requests | server p95 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    total = sum(weight for _page, _role, weight, _people in result.mix)
    reference = result.load_runs[0]
    for (page, role, weight, people), figures in zip(result.mix, reference.pages, strict=True):
        lines.append(
            f"| {page} | {role} | {weight / total:.0%} | {people} | {figures.requests:,} | {figures.p95_ms:.0f} ms |"
        )
    lines += [
        "",
        textwrap.fill(
            f"Requests and server p95 (gunicorn's access log: the time in the worker, without queueing) of the run "
            f"with {reference.connections} connections.",
            WIDTH,
        ),
        "",
        "| run | connections | duration | requests/s | p50 | p95 | p99 | max | failed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for title, run in [
        *((f"load test, {run.connections} connections", run) for run in result.load_runs),
        ("drill A: Redis away", redis_drill.run),
        ("drill B: PostgreSQL restarted", postgres_drill.run),
    ]:
        lines.append(
            f"| {title} | {run.connections} | {run.seconds} s | {run.rps:.1f} | {run.p50_ms:.0f} ms | "
            f"{run.p95_ms:.0f} ms | {run.p99_ms:.0f} ms | {run.max_ms:.0f} ms | {errors_text(run)} |"
        )
    over = [run for run in result.load_runs if run.p95_ms > P95_TARGET_MS]
    notes = [
        "Load test: latency as wrk sees it, queueing at the workers included; p95 "
        + (
            "within the 300 ms page target at every level."
            if not over
            else "over the 300 ms page target with " + ", ".join(f"{run.connections}" for run in over) + " connections "
            "(for the record: with more connections than cores, requests queue; the requests per second show what the "
            "machine serves)."
        )
        + " Load average: "
        + "; ".join(f"{run.load} ({run.connections} connections)" for run in result.load_runs)
        + ".",
        f"Drill A: Redis shut down (`redis-cli shutdown nosave`) {FAULT_AT_SECONDS} s into the run and started again "
        f"{redis_drill.fault_took:.0f} s later: {errors_text(redis_drill.run)}. {redis_outcome(redis_drill)}."
        + (f" Failed URLs: {failed_urls_text(redis_drill.run)}." if redis_drill.run.failed_urls else ""),
        f"Drill B: PostgreSQL restarted {FAULT_AT_SECONDS} s into the run: {errors_text(postgres_drill.run)}"
        + (f"; {statuses(postgres_drill.run)}" if postgres_drill.run.failed_urls else "")
        + f". {postgres_outcome(postgres_drill)}.",
    ]
    lines.append("")
    for note in notes:
        lines += textwrap.wrap(note, WIDTH, initial_indent="- ", subsequent_indent="  ")
    for drill in (redis_drill, postgres_drill):
        if drill.exceptions:
            logged = "; ".join(drill.exceptions)
            note = f"gunicorn's log during {drill.run.name} (warnings, and the last exception of each chain): {logged}"
            lines += textwrap.wrap(note, WIDTH, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False)
    lines += ["", "Targets: all met." if not result.problems else "Targets missed:"]
    lines += [f"- {problem}" for problem in result.problems]
    return lines


def from_json(data: dict) -> Result:
    """A Result read back from ``--json``'s file."""

    def run(values: dict) -> Run:
        values["pages"] = [PageFigures(**page) for page in values["pages"]]
        return Run(**values)

    def drill(values: dict) -> Drill:
        values["run"] = run(values["run"])
        values["polls"] = [Poll(**poll) for poll in values["polls"]]
        return Drill(**values)

    data["load_runs"] = [run(values) for values in data["load_runs"]]
    data["redis_drill"] = drill(data["redis_drill"])
    data["postgres_drill"] = drill(data["postgres_drill"])
    data["mix"] = [tuple(entry) for entry in data["mix"]]
    return Result(**data)


def run_in_child() -> tuple[int, Result | None, str]:
    """Runs this script in a process of its own (its Django is set up for its private servers) and reads its
    figures: the exit status, the Result (None if it broke before the end) and its output."""
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        finished = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--json", output.name],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        text = Path(output.name).read_text()
    printed = (finished.stdout + finished.stderr[-3000:]).strip()
    print(printed)
    return finished.returncode, from_json(json.loads(text)) if text else None, printed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"Not found: {', '.join(missing)}")
        return 1
    signal.signal(signal.SIGTERM, lambda *_arguments: sys.exit(143))  # clean up as after Ctrl-C
    result = measure()
    if options.json:
        Path(options.json).write_text(json.dumps(asdict(result), default=str))
    for problem in result.problems:
        print(f"FAIL: {problem}")
    print("FAILED" if result.problems else "OK")
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())
