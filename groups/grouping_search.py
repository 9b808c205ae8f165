"""The search that arranges mentees into groups of similar people; ``groups.proposals`` describes it in full."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence

from groups.similarity import (
    _EPSILON,
    WEIGHT_AVAILABILITY,
    WEIGHT_FIELD,
    WEIGHT_GOALS,
    WEIGHT_LANGUAGE,
    Mentee,
    SizeRules,
)

BONUS_COMMON_LANGUAGE = 0.2  # per member of a group whose members all speak one language
BONUS_COMMON_SLOT = 0.1  # per member of a group whose members can all meet in one time slot
MAX_PASSES = 30
SWAP_GROUPS = 6  # candidate groups whose members are tried for a swap
_MAX_SUBSET_ITEMS = 8  # inclusion-exclusion over at most 2**8 - 1 subsets of someone's languages


# ----------------------------------------------------------------------------------------------------------------
# The search


def _subset_terms(mask: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The non-empty subsets of a bit mask, split by inclusion-exclusion sign (odd sizes add, even subtract)."""
    plus: list[int] = []
    minus: list[int] = []
    subset = mask
    while subset:
        (plus if subset.bit_count() % 2 else minus).append(subset)
        subset = (subset - 1) & mask
    return tuple(plus), tuple(minus)


def _bits(mask: int) -> tuple[int, ...]:
    return tuple(1 << position for position in range(mask.bit_length()) if mask >> position & 1)


def _interned(values: list[frozenset[str]], cap: int | None) -> tuple[list[int], list[tuple[int, ...]]]:
    """Bit masks of the values held by two or more mentees, the most widely held first (lowest bits)."""
    counts = Counter(value for held in values for value in held)
    order = sorted((value for value, count in counts.items() if count >= 2), key=lambda value: (-counts[value], value))
    bit = {value: 1 << position for position, value in enumerate(order)}
    masks = []
    for held in values:
        mine = sorted(bit[value] for value in held if value in bit)
        masks.append(sum(mine[:cap] if cap else mine))
    return masks, [_bits(mask) for mask in masks]


