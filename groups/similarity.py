"""How alike two mentees are, and how many groups of which sizes a number of mentees makes.

The measures behind proposing groups; ``groups.proposals`` explains them in full.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

WEIGHT_LANGUAGE = 0.4
WEIGHT_AVAILABILITY = 0.3
WEIGHT_GOALS = 0.2
WEIGHT_FIELD = 0.1

SLOT_ORDER = ("mornings", "afternoons", "evenings", "weekends")

_EPSILON = 1e-9


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _key(text: str) -> str:
    return _clean(text).casefold()


def _items(values: Iterable[str] | str | None) -> list[str]:
    """A comma-separated text (as in the application form) or an iterable of texts, cleaned, empties dropped."""
    if values is None:
        return []
    if isinstance(values, str):
        values = values.replace("\n", ",").split(",")
    return [cleaned for cleaned in (_clean(value) for value in values) if cleaned]


def _dedupe(values: Iterable[str] | str | None) -> dict[str, str]:
    """key -> display form; of two spellings of one key ("english", "English") the first in sorted order wins."""
    found: dict[str, str] = {}
    for value in sorted(_items(values)):
        found.setdefault(value.casefold(), value)
    return found


@dataclass(frozen=True)
class Mentee:
    """What the algorithm knows about an accepted mentee.

    ``languages`` and ``goal_areas`` keep their display form and are compared case-insensitively (``language_keys``,
    ``goal_keys``); ``languages`` may also be given as the application's comma-separated text. ``field`` is compared
    case-insensitively with spaces collapsed (``field_key``). ``availability`` holds slot codes (mornings,
    afternoons, evenings, weekends), lower-cased.
    """

    id: int
    name: str
    goal_areas: frozenset[str] = frozenset()
    field: str = ""
    languages: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    goal_keys: frozenset[str] = dataclasses.field(init=False, repr=False, compare=False)
    field_key: str = dataclasses.field(init=False, repr=False, compare=False)
    language_keys: frozenset[str] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        assign = object.__setattr__
        goals = _dedupe(self.goal_areas)
        languages = _dedupe(self.languages)
        assign(self, "goal_areas", frozenset(goals.values()))
        assign(self, "goal_keys", frozenset(goals))
        assign(self, "languages", frozenset(languages.values()))
        assign(self, "language_keys", frozenset(languages))
        assign(self, "availability", frozenset(_dedupe(self.availability)))
        assign(self, "field", _clean(self.field or ""))
        assign(self, "field_key", self.field.casefold())

    def language_label(self, key: str) -> str:
        return next(language for language in self.languages if language.casefold() == key)

    def goal_label(self, key: str) -> str:
        return next(goal for goal in self.goal_areas if goal.casefold() == key)


def similarity(a: Mentee, b: Mentee) -> float:
    """How well two mentees would sit in one group, from 0 (nothing in common) to 1 (everything)."""
    value = 0.0
    if not a.language_keys.isdisjoint(b.language_keys):
        value += WEIGHT_LANGUAGE
    if not a.availability.isdisjoint(b.availability):
        value += WEIGHT_AVAILABILITY
    if a.goal_keys and b.goal_keys:
        value += WEIGHT_GOALS * len(a.goal_keys & b.goal_keys) / math.sqrt(len(a.goal_keys) * len(b.goal_keys))
    if a.field_key and a.field_key == b.field_key:
        value += WEIGHT_FIELD
    return value


def group_similarity(members: Sequence[Mentee]) -> float:
    """The mean similarity over the pairs of a group (0 for fewer than two members)."""
    pairs = [similarity(a, b) for index, a in enumerate(members) for b in members[index + 1 :]]
    return sum(pairs) / len(pairs) if pairs else 0.0


def mean_similarity(groups: Iterable[Sequence[Mentee]]) -> float:
    """The mean over mentees (in groups of two or more) of their mean similarity to the others in their group."""
    total = 0.0
    people = 0
    for members in groups:
        if len(members) >= 2:
            total += group_similarity(members) * len(members)
            people += len(members)
    return total / people if people else 0.0


@dataclass
class SizeRules:
    minimum: int
    target: int
    maximum: int

    def __post_init__(self) -> None:
        if not 1 <= self.minimum <= self.target <= self.maximum:
            raise ValueError(
                f"Group sizes need 1 <= minimum <= target <= maximum, not {self.minimum}/{self.target}/{self.maximum}."
            )

    @classmethod
    def from_programme(cls, programme: Any) -> SizeRules:
        return cls(programme.group_size_min, programme.group_size_target, programme.group_size_max)

    def to_data(self) -> dict[str, int]:
        return {"minimum": self.minimum, "target": self.target, "maximum": self.maximum}


def _even_sizes(n: int, count: int) -> list[int]:
    base, extra = divmod(n, count)
    return [base + 1] * extra + [base] * (count - extra)


def plan_sizes(n: int, sizes: SizeRules) -> list[int]:
    """The sizes of the groups for n mentees, largest first (see the module docstring)."""
    if n <= 0:
        return []
    fewest = -(-n // sizes.maximum)
    most = n // sizes.minimum
    if fewest <= most:  # the count whose mean size is nearest the target; on a tie, the smaller groups
        return _even_sizes(n, min(range(fewest, most + 1), key=lambda count: (abs(n / count - sizes.target), -count)))

    def outside(size: int) -> int:
        return max(0, sizes.minimum - size) + max(0, size - sizes.maximum)

    def breach(count: int) -> tuple[int, float, int]:
        base, extra = divmod(n, count)
        return extra * outside(base + 1) + (count - extra) * outside(base), abs(count - n / sizes.target), count

    return _even_sizes(n, min(range(1, n + 1), key=breach))
