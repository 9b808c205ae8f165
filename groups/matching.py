"""Matching mentors to mentoring groups: a score per group and mentor, a ranked list per group, and the best set of
mentors for all unmatched groups at once.

Pure algorithm over plain, frozen values: no database, no Django. The pages build `GroupNeeds` and
`MentorCandidate` values from the data and show what comes back.

The score
=========
`score(group, mentor)` gives 0-100 points, the sum of one `Criterion` per row of `WEIGHTS`, in this order:

=============  ====  ==========================================================================================
code           max   points
=============  ====  ==========================================================================================
expertise      40    How much of what the members want to work on the mentor's expertise covers. Each goal area
                     counts as many times as members chose it; its coverage is the share of its keywords found
                     among the keywords of the mentor's expertise (see `keywords`: case, accents, plurals and
                     small words do not matter), so "Starting a business" is half covered by "Business law".
gender         10    The group's wished gender: full if the mentor's gender is the one wished, half if the
                     mentor did not say, none otherwise.
age             5    The group's wished age (younger / about the same age / older than the members): full if the
                     mentor's age band fits, half if either side's age is unknown, none otherwise.
background     10    The keywords the members wish to see in the mentor's background, found in the mentor's
                     background or expertise: each match is worth a third, up to full points.
language       15    Full if the mentor speaks a language that every member speaks. A mentor who does not gets
                     none and the pair is *blocking*.
availability   15    Full if the mentor can meet in at least one slot that every member can make.
capacity        5    Full if the mentor has a free place. A mentor with none gets none and is *blocking*.
=============  ====  ==========================================================================================

A criterion the group says nothing about (no goal areas, no wish, no language or availability given) is not
assessed: it gives full points to every mentor, so missing data never pushes one mentor below another. Its
detail says ``"assessed": False``. A group that gave languages but has none in common cannot get any mentor.

Points are kept in tenths internally so that totals add up exactly; `Criterion.points` and `Score.total` are
floats with one decimal. Each criterion's `detail` is a plain dict of what was matched (goal areas, languages,
slots...) for the page to explain the score.

A blocking pair (no shared language, no free place) is never proposed automatically; `rank` lists such mentors
last and `Score.blocking` names the criteria that block.

Proposing mentors for all groups
================================
`propose_all` solves the assignment problem exactly: every group at most one mentor, every mentor at most
`capacity` groups, no blocking pair. Among all such assignments it first matches as many groups as possible and
then, among those, maximises the total score. (Maximising the score alone could leave a group without a mentor
to give another one a slightly better match; a coordinator would rather have every group matched.)

Method: the Hungarian algorithm (Kuhn-Munkres) in its shortest-augmenting-path form with dual potentials (as in
Jonker-Volgenant and in SciPy's `linear_sum_assignment`, after Crouse 2016), O(n^2 m) for n groups and m columns.
Each mentor becomes `capacity` identical slot columns; the cost of a pair is ``1000 - score in tenths`` and a
blocking pair costs ``1000 n + 1``, more than any total of allowed pairs, so the solver uses as few blocking pairs
as it can, and they are dropped from the result: those groups are unmatched. The solver gives every row a column,
so rows are groups when there are at least as many slots as groups, and slots otherwise. Costs are integers, so the
result is exact, and groups and mentors are put in a canonical order first (group id; mentor name then id), so the
same input in any order gives the same proposal. The inner loop works on whole rows with `map` and `compress`; see
`bench/bench_matching.py` for its speed.

`greedy` (each group in turn takes its best mentor with a place left) is the naive alternative, kept to show in
tests and in the benchmark what the optimal assignment gains.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from groups.assignment import solve_assignment

# Criteria, in the order a score lists them, and their maximum points (they add up to 100).
EXPERTISE = "expertise"
GENDER = "gender"
AGE = "age"
BACKGROUND = "background"
LANGUAGE = "language"
AVAILABILITY = "availability"
CAPACITY = "capacity"

WEIGHT_EXPERTISE = 40
WEIGHT_GENDER = 10
WEIGHT_AGE = 5
WEIGHT_BACKGROUND = 10
WEIGHT_LANGUAGE = 15
WEIGHT_AVAILABILITY = 15
WEIGHT_CAPACITY = 5

WEIGHTS: dict[str, int] = {
    EXPERTISE: WEIGHT_EXPERTISE,
    GENDER: WEIGHT_GENDER,
    AGE: WEIGHT_AGE,
    BACKGROUND: WEIGHT_BACKGROUND,
    LANGUAGE: WEIGHT_LANGUAGE,
    AVAILABILITY: WEIGHT_AVAILABILITY,
    CAPACITY: WEIGHT_CAPACITY,
}

# How many matching background keywords give the background criterion its full points.
BACKGROUND_KEYWORDS_FOR_FULL_POINTS = 3

# The values of programmes.models.profiles.AgeBand (youngest first), AgePreference and GenderPreference.
AGE_BANDS = ("under_30", "30_44", "45_59", "60_plus")
YOUNGER, SIMILAR, OLDER = "younger", "similar", "older"

# Why a group is left without a mentor.
NO_CAPACITY = "no capacity"  # mentors who could take it have no place left
NO_SHARED_LANGUAGE = "no shared language"  # no mentor speaks a language that every member speaks

# Words that say nothing about a subject.
STOP_WORDS = frozenset(
    "a an and as at by for from in into of on or our the their to with my your own".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W_]+")


# --- Inputs -----------------------------------------------------------------------------------------------------


def _frozen(values: Iterable[str]) -> frozenset[str]:
    return frozenset(value.strip() for value in values if value and value.strip())


def _pairs(values: Mapping[str, int] | Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    items = values.items() if isinstance(values, Mapping) else values
    return tuple((name.strip(), int(count)) for name, count in items if name and name.strip() and count > 0)


@dataclass(frozen=True)
class MentorCandidate:
    """A mentor as matching sees them. `capacity` is the number of free places now (max_groups minus the groups they
    already have). `expertise` items are the comma-separated parts of the profile's expertise; `background` holds
    the words or phrases of their background and education (free text is fine: only its keywords count)."""

    id: int
    name: str
    expertise: frozenset[str]
    languages: frozenset[str]
    availability: frozenset[str]
    gender: str
    age_band: str
    capacity: int
    background: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("expertise", "languages", "availability", "background"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))


@dataclass(frozen=True)
class GroupNeeds:
    """What a group's members want from a mentor, put together from their applications (see `from_members`).

    - `goal_areas`: (goal area name, number of members who chose it) pairs; a mapping is accepted and stored as pairs.
    - `languages`: the languages every member speaks; `member_languages`: every language some member speaks, with
      how many do (pairs, or a mapping).
    - `availability`: the slots ("mornings", "afternoons", "evenings", "weekends") every member can make. Empty
      when unknown, or when the members have no slot in common: either way it cannot tell mentors apart.
    - `wished_gender`: "woman", "man" or "" (no preference); `wished_age`: "younger", "similar", "older" or "",
      relative to `member_age_bands`, the age bands of the members who gave one.
    - `wished_background`: words or phrases the members hope to find in the mentor's background or expertise.
    - `size`: the number of members.
    """

    id: int
    name: str
    goal_areas: tuple[tuple[str, int], ...] = ()
    languages: frozenset[str] = frozenset()
    member_languages: tuple[tuple[str, int], ...] = ()
    availability: frozenset[str] = frozenset()
    wished_gender: str = ""
    wished_age: str = ""
    member_age_bands: frozenset[str] = frozenset()
    wished_background: frozenset[str] = frozenset()
    size: int = 0

    def __post_init__(self) -> None:
        for name in ("goal_areas", "member_languages"):
            object.__setattr__(self, name, _pairs(getattr(self, name)))
        for name in ("languages", "availability", "member_age_bands", "wished_background"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    @classmethod
    def from_members(cls, id: int, name: str, members: Sequence[MenteeWishes]) -> GroupNeeds:
        """The group's needs from its members' wishes. Common languages and slots are those of every member who gave
        any (a member who left them empty does not empty the group's); a wished gender or age counts for the group
        when more than half of the members share it."""
        areas = Counter(area for member in members for area in sorted(member.goal_areas))
        spoken: dict[str, list] = {}
        for member in members:
            for language in sorted(member.languages):
                spoken.setdefault(_key(language), [language, 0])[1] += 1
        speakers = [member for member in members if member.languages]
        common_keys = set.intersection(*({_key(x) for x in m.languages} for m in speakers)) if speakers else set()
        slotted = [member.availability for member in members if member.availability]
        majority = len(members) / 2

        def wished(values: Iterable[str]) -> str:
            value, count = (Counter(v for v in values if v).most_common(1) or [("", 0)])[0]
            return value if count > majority else ""

        return cls(
            id=id,
            name=name,
            goal_areas=tuple(sorted(areas.items(), key=lambda pair: -pair[1])),
            languages=frozenset(spoken[key][0] for key in common_keys),
            member_languages=tuple((display, count) for display, count in spoken.values()),
            availability=frozenset.intersection(*slotted) if slotted else frozenset(),
            wished_gender=wished(member.gender_preference for member in members),
            wished_age=wished(member.age_preference for member in members),
            member_age_bands=frozenset(member.age_band for member in members if member.age_band),
            wished_background=frozenset().union(*(keywords(member.background_wishes) for member in members)),
            size=len(members),
        )


@dataclass(frozen=True)
class MenteeWishes:
    """One mentee's part of `GroupNeeds`, from their application. `background_wishes` is free text (their ideal
    mentor, the mentor's background and education); only its keywords count."""

    goal_areas: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    age_band: str = ""
    gender_preference: str = ""
    age_preference: str = ""
    background_wishes: str = ""

    def __post_init__(self) -> None:
        for name in ("goal_areas", "languages", "availability"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))