class _Search:
    """Mentees as integers, groups as feature counters; see "How" in the module docstring."""

    def __init__(self, mentees: Sequence[Mentee]) -> None:
        self.mentees = mentees
        self.lmask, self.lbits = _interned([m.language_keys for m in mentees], _MAX_SUBSET_ITEMS)
        self.smask, self.sbits = _interned([m.availability for m in mentees], _MAX_SUBSET_ITEMS)
        terms: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self.lterms = [terms.setdefault(mask, _subset_terms(mask)) for mask in self.lmask]
        self.sterms = [terms.setdefault(mask, _subset_terms(mask)) for mask in self.smask]
        goal_counts = Counter(key for m in mentees for key in m.goal_keys)
        goal_ids = {key: index for index, key in enumerate(sorted(k for k, c in goal_counts.items() if c >= 2))}
        self.goals = [tuple(sorted(goal_ids[key] for key in m.goal_keys if key in goal_ids)) for m in mentees]
        self.goalset = [frozenset(goals) for goals in self.goals]
        self.gweight = [1 / math.sqrt(len(m.goal_keys)) if m.goal_keys else 0.0 for m in mentees]
        field_counts = Counter(m.field_key for m in mentees if m.field_key)
        field_ids = {key: index for index, key in enumerate(sorted(k for k, c in field_counts.items() if c >= 2))}
        self.field = [field_ids.get(m.field_key, -1) for m in mentees]
        self.own = [
            WEIGHT_LANGUAGE * (self.lmask[i] != 0)
            + WEIGHT_AVAILABILITY * (self.smask[i] != 0)
            + WEIGHT_GOALS * (self.gweight[i] ** 2) * len(self.goals[i])
            + WEIGHT_FIELD * (self.field[i] >= 0)
            for i in range(len(mentees))
        ]
        self.keys = [[(lbit, sbit) for lbit in self.lbits[i] for sbit in self.sbits[i]] for i in range(len(mentees))]

    # -- building ------------------------------------------------------------------------------------------------

    def initial_order(self, rng: random.Random | None) -> list[int]:
        """Buckets by the most common (language, slot) a mentee has, then goal area and field inside a bucket."""
        n = len(self.mentees)
        key_counts: Counter[tuple[int, int]] = Counter(key for keys in self.keys for key in keys)
        # Bits are numbered most widely held first, so a smaller bit is a more common language or slot.
        bucket = [
            min(self.keys[i], key=lambda key: (-key_counts[key], key))
            if self.keys[i]
            else (self.lbits[i][0] if self.lbits[i] else 0, self.sbits[i][0] if self.sbits[i] else 0)
            for i in range(n)
        ]
        goal_in_bucket: Counter[tuple[tuple[int, int], int]] = Counter(
            (bucket[i], goal) for i in range(n) for goal in self.goals[i]
        )

        def anchor(i: int) -> int:
            goals = self.goals[i]
            if not goals:
                return 1 << 30
            return min(goals, key=lambda goal: (-goal_in_bucket[bucket[i], goal], goal))

        tie = [rng.random() for _ in range(n)] if rng else list(range(n))
        no_language = 1 << 40  # mentees without a shared language or slot go last
        return sorted(
            range(n),
            key=lambda i: (
                bucket[i][0] or no_language,
                bucket[i][1] or no_language,
                anchor(i),
                self.field[i],
                self.goals[i],
                tie[i],
            ),
        )

    def start(self, parts: list[list[int]]) -> None:
        self.members: list[list[int]] = []
        self.lcnt: list[dict[int, int]] = []
        self.scnt: list[dict[int, int]] = []
        self.gsum: list[dict[int, float]] = []
        self.gcnt: list[dict[int, int]] = []
        self.fcnt: list[dict[int, int]] = []
        self.pairs: list[float] = []
        self.value: list[float] = []
        self.hl: list[bool] = []
        self.hs: list[bool] = []
        self.where = [0] * len(self.mentees)
        self.common_keys: list[list[tuple[int, int]]] = []
        self.fit_index: dict[tuple[int, int], set[int]] = {}
        self.lang_index: dict[int, set[int]] = {}
        self.slot_index: dict[int, set[int]] = {}
        self.goal_index: dict[int, set[int]] = {}
        for g, part in enumerate(parts):
            for store in (self.members, self.lcnt, self.scnt, self.gsum, self.gcnt, self.fcnt, self.common_keys):
                store.append([] if store is self.members or store is self.common_keys else {})
            self.pairs.append(0.0)
            self.value.append(0.0)
            self.hl.append(False)
            self.hs.append(False)
            for i in part:
                self.add(i, g)
            self.refresh(g)

    # -- group counters --------------------------------------------------------------------------------------------

    def affinity(self, i: int, g: int) -> float:
        """The sum of i's similarities to the members of g (including i itself if i is in g)."""
        lcnt = self.lcnt[g]
        plus, minus = self.lterms[i]
        shared = 0
        for mask in plus:
            shared += lcnt.get(mask, 0)
        for mask in minus:
            shared -= lcnt.get(mask, 0)
        value = WEIGHT_LANGUAGE * shared
        scnt = self.scnt[g]
        plus, minus = self.sterms[i]
        shared = 0
        for mask in plus:
            shared += scnt.get(mask, 0)
        for mask in minus:
            shared -= scnt.get(mask, 0)
        value += WEIGHT_AVAILABILITY * shared
        goals = self.goals[i]
        if goals:
            gsum = self.gsum[g]
            total = 0.0
            for goal in goals:
                total += gsum.get(goal, 0.0)
            value += WEIGHT_GOALS * self.gweight[i] * total
        field = self.field[i]
        if field >= 0:
            value += WEIGHT_FIELD * self.fcnt[g].get(field, 0)
        return value

    def sim(self, i: int, j: int) -> float:
        value = WEIGHT_LANGUAGE * (self.lmask[i] & self.lmask[j] != 0)
        value += WEIGHT_AVAILABILITY * (self.smask[i] & self.smask[j] != 0)
        if self.goals[i] and self.goals[j]:
            value += WEIGHT_GOALS * self.gweight[i] * self.gweight[j] * len(self.goalset[i] & self.goalset[j])
        if self.field[i] >= 0 and self.field[i] == self.field[j]:
            value += WEIGHT_FIELD
        return value

    def add(self, i: int, g: int) -> None:
        self.pairs[g] += self.affinity(i, g)
        self._count(i, g, 1)
        self.members[g].append(i)
        self.where[i] = g

    def remove(self, i: int, g: int) -> None:
        self.pairs[g] -= self.affinity(i, g) - self.own[i]
        self._count(i, g, -1)
        self.members[g].remove(i)

    def _count(self, i: int, g: int, step: int) -> None:
        for counts, terms in ((self.lcnt[g], self.lterms[i]), (self.scnt[g], self.sterms[i])):
            for part in terms:
                for mask in part:
                    counts[mask] = counts.get(mask, 0) + step
        gsum, gcnt, weight = self.gsum[g], self.gcnt[g], self.gweight[i]
        for goal in self.goals[i]:
            gsum[goal] = gsum.get(goal, 0.0) + step * weight
            count = gcnt.get(goal, 0) + step
            gcnt[goal] = count
            if count == 0:
                self.goal_index[goal].discard(g)
            elif count == 1 and step == 1:
                self.goal_index.setdefault(goal, set()).add(g)
        if self.field[i] >= 0:
            fcnt = self.fcnt[g]
            fcnt[self.field[i]] = fcnt.get(self.field[i], 0) + step

    def refresh(self, g: int) -> None:
        """Recomputes g's common language and slot, its value and its place in the candidate indexes."""
        members = self.members[g]
        size = len(members)
        first = members[0] if members else None
        languages = [b for b in self.lbits[first] if self.lcnt[g].get(b, 0) == size] if members else []
        slots = [b for b in self.sbits[first] if self.scnt[g].get(b, 0) == size] if members else []
        self.hl[g], self.hs[g] = bool(languages), bool(slots)
        self.value[g] = self._value(self.pairs[g], size, self.hl[g], self.hs[g])
        for key in self.common_keys[g]:
            self.fit_index[key].discard(g)
            self.lang_index[key[0]].discard(g)
            self.slot_index[key[1]].discard(g)
        keys = [(language, slot) for language in languages for slot in slots]
        for key in keys:
            self.fit_index.setdefault(key, set()).add(g)
            self.lang_index.setdefault(key[0], set()).add(g)
            self.slot_index.setdefault(key[1], set()).add(g)
        self.common_keys[g] = keys

    @staticmethod
    def _value(pairs: float, size: int, common_language: bool, common_slot: bool) -> float:
        spread = 2 * pairs / (size - 1) if size > 1 else 0.0
        return spread + size * (BONUS_COMMON_LANGUAGE * common_language + BONUS_COMMON_SLOT * common_slot)

    @staticmethod
    def _common_after(counts: dict[int, int], size: int, bits: tuple[int, ...], out_mask: int, in_mask: int) -> bool:
        for bit in bits:
            count = counts.get(bit, 0) - (out_mask & bit != 0) + (in_mask & bit != 0)
            if count == size:
                return True
        return False

    # -- improving -------------------------------------------------------------------------------------------------

    def candidates(self, i: int) -> list[int]:
        here = self.where[i]
        if not (self.hl[here] and self.hs[here]):
            # A mixed group (a bucket boundary): its members may need any group, and mixed groups are few.
            return [g for g in range(len(self.members)) if g != here]
        found: set[int] = set()
        for key in self.keys[i]:
            found |= self.fit_index.get(key, set())
        if found and self.goals[i]:
            liked: set[int] = set()
            for goal in self.goals[i]:
                liked |= self.goal_index.get(goal, set())
            narrowed = found & liked
            narrowed.discard(self.where[i])
            if narrowed:
                found = narrowed
        if not found:
            for bit in self.lbits[i]:
                found |= self.lang_index.get(bit, set())
        if not found:
            for bit in self.sbits[i]:
                found |= self.slot_index.get(bit, set())
        if not found:
            found = set(range(len(self.members)))
        found.discard(self.where[i])
        return sorted(found)

    def improve_one(self, i: int, lowest: int, highest: int) -> tuple[int, int] | None:
        """Applies the best improving move or swap for mentee i; returns the two groups changed, if any."""
        a = self.where[i]
        size_a = len(self.members[a])
        own = self.own[i]
        in_a = self.affinity(i, a) - own
        fit_a = in_a / (size_a - 1) if size_a > 1 else 0.0
        if size_a > 1 and fit_a >= own - _EPSILON:
            return None  # shares everything with everyone in the group
        lmask, smask = self.lmask[i], self.smask[i]
        lcnt_a, scnt_a = self.lcnt[a], self.scnt[a]
        pairs_a = self.pairs[a] - in_a
        if self.hl[a] or size_a < 2:
            hl_a = self.hl[a]
        else:
            other = self.members[a][0] if self.members[a][0] != i else self.members[a][1]
            hl_a = self._common_after(lcnt_a, size_a - 1, self.lbits[other], lmask, 0)
        if self.hs[a] or size_a < 2:
            hs_a = self.hs[a]
        else:
            other = self.members[a][0] if self.members[a][0] != i else self.members[a][1]
            hs_a = self._common_after(scnt_a, size_a - 1, self.sbits[other], smask, 0)
        value_a_without = self._value(pairs_a, size_a - 1, hl_a, hs_a)
        can_leave = size_a > lowest
        best_gain, best = _EPSILON, None
        liked: list[tuple[float, int, float]] = []
        value, members, lcnt, scnt, hl, hs = self.value, self.members, self.lcnt, self.scnt, self.hl, self.hs
        for b in self.candidates(i):
            to_b = self.affinity(i, b)
            size_b = len(members[b])
            fit_b = to_b / size_b
            if fit_b > fit_a + _EPSILON:
                liked.append((-fit_b, b, to_b))
            if can_leave and size_b < highest:
                hl_b = hl[b] and self._common_after(lcnt[b], size_b + 1, self.lbits[i], 0, lmask)
                hs_b = hs[b] and self._common_after(scnt[b], size_b + 1, self.sbits[i], 0, smask)
                gain = value_a_without + self._value(self.pairs[b] + to_b, size_b + 1, hl_b, hs_b) - value[a] - value[b]
                if gain > best_gain:
                    best_gain, best = gain, (b, None)
        liked.sort()
        for _, b, to_b in liked[:SWAP_GROUPS]:
            size_b = len(members[b])
            for j in members[b]:
                s_ij = self.sim(i, j)
                j_in_b = self.affinity(j, b) - self.own[j]
                j_to_a = self.affinity(j, a) - s_ij
                pairs_a2 = self.pairs[a] - in_a + j_to_a
                pairs_b2 = self.pairs[b] - j_in_b + to_b - s_ij
                lm_j, sm_j = self.lmask[j], self.smask[j]
                gain = (
                    self._value(
                        pairs_a2,
                        size_a,
                        self._common_after(lcnt_a, size_a, self.lbits[j], lmask, lm_j),
                        self._common_after(scnt_a, size_a, self.sbits[j], smask, sm_j),
                    )
                    + self._value(
                        pairs_b2,
                        size_b,
                        self._common_after(lcnt[b], size_b, self.lbits[i], lm_j, lmask),
                        self._common_after(scnt[b], size_b, self.sbits[i], sm_j, smask),
                    )
                    - value[a]
                    - value[b]
                )
                if gain > best_gain:
                    best_gain, best = gain, (b, j)
        if best is None:
            return None
        b, j = best
        self.remove(i, a)
        if j is not None:
            self.remove(j, b)
            self.add(j, a)
        self.add(i, b)
        self.refresh(a)
        self.refresh(b)
        return a, b

    def improve(self, lowest: int, highest: int, rng: random.Random | None) -> None:
        n = len(self.mentees)
        flexibility = [len(self.keys[i]) for i in range(n)]
        order = sorted(range(n), key=lambda i: (flexibility[i], i))
        if rng:
            rng.shuffle(order)
        for _ in range(MAX_PASSES):
            changed: set[int] = set()
            for i in order:
                touched = self.improve_one(i, lowest, highest)
                if touched:
                    changed.update(touched)
            if not changed:
                return
            order = sorted((i for g in changed for i in self.members[g]), key=lambda i: (flexibility[i], i))
            if rng:
                rng.shuffle(order)


def _partition(mentees: Sequence[Mentee], plan: list[int], sizes: SizeRules, seed: int) -> list[list[Mentee]]:
    """Splits mentees (in id order) into len(plan) groups; sizes start as planned and stay within the limits."""
    if not plan:
        return []
    rng = random.Random(seed) if seed else None
    search = _Search(mentees)
    order = search.initial_order(rng)
    parts: list[list[int]] = []
    start = 0
    for size in plan:
        parts.append(order[start : start + size])
        start += size
    search.start(parts)
    lowest = max(1, min(sizes.minimum, min(plan)))
    highest = max(sizes.maximum, max(plan))
    search.improve(lowest, highest, rng)
    return [[mentees[i] for i in members] for members in search.members]
