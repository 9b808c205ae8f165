"""Proposing mentee groups: the pure algorithm behind "form groups" (no database, no Django).

A coordinator has accepted mentees and wants them split into groups of about ``target`` people (never fewer than
``minimum`` nor more than ``maximum`` when the number of mentees allows it) whose members can meet and talk:
a common language, a common time slot, shared goal areas and, a bonus, the same field.

Similarity
    ``similarity(a, b)`` is a number in [0, 1]: 0.4 if they share a language, 0.3 if they share a time slot,
    0.2 x the cosine overlap of their goal areas (|shared| / sqrt(|a| x |b|), so ticking every area does not make
    someone close to everybody) and 0.1 if they name the same field. A group's similarity is the mean over its
    pairs; a proposal's is the mean over its mentees of their mean similarity to the others in their group.

What the search maximises
    For every group: the sum over its members of their mean similarity to the others in the group (so a group of
    six identical people is worth no more per head than a group of four: sizes stay where the plan put them unless
    a move really helps), plus 0.2 per member if the whole group shares one language and 0.1 per member if it
    shares one time slot: a chain (A and B share English, B and C Arabic) is not a common language.

Number and sizes of groups
    ``plan_sizes``: among the counts in [ceil(n / maximum), floor(n / minimum)], for which every group can be
    within the limits, the one whose mean group size is nearest the target (on a tie, the smaller groups), sizes
    as even as possible: 9 mentees with a target of 4 make groups of 5 and 4, not three groups of 3. When no count
    allows it (fewer mentees than the minimum, or limits such as 4/4/4 with 6 mentees) the count that breaks the
    limits by the fewest places is used, and the proposal says so in its warnings. Everyone is placed.

How (fast enough for 1,000 mentees in pure Python)
    1. Buckets. Each mentee gets the (language, time slot) pair they have that most mentees have; buckets of the
       same language are put next to each other, and inside a bucket mentees are sorted by their goal area that
       is most frequent in the bucket, then by field. Cutting this list into the planned sizes gives groups that
       nearly all share a language and a slot; only groups at bucket boundaries are mixed.
    2. Local search on group-level counts. Each group keeps counters of its members' features; a mentee's
       summed similarity to a group is then O(its own features), not O(group size): languages and slots are bit
       masks, and "how many members share at least one language with me" is an inclusion-exclusion over the
       subsets of my languages (a mentee with 2 languages: 3 look-ups), goal areas are summed cosine weights and
       fields a count. A move or a swap between two groups is therefore priced exactly in a few microseconds,
       common-language and common-slot bonuses included.
    3. Candidates. A mentee in a group that shares a language and a slot is only tried against groups where
       they would fit: an index from (language, slot) to the groups whose members all share that language and
       slot, narrowed to the groups where someone shares one of their goal areas (falling back to the language
       only, the slot only, then every group). Members of mixed groups, which are few, are tried against every
       group. Moves keep every size within the limits; swaps are tried with the members of the ``SWAP_GROUPS``
       candidate groups the mentee likes best, if better than their own. The best improving move or swap is
       applied; later passes revisit only the members of groups that changed; at most ``MAX_PASSES`` passes.
       Mentees who already share everything with everyone in their group are skipped.

    Measured (bench/bench_proposals.py, docs/benchmarks.md): 1,000 mentees in about 0.15 s on 2 cores, mean
    similarity 0.876 against 0.423 for cutting the list in order; trying every group for every mentee instead of
    the candidates gives the same quality in four times the time.

    Deterministic: mentees are taken in id order and every tie is broken by id. ``seed`` (0: none) shuffles the
    order in which mentees are taken, so that the page can offer another arrangement of equal quality.

Editing before confirming
    ``move``, ``split``, ``merge`` and ``rename`` return a new ``Proposal`` with names and warnings recomputed.
    ``Proposal.to_data()`` is a JSON-able dict of ids and names for the session or a hidden field;
    ``Proposal.from_data(data, mentees_by_id)`` rebuilds it from fresh mentee data and raises ``ValueError`` for
    ids it does not know. Names are suggestions ("Group 1: Career change", numbered by position, the topic is the
    goal area most members share) until the coordinator renames a group; the formats can be passed translated.

The explanation of a group (``ProposedGroup.explanation()``) and the warnings are structured data (labels, counts,
mentees, codes): the template phrases and translates them.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from groups.grouping_search import _partition
from groups.similarity import (
    SLOT_ORDER,
    Mentee,
    SizeRules,
    _clean,
    _even_sizes,
    group_similarity,
    mean_similarity,
    plan_sizes,
)
from groups.similarity import similarity as similarity  # re-exported: the tests and the benchmark compare with it

NAME_MAX_LENGTH = 120  # MentoringGroup.name
DEFAULT_NAME_FORMATS = ("Group {number}: {topic}", "Group {number}")
DATA_VERSION = 1

# ----------------------------------------------------------------------------------------------------------------
# Explanations and warnings


@dataclass(frozen=True)
class Share:
    """A goal area, language, slot or field held by ``count`` of the ``total`` members of a group."""

    label: str
    count: int
    total: int

    @property
    def by_all(self) -> bool:
        return self.count == self.total


@dataclass(frozen=True)
class GroupExplanation:
    """What a group's members have in common and where they differ; the template phrases it.

    The share lists hold what two or more members have (everything, for a group of one), most shared first.
    Availability labels are slot codes (mornings, ...); the others are display forms.
    """

    size: int
    goal_areas: tuple[Share, ...]
    languages: tuple[Share, ...]
    availability: tuple[Share, ...]
    fields: tuple[Share, ...]
    unique_goal_areas: tuple[tuple[str, Mentee], ...]  # goal areas only one member has, with that member
    without_shared_language: tuple[Mentee, ...]  # members who share no language with any other member
    without_shared_slot: tuple[Mentee, ...]  # members who share no time slot with any other member

    @property
    def common_goal_areas(self) -> list[str]:
        return [share.label for share in self.goal_areas if share.by_all]

    @property
    def common_languages(self) -> list[str]:
        return [share.label for share in self.languages if share.by_all]

    @property
    def common_slots(self) -> list[str]:
        return [share.label for share in self.availability if share.by_all]

    @property
    def common_field(self) -> str | None:
        return next((share.label for share in self.fields if share.by_all), None)

    @property
    def has_common_language(self) -> bool:
        return bool(self.common_languages)

    @property
    def has_common_slot(self) -> bool:
        return bool(self.common_slots)

    @property
    def shares_nothing(self) -> bool:
        """Two or more members and no language, time slot, goal area or field common to them all."""
        return (
            self.size >= 2
            and not self.common_languages
            and not self.common_slots
            and not self.common_goal_areas
            and self.common_field is None
        )


def _shares(
    counts: Counter[str], labels: Mapping[str, str], total: int, order: Mapping[str, int] | None = None
) -> tuple[Share, ...]:
    least = min(2, total)
    rank = order or {}
    keys = sorted(
        (key for key, count in counts.items() if count >= least),
        key=lambda key: (-counts[key], rank.get(key, len(rank)), labels[key].casefold(), labels[key]),
    )
    return tuple(Share(labels[key], counts[key], total) for key in keys)


def _labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """key -> the display form most members use (the first seen on a tie)."""
    forms: dict[str, Counter[str]] = {}
    for key, label in pairs:
        forms.setdefault(key, Counter())[label] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in forms.items()}


def explain(members: Sequence[Mentee]) -> GroupExplanation:
    total = len(members)
    goals = Counter(key for member in members for key in member.goal_keys)
    goal_labels = _labels((goal.casefold(), goal) for member in members for goal in member.goal_areas)
    languages = Counter(key for member in members for key in member.language_keys)
    language_labels = _labels((lang.casefold(), lang) for member in members for lang in member.languages)
    slots = Counter(slot for member in members for slot in member.availability)
    fields = Counter(member.field_key for member in members if member.field_key)
    field_labels = _labels((member.field_key, member.field) for member in members if member.field_key)
    unique: list[tuple[str, Mentee]] = []
    alone_language: list[Mentee] = []
    alone_slot: list[Mentee] = []
    if total >= 2:
        for member in members:
            unique.extend((member.goal_label(key), member) for key in member.goal_keys if goals[key] == 1)
            others = [other for other in members if other is not member]
            if all(member.language_keys.isdisjoint(other.language_keys) for other in others):
                alone_language.append(member)
            if all(member.availability.isdisjoint(other.availability) for other in others):
                alone_slot.append(member)
    unique.sort(key=lambda pair: (pair[0].casefold(), pair[0], pair[1].id))
    return GroupExplanation(
        size=total,
        goal_areas=_shares(goals, goal_labels, total),
        languages=_shares(languages, language_labels, total),
        availability=_shares(
            slots, {slot: slot for slot in slots}, total, {slot: rank for rank, slot in enumerate(SLOT_ORDER)}
        ),
        fields=_shares(fields, field_labels, total),
        unique_goal_areas=tuple(unique),
        without_shared_language=tuple(alone_language),
        without_shared_slot=tuple(alone_slot),
    )


class WarningCode(enum.StrEnum):
    TOO_FEW_MENTEES = "too_few_mentees"  # fewer mentees in all than the smallest group
    GROUP_TOO_SMALL = "group_too_small"
    GROUP_TOO_LARGE = "group_too_large"
    UNPLACED = "unplaced"  # mentees left without a group
    SHARES_NOTHING = "shares_nothing"  # no common language, time slot, goal area or field
    NO_COMMON_LANGUAGE = "no_common_language"  # mentee_ids: those who do not speak the group's main language
    NO_COMMON_SLOT = "no_common_slot"  # mentee_ids: those not free in the group's most shared slot


@dataclass(frozen=True)
class ProposalWarning:
    """Something the coordinator should look at: ``group`` is an index into ``Proposal.groups`` (or None)."""

    code: WarningCode
    group: int | None = None
    mentee_ids: tuple[int, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {"code": str(self.code), "group": self.group, "mentee_ids": list(self.mentee_ids)}


def _left_out(members: Sequence[Mentee], shares: tuple[Share, ...], keys_of) -> tuple[int, ...]:
    """The members without the group's most shared item (everyone if nobody shares anything)."""
    if not shares:
        return tuple(member.id for member in members)
    main = shares[0].label.casefold()
    return tuple(member.id for member in members if main not in keys_of(member))