# --- Outputs ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    code: str
    points: float
    max_points: int
    detail: dict[str, Any]
    blocking: bool = False


@dataclass(frozen=True)
class Score:
    total: float
    criteria: tuple[Criterion, ...]

    @property
    def blocking(self) -> tuple[str, ...]:
        """The codes of the criteria that rule the pair out of automatic proposals; empty if none does."""
        return tuple(criterion.code for criterion in self.criteria if criterion.blocking)

    def criterion(self, code: str) -> Criterion:
        return next(criterion for criterion in self.criteria if criterion.code == code)


class Ranked(NamedTuple):
    mentor: MentorCandidate
    score: Score

    @property
    def blocking(self) -> bool:
        return bool(self.score.blocking)


@dataclass(frozen=True)
class Proposal:
    group: GroupNeeds
    mentor: MentorCandidate
    score: Score


@dataclass(frozen=True)
class Unmatched:
    group: GroupNeeds
    reason: str  # NO_CAPACITY or NO_SHARED_LANGUAGE


@dataclass(frozen=True)
class Assignment:
    proposals: tuple[Proposal, ...]  # in the order the groups were given
    unmatched: tuple[Unmatched, ...]

    @property
    def total(self) -> float:
        return sum(round(proposal.score.total * 10) for proposal in self.proposals) / 10

    @property
    def pairs(self) -> dict[int, int]:
        """Group id -> mentor id."""
        return {proposal.group.id: proposal.mentor.id for proposal in self.proposals}


