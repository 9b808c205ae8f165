"""How fast the key pages answer on a realistic database at scale 1 and scale 10, against a trivial view, and how many
queries they make.

Run from the project root:

    .venv/bin/python bench/bench_pages.py                      # scales 1 and 10, SQLite files under var/bench/
    .venv/bin/python bench/bench_pages.py --postgres           # postgres://postgres@127.0.0.1:5432/bench_scale<N>
    BENCH_DATABASE_URL='postgres://postgres@127.0.0.1:5432/bench_pages{scale}' .venv/bin/python bench/bench_pages.py
    .venv/bin/python bench/bench_pages.py --scale 1 --runs 50

Each scale is measured in a process of its own (Django reads its database once): it creates the scale's throw-away
database (PostgreSQL: dropped first and at the end, unless BENCH_KEEP=1, which keeps it and reuses it next time;
its name must start with "bench") and fills it with bench/generate.py. Then, with the bench-only URLconf
``bench/urls.py`` (``override_settings(ROOT_URLCONF="bench.urls")``, in this process only), signed in through
Django's test client as the person who uses each page, on the typical programme of the generated data (running,
its mid-point survey open; see ``generate.typical``), it times each page and a trivial view that only goes through
the middleware: WARMUP requests each, then RUNS rounds in which every page is requested once (so that a busy
moment of the machine is shared among the pages), time.perf_counter around client.get: the whole request through
the middleware, the view and the templates, without the network. It reports each page's median, 95th percentile
(nearest rank), the ratio of its median to the trivial view's, its queries (CaptureQueriesContext) with the median
time they took in 5 requests, and its size.

Targets, checked at the end; exits with status 1 if one is missed:
- a page makes the same number of queries at every scale;
- every page's median is under 10 times the trivial view's;
- no page's 95th percentile is over 300 ms (at every scale measured; the target is for scale 10).
Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load
from bench.generate import WORK, configure, is_postgres, prepare

WARMUP = 3
RUNS = 30
COUNTED = 5  # requests whose queries are captured: the count, and the median time they took
RATIO_LIMIT = 10.0
P95_LIMIT_MS = 300.0
KEEP = os.environ.get("BENCH_KEEP") == "1"  # PostgreSQL only: keep each scale's database and reuse it next time
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_scale{scale}"
TRIVIAL = "trivial view"


@dataclass
class Page:
    name: str
    who: str
    path: str
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float  # the median time its queries took in COUNTED requests (as the driver measures it, in ms steps)
    kib: float
    ratio: float = 0.0  # its median over the trivial view's


@dataclass
class Measured:
    scale: int
    database: str
    built: str  # how long building took, or "kept"
    rows: dict[str, int]
    load: str
    runs: int
    pages: list[Page]

    @property
    def trivial(self) -> Page:
        return next(page for page in self.pages if page.name == TRIVIAL)


def database_url(scale: int, *, postgres: bool) -> str:
    """BENCH_DATABASE_URL (its "{scale}" replaced), the default PostgreSQL database of the scale with ``postgres``,
    or a SQLite file under var/bench/generate/scale<N>/."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url.replace("{scale}", str(scale))
    if postgres:
        return POSTGRES_URL.format(scale=scale)
    return f"sqlite:///{WORK / f'scale{scale}' / 'bench.sqlite3'}"


