"""Proposing mentee groups: the pure algorithm (no database)."""

from __future__ import annotations

import json
import random

import pytest

from groups.grouping_search import _Search
from groups.proposals import (
    Mentee,
    Proposal,
    ProposalWarning,
    ProposedGroup,
    Share,
    SizeRules,
    WarningCode,
    explain,
    group_similarity,
    mean_similarity,
    merge,
    move,
    plan_sizes,
    propose_groups,
    rename,
    similarity,
    split,
)

GOALS = ["Career change", "Leadership", "Starting a business", "Finding work", "Studies", "Networking"]
FIELDS = ["IT", "Health care", "Education", "Retail", ""]
LANGUAGES = ["German", "English", "Arabic", "Turkish"]
SLOTS = ["mornings", "afternoons", "evenings", "weekends"]


def person(
    id: int, *, goals=(), field: str = "", languages="English", slots=("evenings",), name: str | None = None
) -> Mentee:
    return Mentee(
        id=id,
        name=name or f"Mentee {id:02d}",
        goal_areas=frozenset(goals),
        field=field,
        languages=languages if isinstance(languages, str) else frozenset(languages),
        availability=frozenset(slots),
    )


def population(count: int, seed: int) -> list[Mentee]:
    rng = random.Random(seed)
    return [
        person(
            number,
            goals=rng.sample(GOALS, rng.choice([1, 2, 2, 3])),
            field=rng.choice(FIELDS),
            languages={rng.choices(LANGUAGES, [5, 3, 2, 1])[0]} | ({"English"} if rng.random() < 0.3 else set()),
            slots=rng.sample(SLOTS, rng.choice([1, 1, 2, 3])),
        )
        for number in range(1, count + 1)
    ]


def chunks(mentees: list[Mentee], sizes: SizeRules) -> list[list[Mentee]]:
    """The naive proposal: the list cut into groups of the planned sizes, in the order given."""
    groups, start = [], 0
    for size in plan_sizes(len(mentees), sizes):
        groups.append(mentees[start : start + size])
        start += size
    return groups


def codes(proposal: Proposal) -> list[str]:
    return [warning.code for warning in proposal.warnings]


# -- Mentees and similarity --------------------------------------------------------------------------------------


def test_a_mentee_is_compared_case_insensitively_but_keeps_how_it_was_written():
    mentee = Mentee(
        1, "Ana", frozenset({"Career change"}), " Health   Care ", "English, arabic ,, English", frozenset({"Evenings"})
    )
    assert mentee.field == "Health Care"
    assert mentee.field_key == "health care"
    assert mentee.languages == frozenset({"English", "arabic"})
    assert mentee.language_keys == frozenset({"english", "arabic"})
    assert mentee.availability == frozenset({"evenings"})
    other = person(2, field="health care", languages="ARABIC", slots=["evenings"])
    assert similarity(mentee, other) == pytest.approx(0.4 + 0.3 + 0.1)


def test_similarity_weighs_language_then_time_then_goals_then_field():
    a = person(1, goals=["Leadership", "Studies"], field="IT", languages="English", slots=["evenings"])
    assert similarity(a, a) == pytest.approx(1.0)
    assert similarity(a, person(2, languages="English", slots=["mornings"])) == pytest.approx(0.4)
    assert similarity(a, person(3, languages="Arabic", slots=["evenings", "weekends"])) == pytest.approx(0.3)
    # Goal areas by cosine: one shared of 2 and 1 -> 1 / sqrt(2).
    assert similarity(a, person(4, goals=["Studies"], languages="Turkish", slots=[])) == pytest.approx(0.2 / 2**0.5)
    assert similarity(a, person(5, field="it", languages="Turkish", slots=[])) == pytest.approx(0.1)
    assert similarity(a, person(6, languages="", slots=[])) == 0


