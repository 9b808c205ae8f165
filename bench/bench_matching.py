"""How fast `groups.matching.propose_all` matches 200 mentors to 200 groups, and what it gains over greedy.

Run from the project root: .venv/bin/python bench/bench_matching.py
Builds seeded synthetic data (groups of 4-5 mentees, mentors with 1-3 free places), times propose_all (best of 5,
time.perf_counter), prints the time and the total scores of the optimal and the greedy assignment, then does the
same with every mentor given one place (the tight case). Exits with status 1 if a best time is over the limit
(2 seconds). Not part of the test run.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groups.matching import GroupNeeds, MenteeWishes, MentorCandidate, greedy, propose_all

GROUPS = 200
MENTORS = 200
REPEAT = 5
LIMIT_SECONDS = 2.0
SEED = 20261126

GOAL_AREAS = (
    "Career change",
    "Starting a business",
    "Leadership",
    "Job search",
    "Work-life balance",
    "Public speaking",
    "Digital skills",
    "Networking",
    "Studies and training",
    "Finance and budgeting",
    "Languages at work",
    "Team management",
)
EXPERTISE = (
    "career coaching",
    "business planning",
    "small business finance",
    "leadership development",
    "recruitment",
    "job interviews",
    "public speaking",
    "software development",
    "digital marketing",
    "networking events",
    "adult education",
    "budgeting",
    "team management",
    "wellbeing at work",
    "language teaching",
    "project management",
)
BACKGROUND = ("engineering", "teaching", "finance", "health care", "entrepreneur", "public sector", "arts", "law")
LANGUAGES = ("English", "Arabic", "French", "Spanish", "Ukrainian", "Somali")
SLOTS = ("mornings", "afternoons", "evenings", "weekends")
GENDERS = ("woman", "man", "non_binary", "")
AGE_BANDS = ("under_30", "30_44", "45_59", "60_plus", "")


def languages(rng: random.Random, main: str) -> set[str]:
    return {main, *rng.sample(LANGUAGES, rng.choice((0, 1, 1, 2)))}


def main_language(rng: random.Random) -> str:
    return "English" if rng.random() < 0.85 else rng.choice(LANGUAGES[1:])


def build(seed: int = SEED) -> tuple[list[GroupNeeds], list[MentorCandidate]]:
    rng = random.Random(seed)
    groups = []
    for number in range(1, GROUPS + 1):
        focus = rng.sample(GOAL_AREAS, 3)  # groups are formed from mentees with similar goals and a common language
        language = main_language(rng)
        members = [
            MenteeWishes(
                goal_areas=frozenset(rng.sample(focus, rng.randint(1, 2))),
                languages=frozenset(languages(rng, language)),
                availability=frozenset(rng.sample(SLOTS, rng.randint(2, 4))),
                age_band=rng.choice(AGE_BANDS),
                gender_preference=rng.choice(("", "", "", "woman", "man")),
                age_preference=rng.choice(("", "", "similar", "older", "younger")),
                background_wishes=rng.choice(("", "", *BACKGROUND)),
            )
            for _ in range(rng.randint(4, 5))
        ]
        groups.append(GroupNeeds.from_members(number, f"Group {number:03d}", members))
    mentors = [
        MentorCandidate(
            id=number,
            name=f"Mentor {number:03d}",
            expertise=frozenset(rng.sample(EXPERTISE, rng.randint(2, 5))),
            languages=frozenset(languages(rng, main_language(rng))),
            availability=frozenset(rng.sample(SLOTS, rng.randint(1, 3))),
            gender=rng.choice(GENDERS),
            age_band=rng.choice(AGE_BANDS),
            capacity=rng.randint(1, 3),
            background=frozenset(rng.sample(BACKGROUND, rng.randint(1, 2))),
        )
        for number in range(1, MENTORS + 1)
    ]
    return groups, mentors


def measure(label: str, groups: list[GroupNeeds], mentors: list[MentorCandidate]) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        optimal = propose_all(groups, mentors)
        times.append(time.perf_counter() - started)
    naive = greedy(groups, mentors)
    best = min(times)
    places = sum(mentor.capacity for mentor in mentors)
    print(f"propose_all, {label}: {len(groups)} groups x {len(mentors)} mentors ({places} places)")
    print(f"  best of {REPEAT}: {best:.3f} s (all: {', '.join(f'{t:.3f}' for t in times)})")
    print(f"  optimal: total {optimal.total:.1f}, {len(optimal.proposals)} matched, {len(optimal.unmatched)} unmatched")
    print(f"  greedy:  total {naive.total:.1f}, {len(naive.proposals)} matched, {len(naive.unmatched)} unmatched")
    return best


def run() -> int:
    groups, mentors = build()
    best = measure("capacities 1-3", groups, mentors)
    # The same mentors with one place each: every place is wanted, and greedy leaves groups without a mentor.
    best = max(best, measure("one place each", groups, [replace(mentor, capacity=1) for mentor in mentors]))
    if best > LIMIT_SECONDS:
        print(f"FAIL: over the {LIMIT_SECONDS:.0f} s limit")
        return 1
    print(f"OK: under the {LIMIT_SECONDS:.0f} s limit")
    return 0


if __name__ == "__main__":
    sys.exit(run())
