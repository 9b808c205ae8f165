"""How long proposing groups takes for 1,000 mentees, and how good the groups are.

Run from the project root: .venv/bin/python bench/bench_proposals.py
Prints the best of 5 runs of propose_groups (sizes 3/5/6) and the mean within-group similarity next to the one of
cutting the same list into groups of the same sizes in application order. Exits with status 1 if the best run
takes more than 2 seconds. Not part of the pytest run; see docs/benchmarks.md.
"""

from __future__ import annotations

import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groups.proposals import Mentee, SizeRules, mean_similarity, plan_sizes, propose_groups

MENTEES = 1000
RUNS = 5
LIMIT_SECONDS = 2.0
SEED = 20261126

GOAL_AREAS = [
    "Career change",
    "Leadership",
    "Starting a business",
    "Finding work",
    "Studies",
    "Work-life balance",
    "Networking",
    "Public speaking",
    "Digital skills",
    "Returning to work",
    "Self-confidence",
    "Languages at work",
]
GOAL_WEIGHTS = [14, 11, 9, 12, 7, 6, 8, 5, 6, 4, 10, 3]
FIELDS = ["Health care", "IT", "Education", "Engineering", "Hospitality", "Retail", "Social work", "Arts"]
FIELD_WEIGHTS = [16, 18, 12, 10, 9, 8, 8, 5]
# Realistic skew: most mentees speak the programme's language, many also English, a few only their own.
LANGUAGES = ["German", "English", "Arabic", "Turkish", "Ukrainian", "French"]
FIRST_LANGUAGE_WEIGHTS = [52, 18, 10, 8, 8, 4]
SLOTS = ["mornings", "afternoons", "evenings", "weekends"]
SLOT_WEIGHTS = [2, 3, 8, 5]


def population(count: int = MENTEES, seed: int = SEED) -> list[Mentee]:
    rng = random.Random(seed)
    mentees = []
    for number in range(1, count + 1):
        goals = set(rng.choices(GOAL_AREAS, GOAL_WEIGHTS, k=rng.choice([1, 2, 2, 3])))
        languages = {rng.choices(LANGUAGES, FIRST_LANGUAGE_WEIGHTS)[0]}
        if rng.random() < 0.45:
            languages.add(rng.choices(LANGUAGES, [30, 40, 5, 5, 5, 5])[0])
        slots = set(rng.choices(SLOTS, SLOT_WEIGHTS, k=rng.choice([1, 1, 2, 2, 3])))
        field = rng.choices(FIELDS, FIELD_WEIGHTS)[0] if rng.random() < 0.85 else ""
        mentees.append(
            Mentee(
                id=number,
                name=f"Mentee {number:04d}",
                goal_areas=frozenset(goals),
                field=field,
                languages=frozenset(languages),
                availability=frozenset(slots),
            )
        )
    return mentees


def main() -> int:
    mentees = population()
    sizes = SizeRules(3, 5, 6)
    timings = []
    proposal = None
    for _ in range(RUNS):
        started = time.perf_counter()
        proposal = propose_groups(mentees, sizes)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    chunks, start = [], 0
    for size in plan_sizes(len(mentees), sizes):
        chunks.append(mentees[start : start + size])
        start += size
    naive = mean_similarity(chunks)
    quality = proposal.similarity()
    group_sizes = sorted({len(group.members) for group in proposal.groups})
    codes: dict[str, int] = {}
    for warning in proposal.warnings:
        codes[str(warning.code)] = codes.get(str(warning.code), 0) + 1
    print(f"Python {platform.python_version()} on {platform.machine()}, {MENTEES} mentees, sizes 3/5/6")
    print(f"propose_groups: best of {RUNS} {best:.3f} s (all: {', '.join(f'{t:.3f}' for t in timings)})")
    print(f"groups: {len(proposal.groups)}, sizes {group_sizes}, unplaced {len(proposal.unplaced)}")
    print(f"mean within-group similarity: {quality:.3f} (naive chunking in application order: {naive:.3f})")
    print(f"warnings: {codes or 'none'}")
    if best > LIMIT_SECONDS:
        print(f"FAIL: slower than {LIMIT_SECONDS:.1f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