def test_the_search_prices_groups_exactly_like_the_pairwise_similarity():
    """The group counters (inclusion-exclusion over languages and slots) agree with summing similarity()."""
    rng = random.Random(7)
    mentees = [
        person(
            number,
            goals=rng.sample(GOALS, rng.randint(0, 3)),
            field=rng.choice(FIELDS),
            languages=rng.sample(LANGUAGES, rng.randint(0, 4)),
            slots=rng.sample(SLOTS, rng.randint(0, 4)),
        )
        for number in range(60)
    ]
    search = _Search(mentees)
    search.start([list(range(start, start + 6)) for start in range(0, 60, 6)])
    search.improve(3, 8, None)
    for members, pairs in zip(search.members, search.pairs, strict=True):
        group = [mentees[i] for i in members]
        expected = sum(similarity(a, b) for index, a in enumerate(group) for b in group[index + 1 :])
        assert pairs == pytest.approx(expected)


# -- Sizes -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rules", [(3, 5, 6), (4, 4, 5)], ids=["3-5-6", "4-4-5"])
@pytest.mark.parametrize("n", range(61))
def test_everyone_is_placed_once_and_sizes_stay_within_the_limits_when_the_count_allows(rules, n):
    sizes = SizeRules(*rules)
    mentees = population(n, seed=n)
    proposal = propose_groups(mentees, sizes)
    placed = [member.id for group in proposal.groups for member in group.members]
    assert sorted(placed) == [mentee.id for mentee in mentees]
    assert proposal.unplaced == []
    possible = -(-n // sizes.maximum) <= n // sizes.minimum
    if possible:
        assert all(sizes.minimum <= len(group.members) <= sizes.maximum for group in proposal.groups)
        assert not {WarningCode.GROUP_TOO_SMALL, WarningCode.GROUP_TOO_LARGE} & set(codes(proposal))
    else:
        assert n == 0 or {WarningCode.TOO_FEW_MENTEES, WarningCode.GROUP_TOO_SMALL, WarningCode.GROUP_TOO_LARGE} & set(
            codes(proposal)
        )
    if n:
        assert len(proposal.groups) == len(plan_sizes(n, sizes))


@pytest.mark.parametrize(
    ("n", "rules", "expected"),
    [
        (0, (3, 5, 6), []),
        (2, (3, 5, 6), [2]),  # fewer than the minimum: one group, with a warning
        (10, (3, 5, 6), [5, 5]),
        (11, (3, 5, 6), [6, 5]),  # a mean of 5.5 is nearer the target than 3.7
        (9, (3, 4, 5), [5, 4]),  # not three groups of three
        (10, (3, 4, 5), [4, 3, 3]),  # 3.3 is nearer 4 than 5 is
        (12, (3, 4, 6), [4, 4, 4]),
        (14, (2, 3, 5), [3, 3, 3, 3, 2]),  # 2.8 is nearer 3 than 3.5 is
        (12, (3, 5, 6), [4, 4, 4]),  # 6 and 4 are as near 5: the smaller groups
        (13, (4, 4, 5), [5, 4, 4]),  # ceil(13 / 4) = 4 groups would be too small: 3
        (6, (4, 4, 5), [6]),  # no count fits: one place over the maximum beats two places under the minimum
        (7, (4, 4, 5), [4, 3]),
        (1000, (3, 5, 6), [5] * 200),
    ],
)
def test_the_number_of_groups_follows_the_target_within_the_limits(n, rules, expected):
    assert plan_sizes(n, SizeRules(*rules)) == expected


def test_size_rules_must_be_ordered():
    with pytest.raises(ValueError, match="minimum <= target <= maximum"):
        SizeRules(5, 4, 6)


def test_no_mentees_no_groups():
    proposal = propose_groups([], SizeRules(3, 5, 6))
    assert proposal.groups == [] and proposal.warnings == []


def test_too_few_mentees_make_one_group_with_a_warning():
    proposal = propose_groups([person(1), person(2)], SizeRules(3, 5, 6))
    assert [group.member_ids for group in proposal.groups] == [[1, 2]]
    assert proposal.warnings == [ProposalWarning(WarningCode.TOO_FEW_MENTEES, None, (1, 2))]


# -- Who ends up together ----------------------------------------------------------------------------------------


def test_people_with_the_same_language_and_time_end_up_together():
    """Five Arabic speakers free in the evenings and five English speakers free in the mornings, mixed up."""
    arabic = [person(id, languages="Arabic", slots=["evenings"], goals=["Studies"]) for id in range(1, 10, 2)]
    english = [person(id, languages="English", slots=["mornings"], goals=["Studies"]) for id in range(2, 11, 2)]
    mixed_up = [mentee for pair in zip(arabic, english, strict=True) for mentee in pair]
    proposal = propose_groups(mixed_up, SizeRules(3, 5, 6))
    assert sorted(sorted(group.member_ids) for group in proposal.groups) == [[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]]
    assert proposal.warnings == []
    assert proposal.similarity() == pytest.approx(0.4 + 0.3 + 0.2)


def test_a_bilingual_mentee_joins_the_group_that_needs_them():
    """Six Arabic speakers, three German speakers and one speaking both; groups of 4 to 6: 6 + 4, not 5 + 5."""
    arabic = [person(id, languages="Arabic") for id in range(1, 7)]
    german = [person(id, languages="German") for id in range(7, 10)]
    both = person(10, languages="Arabic, German")
    proposal = propose_groups([*arabic, *german, both], SizeRules(4, 5, 6))
    assert sorted(sorted(group.member_ids) for group in proposal.groups) == [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10]]
    assert proposal.warnings == []