def p95(times: list[float]) -> float:
    """The 95th percentile, nearest rank: the time 95% of the requests took at most."""
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def key_pages(chosen) -> list[tuple[str, object, str, str]]:
    """(name, person, who, path) of each page measured, the trivial view first."""
    from django.urls import reverse

    programme, group, survey_round = chosen.programme, chosen.group, chosen.survey_round
    bank = reverse("bank:search")
    return [
        (TRIVIAL, chosen.coordinator, "coordinator", "/bench/trivial/"),
        ("dashboard", chosen.coordinator, "coordinator", reverse("reports:dashboard", kwargs={"pk": programme.pk})),
        ("group page", chosen.mentor, "mentor", reverse("groups:detail", kwargs={"pk": group.pk})),
        (
            "session log form",
            chosen.mentor,
            "mentor",
            reverse("groups:session_log", kwargs={"pk": group.pk, "session_pk": chosen.session.pk}),
        ),
        (
            "survey answer form",
            chosen.mentee,
            "mentee",
            reverse("feedback:answer", kwargs={"round_pk": survey_round.pk}),
        ),
        (
            "survey results",
            chosen.coordinator,
            "coordinator",
            reverse("surveys:results", kwargs={"pk": programme.pk, "round_pk": survey_round.pk}),
        ),
        ("mentor bank search", chosen.coordinator, "coordinator", bank),
        (
            "mentor bank search, filtered",
            chosen.coordinator,
            "coordinator",
            f"{bank}?q=finance&availability=evenings&sort=rating",
        ),
    ]


def measure(scale: int, url: str, runs: int) -> Measured:
    """Builds (or reuses) the scale's database and times the pages. Call it in a process of its own."""
    work = WORK / f"scale{scale}"
    configure(url, work)
    kept = prepare(url, scale, reuse=KEEP and is_postgres(url))
    (work / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)  # where whitenoise looks

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, connections
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from bench.common import drop_database, recreate_database
    from bench.generate import counts, generate, is_generated, typical

    settings.DEBUG = False  # time as in production; queries are counted with CaptureQueriesContext
    from django.template import engines

    # Built now, with DEBUG off: templates are parsed once and cached, as in production.
    assert not engines["django"].engine.debug, "the template engine was built with DEBUG on"
    try:
        if kept and is_generated(scale):
            built, rows = "kept", counts()
        else:
            if kept:  # a kept database of another scale or an older generator: start again
                connections.close_all()
                recreate_database(url)
            print(f"scale {scale}: building the database ({url.split('@')[-1]})", flush=True)
            started = time.perf_counter()
            rows = generate(scale)
            built = f"{time.perf_counter() - started:.0f} s"
        if connection.vendor == "postgresql":
            number = connection.pg_version
            database = f"PostgreSQL {number // 10000}.{number % 10000}"
        else:
            database = "SQLite " + ".".join(map(str, connection.Database.sqlite_version_info))

        with override_settings(ROOT_URLCONF="bench.urls"):
            chosen = typical()
            pages, clients = key_pages(chosen), {}
            for _name, person, _who, _path in pages:
                if person.pk not in clients:
                    clients[person.pk] = Client()
                    clients[person.pk].force_login(person)
            queries, sql, sizes = {}, {}, {}
            for name, person, _who, path in pages:
                for _ in range(WARMUP):
                    response = clients[person.pk].get(path)
                    assert response.status_code == 200, f"{name}: {path} answered {response.status_code}"
                counted = []
                for _ in range(COUNTED):
                    with CaptureQueriesContext(connection) as captured:
                        response = clients[person.pk].get(path)
                    counted.append(captured.captured_queries)
                queries[name], sizes[name] = len(counted[-1]), len(response.content) / 1024
                sql[name] = statistics.median(sum(float(query["time"]) for query in run) for run in counted) * 1000
            before = load()
            times: dict[str, list[float]] = {name: [] for name, *_rest in pages}
            for _ in range(runs):
                for name, person, _who, path in pages:
                    start = time.perf_counter()
                    response = clients[person.pk].get(path)
                    times[name].append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, f"{name}: {path} answered {response.status_code}"
            after = load()
    finally:
        connections.close_all()
        if is_postgres(url) and not KEEP:
            drop_database(url)
        if not (is_postgres(url) and KEEP):
            shutil.rmtree(work, ignore_errors=True)  # a SQLite file is built afresh each time anyway
    trivial = statistics.median(times[TRIVIAL])
    measured = [
        Page(
            name=name,
            who=who,
            path=path,
            median_ms=statistics.median(times[name]),
            p95_ms=p95(times[name]),
            queries=queries[name],
            sql_ms=sql[name],
            kib=sizes[name],
            ratio=statistics.median(times[name]) / trivial,
        )
        for name, _person, who, path in pages
    ]
    return Measured(
        scale=scale,
        database=database,
        built=built,
        rows=rows,
        load=f"{before} → {after}",
        runs=runs,
        pages=measured,
    )