# --- Scoring ----------------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """'  Français ' -> 'francais': what two spellings of the same language or slot have in common."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(char for char in text if not unicodedata.combining(char)).split())


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=8192)
def keywords(text: str) -> frozenset[str]:
    """The words of `text` that matching compares: lower case, without accents, plurals or small words.
    'Starting a Business, Careers' -> {'starting', 'business', 'career'}."""
    return frozenset(_stem(word) for word in _WORD.findall(_key(text)) if len(word) > 1 and word not in STOP_WORDS)


class _Mentor:
    """A mentor's data in the form scoring compares, computed once per mentor."""

    def __init__(self, candidate: MentorCandidate) -> None:
        self.candidate = candidate
        self.expertise = tuple((item, keywords(item)) for item in sorted(candidate.expertise, key=str.casefold))
        self.expertise_words = frozenset().union(*(words for _, words in self.expertise))
        self.background_words = self.expertise_words.union(*(keywords(item) for item in candidate.background))
        self.languages = {_key(language): language for language in candidate.languages}
        self.availability = frozenset(_key(slot) for slot in candidate.availability)
        self.gender = _key(candidate.gender)
        self.age_rank = AGE_BANDS.index(candidate.age_band) if candidate.age_band in AGE_BANDS else None


class _Group:
    """A group's needs in the form scoring compares, computed once per group."""

    def __init__(self, needs: GroupNeeds) -> None:
        self.needs = needs
        self.areas = tuple((name, count, keywords(name)) for name, count in needs.goal_areas if keywords(name))
        self.wanted = sum(count for _, count, _ in self.areas)
        self.languages = {_key(language): language for language in needs.languages}
        self.spoken = {_key(language): (language, count) for language, count in needs.member_languages}
        self.availability = frozenset(_key(slot) for slot in needs.availability)
        self.gender = _key(needs.wished_gender)
        self.wished_age = _key(needs.wished_age)
        self.age_ranks = sorted(AGE_BANDS.index(band) for band in needs.member_age_bands if band in AGE_BANDS)
        self.background = frozenset().union(*(keywords(item) for item in needs.wished_background))