# ----------------------------------------------------------------------------------------------------------------
# Proposal


@dataclass(frozen=True)
class ProposedGroup:
    members: tuple[Mentee, ...]
    name: str = ""
    custom_name: bool = False  # the coordinator named it: keep the name through edits

    @property
    def member_ids(self) -> list[int]:
        return [member.id for member in self.members]

    def explanation(self) -> GroupExplanation:
        return explain(self.members)

    @property
    def topic(self) -> str | None:
        """The goal area most members share (two or more), used in the suggested name."""
        shares = self.explanation().goal_areas
        return shares[0].label if shares and shares[0].count >= min(2, len(self.members)) else None

    def similarity(self) -> float:
        return group_similarity(self.members)


def _sorted_members(members: Iterable[Mentee]) -> tuple[Mentee, ...]:
    return tuple(sorted(members, key=lambda member: (member.name.casefold(), member.name, member.id)))


@dataclass(kw_only=True)
class Proposal:
    groups: list[ProposedGroup]
    sizes: SizeRules
    unplaced: list[Mentee] = dataclasses.field(default_factory=list)
    warnings: list[ProposalWarning] = dataclasses.field(default_factory=list)
    name_formats: tuple[str, str] = DEFAULT_NAME_FORMATS  # with a topic, without one; {number}, {topic}

    @property
    def mentees(self) -> list[Mentee]:
        return [member for group in self.groups for member in group.members] + list(self.unplaced)

    def group_of(self, mentee_id: int) -> int | None:
        """The index of the mentee's group, None if unplaced; ValueError if not in the proposal."""
        for index, group in enumerate(self.groups):
            if any(member.id == mentee_id for member in group.members):
                return index
        if any(member.id == mentee_id for member in self.unplaced):
            return None
        raise ValueError(f"Mentee {mentee_id} is not in this proposal.")

    def similarity(self) -> float:
        return mean_similarity(group.members for group in self.groups)

    def recheck(self) -> Proposal:
        """A copy with empty groups dropped, suggested names renumbered and warnings recomputed."""
        groups = [group for group in self.groups if group.members]
        return Proposal(
            groups=_named(groups, self.name_formats),
            sizes=self.sizes,
            unplaced=list(self.unplaced),
            warnings=_warnings(groups, self.unplaced, self.sizes),
            name_formats=self.name_formats,
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "version": DATA_VERSION,
            "sizes": self.sizes.to_data(),
            "groups": [
                {"name": group.name, "custom_name": group.custom_name, "members": group.member_ids}
                for group in self.groups
            ],
            "unplaced": [member.id for member in self.unplaced],
        }

    @classmethod
    def from_data(
        cls,
        data: Mapping[str, Any],
        mentees_by_id: Mapping[int, Mentee],
        *,
        sizes: SizeRules | None = None,
        name_formats: tuple[str, str] = DEFAULT_NAME_FORMATS,
    ) -> Proposal:
        """Rebuilds a proposal from ``to_data()`` with fresh mentee data.

        Mentees in ``mentees_by_id`` that the data does not mention (accepted since) come back unplaced. Raises
        ValueError for malformed data, an id that ``mentees_by_id`` does not know or an id given twice.
        """
        if not isinstance(data, Mapping) or data.get("version") != DATA_VERSION:
            raise ValueError("This is not a saved group proposal (or one from an older version).")
        try:
            rules = sizes or SizeRules(**{key: int(data["sizes"][key]) for key in ("minimum", "target", "maximum")})
        except (KeyError, TypeError) as error:
            raise ValueError("The saved group proposal has no valid group sizes.") from error
        seen: set[int] = set()

        def mentee(raw: Any, where: str) -> Mentee:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError(f"{where}: {raw!r} is not a mentee id.")
            if raw not in mentees_by_id:
                raise ValueError(f"{where}: there is no mentee with id {raw} (any more).")
            if raw in seen:
                raise ValueError(f"{where}: mentee {raw} appears twice.")
            seen.add(raw)
            return mentees_by_id[raw]

        groups: list[ProposedGroup] = []
        raw_groups = data.get("groups")
        raw_unplaced = data.get("unplaced", [])
        if not isinstance(raw_groups, list) or not isinstance(raw_unplaced, list):
            raise ValueError("The saved group proposal has no list of groups.")
        custom_names: set[str] = set()
        for number, raw in enumerate(raw_groups, start=1):
            if not isinstance(raw, Mapping) or not isinstance(raw.get("members"), list):
                raise ValueError(f"Group {number} of the saved proposal has no list of members.")
            name = raw.get("name", "")
            custom = bool(raw.get("custom_name", False))
            if not isinstance(name, str):
                raise ValueError(f"Group {number} of the saved proposal has no valid name.")
            if custom:
                name = _valid_name(name)
                if name.casefold() in custom_names:
                    raise ValueError(f"Two groups of the saved proposal are called {name!r}.")
                custom_names.add(name.casefold())
            members = [mentee(raw_id, f"Group {number}") for raw_id in raw["members"]]
            groups.append(ProposedGroup(members=_sorted_members(members), name=name, custom_name=custom))
        unplaced = [mentee(raw_id, "Unplaced") for raw_id in raw_unplaced]
        unplaced += [mentees_by_id[key] for key in sorted(mentees_by_id) if key not in seen]
        return cls(groups=groups, sizes=rules, unplaced=unplaced, name_formats=name_formats).recheck()