def test_the_same_input_gives_the_same_proposal_whatever_its_order():
    mentees = population(47, seed=3)
    first = propose_groups(mentees, SizeRules(3, 5, 6)).to_data()
    assert propose_groups(mentees, SizeRules(3, 5, 6)).to_data() == first
    shuffled = list(mentees)
    random.Random(1).shuffle(shuffled)
    assert propose_groups(shuffled, SizeRules(3, 5, 6)).to_data() == first


def test_a_seed_gives_another_arrangement_that_is_just_as_repeatable():
    mentees = population(60, seed=4)
    seeded = propose_groups(mentees, SizeRules(3, 5, 6), seed=9)
    assert propose_groups(mentees, SizeRules(3, 5, 6), seed=9).to_data() == seeded.to_data()
    assert sorted(member.id for member in seeded.mentees) == [mentee.id for mentee in mentees]


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="Mentee 1 is given twice"):
        propose_groups([person(1), person(1)], SizeRules(3, 5, 6))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_proposal_is_clearly_better_than_cutting_the_list_in_order(seed):
    mentees = population(120, seed=seed)
    sizes = SizeRules(3, 5, 6)
    proposal = propose_groups(mentees, sizes)
    naive = mean_similarity(chunks(mentees, sizes))
    assert proposal.similarity() > naive + 0.25
    assert proposal.similarity() > 1.5 * naive


# -- Explanations and names --------------------------------------------------------------------------------------


def test_the_explanation_says_exactly_what_the_members_share_and_where_they_differ():
    ana = person(1, goals=["Career change", "Leadership"], field="IT", languages="English, Arabic", slots=["evenings"])
    ben = person(2, goals=["Career change"], field="it ", languages="english", slots=["evenings", "weekends"])
    cem = person(3, goals=["Career change", "Studies"], field="IT", languages="English", slots=["evenings", "weekends"])
    dora = person(4, goals=["Leadership"], field="Retail", languages="Turkish", slots=["evenings", "mornings"])
    explanation = ProposedGroup(members=(ana, ben, cem, dora)).explanation()
    assert explanation.size == 4
    assert explanation.goal_areas == (Share("Career change", 3, 4), Share("Leadership", 2, 4))
    assert explanation.common_goal_areas == []
    assert explanation.unique_goal_areas == (("Studies", cem),)
    assert explanation.languages == (Share("English", 3, 4),)
    assert not explanation.has_common_language
    assert explanation.without_shared_language == (dora,)
    assert explanation.availability == (Share("evenings", 4, 4), Share("weekends", 2, 4))
    assert explanation.common_slots == ["evenings"]
    assert explanation.without_shared_slot == ()
    assert explanation.fields == (Share("IT", 3, 4),)
    assert explanation.common_field is None
    assert not explanation.shares_nothing


def test_a_group_that_shares_everything_says_so():
    members = [person(id, goals=["Studies"], field="Retail", languages="German", slots=["weekends"]) for id in range(3)]
    explanation = explain(members)
    assert explanation.common_goal_areas == ["Studies"]
    assert explanation.common_languages == ["German"]
    assert explanation.common_slots == ["weekends"]
    assert explanation.common_field == "Retail"
    assert explanation.unique_goal_areas == ()
    assert group_similarity(members) == pytest.approx(1.0)


