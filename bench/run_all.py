"""Runs the page benchmarks at scale 1 and 10, the email dispatch benchmarks and the load test with its fault drills,
and writes the figures into docs/benchmarks.md.

Run from the project root:

    .venv/bin/python bench/run_all.py              # PostgreSQL if it answers on 127.0.0.1:5432, else SQLite
    .venv/bin/python bench/run_all.py --postgres   # insist on PostgreSQL
    BENCH_DATABASE_URL='postgres://postgres@127.0.0.1:5432/bench_pages{scale}' .venv/bin/python bench/run_all.py

1. bench_pages.py at scales 1 and 10 (each in a process of its own; the databases are built by generate.py, in
   postgres://postgres@127.0.0.1:5432/bench_scale1 and bench_scale10 by default, dropped at the end unless
   BENCH_KEEP=1, which keeps them for the next run). On PostgreSQL when BENCH_DATABASE_URL (with "{scale}" in it)
   or --postgres says so, or when PostgreSQL answers on 127.0.0.1:5432; otherwise on SQLite files under
   var/bench/generate/.
2. bench_reminders.py and bench_survey_invitations.py, each with its own default database and queue: they need
   PostgreSQL and Redis (BENCH_BROKER_URL, default redis://127.0.0.1:6379/7) and are skipped, saying so, without.
3. bench_load.py, in a process of its own: the load test through gunicorn and the fault drills (Redis away,
   PostgreSQL restarted), on a PostgreSQL cluster and a Redis server of its own; skipped, saying so, if initdb,
   redis-server or wrk is missing. ``--no-load`` skips it.
4. Replaces the block between the markers ``<!-- bench/run_all.py: start -->`` and ``<!-- bench/run_all.py: end -->``
   in docs/benchmarks.md with the figures (the markers are added after the file's introduction if missing; the
   rest of the file is left as it is). ``--no-write`` prints the block instead.

Exits with status 1 if a target of bench_pages.py is missed, a dispatch benchmark fails or the load test misses a
target. Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_load, bench_pages
from bench.common import BROKER_URL, ROOT, admin_connection

DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench/run_all.py: start -->"
END = "<!-- bench/run_all.py: end -->"
SCALES = [1, 10]
WIDTH = 120  # the docs' line length
DISPATCH = ("bench_reminders.py", "bench_survey_invitations.py")


def postgres_answers() -> bool:
    """Whether the default PostgreSQL server takes connections."""
    try:
        admin_connection(bench_pages.POSTGRES_URL).close()
    except Exception:  # any failure means: not here
        return False
    return True


def redis_answers() -> bool:
    parts = urlsplit(BROKER_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def dispatch(script: str) -> tuple[int, str, float]:
    """Runs a dispatch benchmark with its own default database; returns its exit status, its output and how long it
    ran."""
    environment = {key: value for key, value in os.environ.items() if key != "BENCH_DATABASE_URL"}
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    output = (finished.stdout + finished.stderr[-2000:]).strip()
    print(output)
    return finished.returncode, output, time.perf_counter() - started


def pages_markdown(results: list[bench_pages.Measured]) -> list[str]:
    lines = []
    for result in results:
        built = "kept from an earlier run" if result.built == "kept" else f"built in {result.built}"
        lines.append(
            f"- scale {result.scale}: {result.database}, database {built}; load average {result.load}; "
            f"{result.runs} runs per page"
        )
    lines += ["", "| page | signed in as | " + " | ".join(f"scale {r.scale}" for r in results) + " |"]
    lines.append("|---|---|" + "---|" * len(results))
    for n, first in enumerate(results[0].pages):
        cells = [
            f"{page.median_ms:.1f} ms / {page.p95_ms:.1f} ms / {page.ratio:.1f} × / "
            f"{page.queries} q, {page.sql_ms:.0f} ms"
            for page in (result.pages[n] for result in results)
        ]
        lines.append(f"| {first.name} (`{first.path}`) | {first.who} | " + " | ".join(cells) + " |")
    lines += [
        "",
        textwrap.fill(
            "Each cell: median / 95th percentile (nearest rank) of the server time through Django's test client / "
            "the median over the trivial view's / queries, and the median time they took (5 requests).",
            WIDTH,
        ),
        "",
        "| rows | " + " | ".join(f"scale {r.scale}" for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for model in results[0].rows:
        lines.append(f"| {model} | " + " | ".join(f"{r.rows.get(model, 0):,}" for r in results) + " |")
    return lines


def load_markdown(load: tuple[int | None, bench_load.Result | None, str, float]) -> list[str]:
    """The load test's section: its figures, or why there are none."""
    status, result, output, took = load
    lines = ["", "### Load test and fault drills (bench/bench_load.py)", ""]
    if status is None:
        return [*lines, output]
    verdict = "OK" if status == 0 else f"FAILED (exit status {status})"
    lines += [f"`bench/bench_load.py`: {verdict}, {took:.0f} s in all.", ""]
    if result is None:  # it broke before the end: its output says why
        return [*lines, "```text", output[-3000:], "```"]
    return lines + bench_load.markdown(result)