def _expertise(group: _Group, mentor: _Mentor, explain: bool) -> tuple[int, dict | None]:
    full = WEIGHT_EXPERTISE * 10
    if not group.areas:
        return full, {"assessed": False, "areas": ()} if explain else None
    known = mentor.expertise_words
    covered = sum(count * len(words & known) / len(words) for _, count, words in group.areas)
    tenths = round(full * covered / group.wanted)
    if not explain:
        return tenths, None
    areas = []
    for name, count, words in group.areas:
        matched = words & known
        areas.append(
            {
                "area": name,
                "wanted_by": count,
                "coverage": round(len(matched) / len(words), 2),
                "matched_words": tuple(sorted(matched)),
                "expertise": tuple(item for item, item_words in mentor.expertise if item_words & matched),
            }
        )
    return tenths, {"assessed": True, "areas": tuple(areas)}


def _gender(group: _Group, mentor: _Mentor, explain: bool) -> tuple[int, dict | None]:
    full = WEIGHT_GENDER * 10
    if not group.gender:
        met, tenths = None, full
    elif not mentor.gender:
        met, tenths = None, full // 2
    else:
        met = mentor.gender == group.gender
        tenths = full if met else 0
    detail = {"assessed": bool(group.gender), "wished": group.gender, "mentor": mentor.gender, "met": met}
    return tenths, detail if explain else None


def _age(group: _Group, mentor: _Mentor, explain: bool) -> tuple[int, dict | None]:
    full = WEIGHT_AGE * 10
    wish, ranks, own = group.wished_age, group.age_ranks, mentor.age_rank
    if not wish:
        met, tenths = None, full
    elif own is None or not ranks:
        met, tenths = None, full // 2
    else:
        met = (own < ranks[0]) if wish == YOUNGER else (own > ranks[-1]) if wish == OLDER else (own in ranks)
        tenths = full if met else 0
    if not explain:
        return tenths, None
    return tenths, {
        "assessed": bool(wish),
        "wished": wish,
        "mentor": mentor.candidate.age_band,
        "members": tuple(AGE_BANDS[r] for r in sorted(set(ranks))),
        "met": met,
    }


def _background(group: _Group, mentor: _Mentor, explain: bool) -> tuple[int, dict | None]:
    full = WEIGHT_BACKGROUND * 10
    if not group.background:
        return full, {"assessed": False, "wished": (), "matched": ()} if explain else None
    matched = group.background & mentor.background_words
    needed = min(BACKGROUND_KEYWORDS_FOR_FULL_POINTS, len(group.background))
    tenths = round(full * min(len(matched), needed) / needed)
    if not explain:
        return tenths, None
    return tenths, {"assessed": True, "wished": tuple(sorted(group.background)), "matched": tuple(sorted(matched))}