def test_suggested_names_come_from_the_most_shared_goal_area_and_are_unique():
    career = [person(id, goals=["Career change"], languages="Arabic") for id in range(1, 6)]
    also_career = [person(id, goals=["Career change"], languages="German") for id in range(6, 11)]
    nothing_shared = [person(id, goals=[GOALS[id - 11]], languages="Turkish") for id in range(11, 15)]
    proposal = propose_groups([*career, *also_career, *nothing_shared], SizeRules(3, 5, 6))
    names = [group.name for group in proposal.groups]
    assert sorted(names) == ["Group 1: Career change", "Group 2: Career change", "Group 3"]
    formats = ("Gruppe {number}: {topic}", "Gruppe {number}")
    translated = propose_groups(career, SizeRules(3, 5, 6), name_formats=formats)
    assert translated.groups[0].name == "Gruppe 1: Career change"


# -- Warnings ----------------------------------------------------------------------------------------------------


def test_a_group_whose_members_share_nothing_is_flagged():
    strangers = [
        person(1, goals=["Studies"], languages="Arabic", slots=["mornings"], field="IT"),
        person(2, goals=["Leadership"], languages="German", slots=["evenings"], field="Retail"),
        person(3, goals=["Networking"], languages="Turkish", slots=["weekends"]),
    ]
    proposal = propose_groups(strangers, SizeRules(3, 5, 6))
    assert proposal.warnings == [ProposalWarning(WarningCode.SHARES_NOTHING, 0, (1, 2, 3))]
    assert proposal.groups[0].explanation().shares_nothing


def test_a_group_without_a_common_language_names_who_does_not_speak_the_main_one():
    members = [person(id, languages="German", goals=["Studies"]) for id in (1, 2, 3)] + [
        person(4, languages="Arabic", goals=["Studies"])
    ]
    proposal = propose_groups(members, SizeRules(3, 5, 6))
    assert proposal.warnings == [ProposalWarning(WarningCode.NO_COMMON_LANGUAGE, 0, (4,))]


def test_a_group_without_a_common_time_slot_is_flagged():
    members = [person(1, slots=["mornings"]), person(2, slots=["mornings"]), person(3, slots=["weekends"])]
    proposal = propose_groups(members, SizeRules(3, 5, 6))
    assert proposal.warnings == [ProposalWarning(WarningCode.NO_COMMON_SLOT, 0, (3,))]


# -- Editing -----------------------------------------------------------------------------------------------------


@pytest.fixture
def two_groups() -> Proposal:
    arabic = [person(id, languages="Arabic", goals=["Career change"]) for id in range(1, 6)]
    german = [person(id, languages="German", goals=["Studies"]) for id in range(6, 11)]
    return propose_groups([*arabic, *german], SizeRules(3, 5, 6))


def test_moving_a_mentee_rechecks_the_warnings(two_groups):
    arabic_index = two_groups.group_of(1)
    german_index = 1 - arabic_index
    moved = move(two_groups, 1, german_index)
    assert two_groups.group_of(1) == arabic_index  # the original is unchanged
    assert 1 in moved.groups[german_index].member_ids
    assert moved.warnings == [ProposalWarning(WarningCode.NO_COMMON_LANGUAGE, german_index, (1,))]
    more = move(move(moved, 2, german_index), 3, german_index)
    assert ProposalWarning(WarningCode.GROUP_TOO_SMALL, arabic_index, (4, 5)) in more.warnings
    assert ProposalWarning(WarningCode.GROUP_TOO_LARGE, german_index, (1, 2, 3, 6, 7, 8, 9, 10)) in more.warnings


def test_a_mentee_can_be_left_unplaced_put_in_a_new_group_and_a_group_left_empty_disappears(two_groups):
    unplaced = move(two_groups, 1, None)
    assert [member.id for member in unplaced.unplaced] == [1]
    assert ProposalWarning(WarningCode.UNPLACED, None, (1,)) in unplaced.warnings
    alone = move(unplaced, 1, len(unplaced.groups))
    assert alone.unplaced == [] and alone.groups[-1].member_ids == [1]
    assert ProposalWarning(WarningCode.GROUP_TOO_SMALL, 2, (1,)) in alone.warnings
    back = move(alone, 1, alone.group_of(2))
    assert len(back.groups) == 2 and back.warnings == []
    with pytest.raises(ValueError, match="no group 7"):
        move(two_groups, 1, 7)
    with pytest.raises(ValueError, match="Mentee 99 is not in this proposal"):
        move(two_groups, 99, 0)