def markdown(
    results,
    problems: list[str],
    dispatches: list[tuple[str, int | None, str, float, str]],
    load: tuple[int | None, bench_load.Result | None, str, float],
) -> str:
    now = datetime.datetime.now(datetime.UTC)
    intro = (
        f"Written by `.venv/bin/python bench/run_all.py` on {now:%Y-%m-%d %H:%M} UTC, on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Data: `bench/generate.py` (scale 1: 20 programmes, 2,000 people, "
        "400 groups, 8,000 sessions, about 40,000 answers; scale 10 ten times as many programmes of the same "
        "size); pages: `bench/bench_pages.py`, on the typical programme, against a trivial view through the same "
        "middleware. Targets: the same queries at both scales, every median under "
        f"{bench_pages.RATIO_LIMIT:.0f} × the trivial view's, no 95th percentile over "
        f"{bench_pages.P95_LIMIT_MS:.0f} ms."
    )
    lines = [
        START,
        "## Key pages at scale 1 and 10, email dispatch and load (bench/run_all.py)",
        "",
        textwrap.fill(intro, WIDTH),
        "",
        *pages_markdown(results),
        "",
        "Targets: all met." if not problems else "Targets missed:",
    ]
    lines += [f"- {problem}" for problem in problems]
    lines += ["", "### Email dispatch", ""]
    for script, status, output, took, before in dispatches:
        verdict = "skipped" if status is None else "OK" if status == 0 else f"FAILED (exit status {status})"
        lines += [
            f"`bench/{script}`: {verdict}, {took:.0f} s in all; load average {before} before.",
            "",
            "```text",
            output,
            "```",
            "",
        ]
    while lines[-1] == "":
        lines.pop()
    lines += [*load_markdown(load), "", END]
    return "\n".join(lines)


def write(block: str) -> None:
    """Puts the block between the markers, or after the introduction (the first heading and the paragraph after
    it) if the markers are missing; the rest of the file stays as it is."""
    text = DOCS.read_text()
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _old, after = rest.split(END, 1)
        text = before + block + after
    else:
        lines = text.split("\n")
        at = next((n for n, line in enumerate(lines) if line.startswith("# ")), -1) + 1
        while at < len(lines) and not lines[at].strip():
            at += 1
        while at < len(lines) and lines[at].strip():
            at += 1
        text = "\n".join([*lines[:at], "", block, *lines[at:]])
    DOCS.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="the pages on PostgreSQL (bench_scale1, bench_scale10)")
    parser.add_argument("--runs", type=int, default=bench_pages.RUNS, help="timed requests per page")
    parser.add_argument("--no-write", action="store_true", help="print the Markdown instead of writing it")
    parser.add_argument("--no-load", action="store_true", help="skip the load test and the fault drills")
    options = parser.parse_args()

    postgres = options.postgres or bool(os.environ.get("BENCH_DATABASE_URL")) or postgres_answers()
    results = bench_pages.run(SCALES, postgres=postgres, runs=options.runs)
    print(bench_pages.report(results))
    problems = bench_pages.missed(results)
    for problem in problems:
        print(f"FAIL: {problem}")

    dispatches = []
    services = postgres_answers() and redis_answers()
    for script in DISPATCH:
        before = bench_pages.load()
        if services:
            print(f"\n{script}", flush=True)
            status, output, took = dispatch(script)
        else:
            status, output, took = None, "Needs PostgreSQL on 127.0.0.1:5432 and Redis; not found.", 0.0
        dispatches.append((script, status, output, took, before))

    missing = bench_load.missing_tools()
    if options.no_load:
        load = (None, None, "Skipped (`--no-load`).", 0.0)
    elif missing:
        load = (None, None, f"Skipped: not found: {', '.join(missing)}.", 0.0)
    else:
        print("\nbench_load.py", flush=True)
        started = time.perf_counter()
        status, result, output = bench_load.run_in_child()
        load = (status, result, output, time.perf_counter() - started)

    block = markdown(results, problems, dispatches, load)
    if options.no_write:
        print(block)
    else:
        write(block)
        print(f"\nwritten to {DOCS.relative_to(ROOT)}")
    failed = (
        bool(problems)
        or any(status not in (0, None) for _script, status, *_rest in dispatches)
        or load[0] not in (0, None)
    )
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