def _language(group: _Group, mentor: _Mentor, explain: bool) -> tuple[int, dict | None]:
    """(tenths, detail); a detail is always returned because it says whether the pair is blocking."""
    assessed = bool(group.languages or group.spoken)
    shared = sorted(group.languages[key] for key in group.languages.keys() & mentor.languages.keys())
    tenths = WEIGHT_LANGUAGE * 10 if shared or not assessed else 0
    detail = {"assessed": assessed, "shared": tuple(shared), "blocking": assessed and not shared}
    if explain:
        detail["group"] = tuple(sorted(group.languages.values()))
        detail["also_spoken"] = {
            group.spoken[key][0]: group.spoken[key][1]
            for key in sorted(group.spoken.keys() & mentor.languages.keys() - group.languages.keys())
        }
    return tenths, detail


def _availability(group: _Group, mentor: _Mentor, explain: bool) -> tuple[int, dict | None]:
    full = WEIGHT_AVAILABILITY * 10
    if not group.availability:
        return full, {"assessed": False, "shared": (), "group": ()} if explain else None
    shared = group.availability & mentor.availability
    tenths = full if shared else 0
    if not explain:
        return tenths, None
    return tenths, {"assessed": True, "shared": tuple(sorted(shared)), "group": tuple(sorted(group.availability))}


def _evaluate(group: _Group, mentor: _Mentor) -> tuple[int, bool, bool]:
    """(total in tenths, blocked by language, blocked by capacity) without building the explanation."""
    language, detail = _language(group, mentor, False)
    free = mentor.candidate.capacity > 0
    tenths = (
        _expertise(group, mentor, False)[0]
        + _gender(group, mentor, False)[0]
        + _age(group, mentor, False)[0]
        + _background(group, mentor, False)[0]
        + language
        + _availability(group, mentor, False)[0]
        + (WEIGHT_CAPACITY * 10 if free else 0)
    )
    return tenths, detail["blocking"], not free


def _score(group: _Group, mentor: _Mentor) -> Score:
    criteria = []
    for code, evaluate in (
        (EXPERTISE, _expertise),
        (GENDER, _gender),
        (AGE, _age),
        (BACKGROUND, _background),
        (LANGUAGE, _language),
        (AVAILABILITY, _availability),
    ):
        tenths, detail = evaluate(group, mentor, True)
        blocking = bool(detail.pop("blocking", False))
        criteria.append(Criterion(code, tenths / 10, WEIGHTS[code], detail, blocking))
    free = mentor.candidate.capacity
    points = float(WEIGHT_CAPACITY if free > 0 else 0)
    criteria.append(Criterion(CAPACITY, points, WEIGHT_CAPACITY, {"free_places": free}, blocking=free <= 0))
    return Score(total=sum(round(criterion.points * 10) for criterion in criteria) / 10, criteria=tuple(criteria))


def score(group: GroupNeeds, mentor: MentorCandidate) -> Score:
    """How well `mentor` suits `group`, criterion by criterion (see the module's documentation)."""
    return _score(_Group(group), _Mentor(mentor))


def _mentor_order(mentor: MentorCandidate) -> tuple:
    return (mentor.name.casefold(), mentor.name, mentor.id)


def rank(group: GroupNeeds, mentors: Iterable[MentorCandidate]) -> list[Ranked]:
    """Every mentor with their score for `group`, best first; equal scores by name, then id; blocking mentors last
    (`Ranked.blocking`), in the same order among themselves."""
    prepared = _Group(group)
    ranked = [Ranked(mentor, _score(prepared, _Mentor(mentor))) for mentor in mentors]
    ranked.sort(key=lambda pair: (bool(pair.score.blocking), -pair.score.total, *_mentor_order(pair.mentor)))
    return ranked


# --- Proposing mentors for all groups ---------------------------------------------------------------------------