def test_splitting_keeps_similar_people_together_and_merging_puts_groups_back():
    mentees = [person(id, languages="Arabic", goals=["Career change"]) for id in range(1, 4)] + [
        person(id, languages="Arabic", goals=["Studies"]) for id in range(4, 7)
    ]
    proposal = propose_groups(mentees, SizeRules(3, 6, 6))
    assert len(proposal.groups) == 1
    halves = split(proposal, 0)
    assert sorted(sorted(group.member_ids) for group in halves.groups) == [[1, 2, 3], [4, 5, 6]]
    assert [group.name for group in halves.groups] == [
        f"Group 1: {halves.groups[0].topic}",
        f"Group 2: {halves.groups[1].topic}",
    ]
    merged = merge(halves, 0, 1)
    assert len(merged.groups) == 1 and sorted(merged.groups[0].member_ids) == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError, match="with itself"):
        merge(halves, 1, 1)
    with pytest.raises(ValueError, match="cannot be split"):
        split(move(proposal, 1, 1), 1)


def test_renaming_keeps_the_name_through_edits_and_names_stay_unique(two_groups):
    named = rename(two_groups, 0, "  Evening   circle ")
    assert named.groups[0].name == "Evening circle" and named.groups[0].custom_name
    assert split(named, 0).groups[0].name == "Evening circle"
    assert merge(named, 1, 0).groups[0].name == "Evening circle"
    with pytest.raises(ValueError, match="already called"):
        rename(named, 1, "EVENING CIRCLE")
    with pytest.raises(ValueError, match="at most 120"):
        rename(named, 1, "x" * 121)
    assert rename(named, 0, "").groups[0].name == two_groups.groups[0].name


# -- Keeping an unsaved proposal ---------------------------------------------------------------------------------


def test_a_proposal_survives_the_session_as_ids_and_names(two_groups):
    edited = rename(move(two_groups, 1, None), 1, "Weekend group")
    data = json.loads(json.dumps(edited.to_data()))
    assert data["groups"][1] == {
        "name": "Weekend group",
        "custom_name": True,
        "members": edited.groups[1].member_ids,
    }
    by_id = {mentee.id: mentee for mentee in two_groups.mentees}
    restored = Proposal.from_data(data, by_id)
    assert restored == edited
    assert restored.to_data() == data


def test_fresh_mentee_data_is_used_and_newcomers_come_back_unplaced(two_groups):
    by_id = {mentee.id: mentee for mentee in two_groups.mentees}
    by_id[1] = person(1, languages="German", goals=["Career change"])  # changed their application
    by_id[11] = person(11)  # accepted since
    restored = Proposal.from_data(two_groups.to_data(), by_id)
    assert [member.id for member in restored.unplaced] == [11]
    assert ProposalWarning(WarningCode.NO_COMMON_LANGUAGE, restored.group_of(1), (1,)) in restored.warnings


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data["groups"][0]["members"].append(99), "no mentee with id 99"),
        (lambda data: data["groups"][1]["members"].append(data["groups"][0]["members"][0]), "appears twice"),
        (lambda data: data["unplaced"].append("1"), "'1' is not a mentee id"),
        (lambda data: data.update(version=0), "not a saved group proposal"),
        (lambda data: data.update(groups={}), "no list of groups"),
        (lambda data: data["groups"][0].update(members=None), "Group 1 of the saved proposal has no list of members"),
        (lambda data: data.pop("sizes"), "no valid group sizes"),
        (
            lambda data: [group.update(name="Same", custom_name=True) for group in data["groups"]],
            "are called 'Same'",
        ),
    ],
)
def test_saved_data_that_does_not_fit_is_refused_clearly(two_groups, change, message):
    data = json.loads(json.dumps(two_groups.to_data()))
    change(data)
    with pytest.raises(ValueError, match=message):
        Proposal.from_data(data, {mentee.id: mentee for mentee in two_groups.mentees})