def _valid_name(name: str) -> str:
    name = _clean(name)
    if not name:
        raise ValueError("A group needs a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(f"A group name can have at most {NAME_MAX_LENGTH} characters.")
    return name


def _named(groups: Sequence[ProposedGroup], formats: tuple[str, str]) -> list[ProposedGroup]:
    """Suggested names for the groups the coordinator has not named; unique (case-insensitively) in the proposal."""
    taken = {group.name.casefold() for group in groups if group.custom_name}
    named = []
    for number, group in enumerate(groups, start=1):
        if not group.custom_name:
            topic = group.topic
            base = (formats[0] if topic else formats[1]).format(number=number, topic=topic)[:NAME_MAX_LENGTH]
            name, copy = base, 1
            while name.casefold() in taken:
                copy += 1
                suffix = f" ({copy})"
                name = base[: NAME_MAX_LENGTH - len(suffix)] + suffix
            group = dataclasses.replace(group, name=name)
        taken.add(group.name.casefold())
        named.append(group)
    return named


def _warnings(groups: Sequence[ProposedGroup], unplaced: Sequence[Mentee], sizes: SizeRules) -> list[ProposalWarning]:
    warnings: list[ProposalWarning] = []
    everyone = sum(len(group.members) for group in groups) + len(unplaced)
    too_few = 0 < everyone < sizes.minimum
    if too_few:
        ids = [member.id for group in groups for member in group.members] + [member.id for member in unplaced]
        warnings.append(ProposalWarning(WarningCode.TOO_FEW_MENTEES, None, tuple(ids)))
    if unplaced:
        warnings.append(ProposalWarning(WarningCode.UNPLACED, None, tuple(member.id for member in unplaced)))
    for index, group in enumerate(groups):
        ids = tuple(group.member_ids)
        if len(ids) < sizes.minimum and not too_few:
            warnings.append(ProposalWarning(WarningCode.GROUP_TOO_SMALL, index, ids))
        if len(ids) > sizes.maximum:
            warnings.append(ProposalWarning(WarningCode.GROUP_TOO_LARGE, index, ids))
        if len(ids) < 2:
            continue
        explanation = group.explanation()
        if explanation.shares_nothing:
            warnings.append(ProposalWarning(WarningCode.SHARES_NOTHING, index, ids))
            continue
        if not explanation.has_common_language:
            left_out = _left_out(group.members, explanation.languages, lambda member: member.language_keys)
            warnings.append(ProposalWarning(WarningCode.NO_COMMON_LANGUAGE, index, left_out))
        if not explanation.has_common_slot:
            left_out = _left_out(group.members, explanation.availability, lambda member: member.availability)
            warnings.append(ProposalWarning(WarningCode.NO_COMMON_SLOT, index, left_out))
    return warnings


# ----------------------------------------------------------------------------------------------------------------
# Proposing and editing


def propose_groups(
    mentees: Sequence[Mentee],
    sizes: SizeRules,
    *,
    seed: int = 0,
    name_formats: tuple[str, str] = DEFAULT_NAME_FORMATS,
) -> Proposal:
    """Splits all mentees into groups of similar people (see the module docstring)."""
    ordered = sorted(mentees, key=lambda mentee: mentee.id)
    for first, second in itertools.pairwise(ordered):
        if first.id == second.id:
            raise ValueError(f"Mentee {first.id} is given twice.")
    parts = _partition(ordered, plan_sizes(len(ordered), sizes), sizes, seed)
    groups = [ProposedGroup(members=_sorted_members(part)) for part in parts]
    return Proposal(groups=groups, sizes=sizes, name_formats=name_formats).recheck()


def _check_index(proposal: Proposal, index: int, *, allow_new: bool = False) -> None:
    limit = len(proposal.groups) + (1 if allow_new else 0)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < limit:
        raise ValueError(f"There is no group {index!r} in this proposal.")


def move(proposal: Proposal, mentee_id: int, to_group_index: int | None) -> Proposal:
    """Moves a mentee to another group; None leaves them unplaced, ``len(groups)`` starts a new group.

    A group left empty disappears (the groups after it move up one place).
    """
    current = proposal.group_of(mentee_id)
    if to_group_index is not None:
        _check_index(proposal, to_group_index, allow_new=True)
    if current == to_group_index:
        return proposal.recheck()
    mentee = next(member for member in proposal.mentees if member.id == mentee_id)
    groups = [
        dataclasses.replace(group, members=tuple(member for member in group.members if member.id != mentee_id))
        for group in proposal.groups
    ]
    unplaced = [member for member in proposal.unplaced if member.id != mentee_id]
    if to_group_index is None:
        unplaced.append(mentee)
    elif to_group_index == len(groups):
        groups.append(ProposedGroup(members=(mentee,)))
    else:
        target = groups[to_group_index]
        groups[to_group_index] = dataclasses.replace(target, members=_sorted_members((*target.members, mentee)))
    return dataclasses.replace(proposal, groups=groups, unplaced=unplaced).recheck()


def split(proposal: Proposal, group_index: int) -> Proposal:
    """Splits a group in two by the same similarity; the second half comes right after the first."""
    _check_index(proposal, group_index)
    group = proposal.groups[group_index]
    if len(group.members) < 2:
        raise ValueError("A group of one cannot be split.")
    ordered = sorted(group.members, key=lambda member: member.id)
    first, second = _partition(ordered, _even_sizes(len(ordered), 2), proposal.sizes, 0)
    halves = [
        dataclasses.replace(group, members=_sorted_members(first)),
        ProposedGroup(members=_sorted_members(second)),
    ]
    groups = [*proposal.groups[:group_index], *halves, *proposal.groups[group_index + 1 :]]
    return dataclasses.replace(proposal, groups=groups).recheck()


def merge(proposal: Proposal, a: int, b: int) -> Proposal:
    """Merges group b into group a (which keeps its place and, if the coordinator named it, its name)."""
    _check_index(proposal, a)
    _check_index(proposal, b)
    if a == b:
        raise ValueError("A group cannot be merged with itself.")
    into, other = proposal.groups[a], proposal.groups[b]
    merged = dataclasses.replace(into, members=_sorted_members((*into.members, *other.members)))
    if not into.custom_name and other.custom_name:
        merged = dataclasses.replace(merged, name=other.name, custom_name=True)
    groups = [merged if index == a else group for index, group in enumerate(proposal.groups) if index != b]
    return dataclasses.replace(proposal, groups=groups).recheck()


def rename(proposal: Proposal, index: int, name: str) -> Proposal:
    """Names a group; an empty name goes back to the suggestion. Names are unique, whatever the case."""
    _check_index(proposal, index)
    groups = list(proposal.groups)
    if not _clean(name or ""):
        groups[index] = dataclasses.replace(groups[index], custom_name=False)
    else:
        name = _valid_name(name)
        for other, group in enumerate(groups):
            if other != index and group.name.casefold() == name.casefold():
                raise ValueError(f"Group {other + 1} is already called {group.name!r}.")
        groups[index] = dataclasses.replace(groups[index], name=name, custom_name=True)
    return dataclasses.replace(proposal, groups=groups).recheck()