def _unmatched_reason(evaluations: Iterable[tuple[int, bool, bool]]) -> str:
    """Why a group is left without a mentor: NO_SHARED_LANGUAGE if there are mentors but none of them speaks a
    language every member speaks; otherwise NO_CAPACITY (those who do have no place left, or there are no mentors)."""
    evaluations = list(evaluations)
    if evaluations and all(language for _, language, _ in evaluations):
        return NO_SHARED_LANGUAGE
    return NO_CAPACITY


def propose_all(groups: Iterable[GroupNeeds], mentors: Iterable[MentorCandidate]) -> Assignment:
    """The best mentor for each of `groups` (the unmatched ones): as many groups matched as possible, then the
    highest total score, never more than a mentor's `capacity` groups, never a blocking pair."""
    groups = list(groups)
    order = sorted(range(len(groups)), key=lambda index: (groups[index].id, groups[index].name))
    mentor_list = sorted(mentors, key=_mentor_order)
    prepared_groups = [_Group(groups[index]) for index in order]
    prepared_mentors = [_Mentor(mentor) for mentor in mentor_list]
    evaluations = [[_evaluate(group, mentor) for mentor in prepared_mentors] for group in prepared_groups]

    # Only groups with at least one allowed mentor take part; the others are unmatched whatever happens.
    rows = [row for row, pairs in enumerate(evaluations) if any(not (language or full) for _, language, full in pairs)]
    n = len(rows)
    # One column per free place (no more than there are groups); a mentor with no place gets no column.
    slot_mentor = [index for index, m in enumerate(mentor_list) for _ in range(max(0, min(m.capacity, n)))]
    slots = len(slot_mentor)
    forbidden = 1000 * n + 1
    cost = []
    for row in rows:
        mentor_costs = [forbidden if language or full else 1000 - tenths for tenths, language, full in evaluations[row]]
        cost.append([mentor_costs[index] for index in slot_mentor])
    if slots >= n:
        column_of = solve_assignment(cost, slots)
    else:  # fewer places than groups: give every place a group instead
        column_of = [-1] * n
        for column, row in enumerate(
            solve_assignment([list(column) for column in zip(*cost, strict=True)], n) if slots else ()
        ):
            column_of[row] = column
    mentor_of: dict[int, int] = {}  # group row -> mentor; the forbidden pairs the solver had to use are dropped
    for k, column in enumerate(column_of):
        if column >= 0 and cost[k][column] < forbidden:
            mentor_of[rows[k]] = slot_mentor[column]

    chosen: dict[int, Proposal] = {}
    left_out: dict[int, Unmatched] = {}
    for row, index in enumerate(order):
        if row in mentor_of:
            mentor = mentor_of[row]
            explained = _score(prepared_groups[row], prepared_mentors[mentor])
            chosen[index] = Proposal(groups[index], mentor_list[mentor], explained)
        else:
            left_out[index] = Unmatched(groups[index], _unmatched_reason(evaluations[row]))
    return Assignment(
        proposals=tuple(chosen[index] for index in range(len(groups)) if index in chosen),
        unmatched=tuple(left_out[index] for index in range(len(groups)) if index in left_out),
    )


def greedy(groups: Iterable[GroupNeeds], mentors: Iterable[MentorCandidate]) -> Assignment:
    """The naive way, for comparison only: each group in turn takes its best-ranked mentor who still has a place."""
    mentor_list = list(mentors)
    left = {id(mentor): mentor.capacity for mentor in mentor_list}
    proposals, unmatched = [], []
    for group in groups:
        ranked = rank(group, mentor_list)
        pick = next((r for r in ranked if not r.blocking and left[id(r.mentor)] > 0), None)
        if pick is None:
            prepared = _Group(group)
            reason = _unmatched_reason(_evaluate(prepared, _Mentor(mentor)) for mentor in mentor_list)
            unmatched.append(Unmatched(group, reason))
        else:
            left[id(pick.mentor)] -= 1
            proposals.append(Proposal(group, pick.mentor, pick.score))
    return Assignment(proposals=tuple(proposals), unmatched=tuple(unmatched))