def measure_in_child(scale: int, url: str, runs: int) -> Measured:
    """Runs ``measure`` in a new process of this script and reads what it measured."""
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(scale),
            "--url",
            url,
            "--runs",
            str(runs),
        ]
        subprocess.run([*command, "--json", output.name], check=True)
        data = json.loads(Path(output.name).read_text())
    data["pages"] = [Page(**page) for page in data["pages"]]
    return Measured(**data)


def run(scales: list[int], *, postgres: bool, runs: int = RUNS) -> list[Measured]:
    """Measures each scale in a process of its own."""
    urls = [database_url(scale, postgres=postgres) for scale in scales]
    if len(set(urls)) < len(urls):
        sys.exit('BENCH_DATABASE_URL must contain "{scale}" to measure several scales, e.g. .../bench_pages{scale}')
    return [measure_in_child(scale, url, runs) for scale, url in zip(scales, urls, strict=True)]


def missed(results: list[Measured]) -> list[str]:
    """The targets the measurements miss, each in a sentence; empty when all are met."""
    problems = []
    for result in results:
        trivial = result.trivial.median_ms
        for page in result.pages:
            if page.name == TRIVIAL:
                continue
            if page.median_ms > RATIO_LIMIT * trivial:
                problems.append(
                    f"scale {result.scale}: {page.name} median {page.median_ms:.1f} ms is {page.ratio:.1f} × the "
                    f"trivial view's {trivial:.1f} ms (limit {RATIO_LIMIT:.0f} ×)"
                )
            if page.p95_ms > P95_LIMIT_MS:
                problems.append(
                    f"scale {result.scale}: {page.name} p95 {page.p95_ms:.0f} ms is over {P95_LIMIT_MS:.0f} ms"
                )
    for name in [page.name for page in results[0].pages] if results else []:
        counted = {result.scale: next(p.queries for p in result.pages if p.name == name) for result in results}
        if len(set(counted.values())) > 1:
            figures = ", ".join(f"{count} at scale {scale}" for scale, count in counted.items())
            problems.append(f"{name}: the number of queries grows with the data ({figures})")
    return problems


def report(results: list[Measured]) -> str:
    """The figures as plain text tables, one per scale."""
    lines = []
    for result in results:
        rows = result.rows
        lines.append(
            f"scale {result.scale} ({result.database}; built {result.built}; {rows['Programme']:,} programmes, "
            f"{rows['User']:,} people, {rows['MentoringGroup']:,} groups, {rows['Meeting']:,} sessions, "
            f"{rows['Answer']:,} answers); {result.runs} runs; load average {result.load}"
        )
        lines.append(
            f"  {'page':<30} {'who':<12} {'median':>9} {'p95':>9} {'× trivial':>9} {'queries':>7} {'SQL':>8} {'KiB':>4}"
        )
        for page in result.pages:
            lines.append(
                f"  {page.name:<30} {page.who:<12} {page.median_ms:>6.1f} ms {page.p95_ms:>6.1f} ms "
                f"{page.ratio:>9.1f} {page.queries:>7} {page.sql_ms:>5.1f} ms {page.kib:>4.0f}"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, action="append", help="a scale to measure (repeat it; default 1 and 10)")
    parser.add_argument("--postgres", action="store_true", help="use postgres://.../bench_scale<N> by default")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed requests per page (default {RUNS})")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        result = measure(options.child, options.url, options.runs)
        Path(options.json).write_text(json.dumps(asdict(result)))
        return 0
    results = run(options.scale or [1, 10], postgres=options.postgres, runs=options.runs)
    print(report(results))
    problems = missed(results)
    for problem in problems:
        print(f"FAIL: {problem}")
    print("FAILED" if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
