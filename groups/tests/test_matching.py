"""Suggesting mentors for a group, and proposing the best mentors for all unmatched groups at once.

Plain values in, plain values out: no database.
"""

from __future__ import annotations

import random
from itertools import permutations

import pytest

from groups.assignment import solve_assignment
from groups.matching import (
    AGE_BANDS,
    NO_CAPACITY,
    NO_SHARED_LANGUAGE,
    WEIGHTS,
    GroupNeeds,
    MenteeWishes,
    MentorCandidate,
    greedy,
    keywords,
    propose_all,
    rank,
    score,
)

CRITERIA = ["expertise", "gender", "age", "background", "language", "availability", "capacity"]


def a_mentor(id: int = 1, name: str = "Mentor", **fields) -> MentorCandidate:
    values = {
        "expertise": {"career coaching"},
        "languages": {"English"},
        "availability": {"evenings"},
        "gender": "woman",
        "age_band": "45_59",
        "capacity": 1,
    }
    return MentorCandidate(id=id, name=name, **{**values, **fields})


def a_group(id: int = 1, name: str = "Group", **fields) -> GroupNeeds:
    values = {
        "goal_areas": {"Career change": 4},
        "languages": {"English"},
        "member_languages": {"English": 4},
        "availability": {"evenings"},
    }
    return GroupNeeds(id=id, name=name, **{**values, **fields})


def tenths(value: float) -> int:
    return round(value * 10)


# --- The score, criterion by criterion -------------------------------------------------------------------------


def test_the_weights_add_up_to_100_in_the_documented_order():
    assert list(WEIGHTS) == CRITERIA
    assert sum(WEIGHTS.values()) == 100


def test_the_breakdown_adds_up_to_the_total():
    group = a_group(
        goal_areas={"Starting a business": 3, "Public speaking": 1},
        wished_gender="woman",
        wished_age="older",
        member_age_bands={"under_30", "30_44"},
        wished_background={"teaching"},
    )
    mentor = a_mentor(expertise={"Business law", "public speaking"}, background={"Secondary school teaching"})
    result = score(group, mentor)

    assert [criterion.code for criterion in result.criteria] == CRITERIA
    assert [criterion.max_points for criterion in result.criteria] == [WEIGHTS[code] for code in CRITERIA]
    assert sum(tenths(criterion.points) for criterion in result.criteria) == tenths(result.total)
    assert [criterion.points for criterion in result.criteria] == [25.0, 10.0, 5.0, 10.0, 15.0, 15.0, 5.0]
    assert result.total == 85.0
    assert result.blocking == ()


def test_expertise_counts_each_goal_area_as_often_as_members_chose_it():
    group = a_group(goal_areas={"Starting a business": 3, "Public speaking": 1})
    mentor = a_mentor(expertise={"Business law", "public speaking", "Gardening"})
    expertise = score(group, mentor).criterion("expertise")

    # "Starting a business" is half covered (business, not starting), "Public speaking" fully: (3 * 0.5 + 1) / 4.
    assert expertise.points == 25.0
    assert expertise.detail["areas"] == (
        {
            "area": "Starting a business",
            "wanted_by": 3,
            "coverage": 0.5,
            "matched_words": ("business",),
            "expertise": ("Business law",),
        },
        {
            "area": "Public speaking",
            "wanted_by": 1,
            "coverage": 1.0,
            "matched_words": ("public", "speaking"),
            "expertise": ("public speaking",),
        },
    )


def test_expertise_matching_ignores_case_accents_plurals_and_small_words():
    assert keywords("Starting a Business, CAREERS and Studies") == {"starting", "business", "career", "study"}
    assert keywords("Économie") == keywords("economie")
    group = a_group(goal_areas={"Careers in IT": 2})
    assert score(group, a_mentor(expertise={"career coaching", "it support"})).criterion("expertise").points == 40.0
    assert score(group, a_mentor(expertise={"gardening"})).criterion("expertise").points == 0.0


@pytest.mark.parametrize(
    ("wished", "mentor_gender", "points", "met"),
    [("woman", "woman", 10.0, True), ("woman", "man", 0.0, False), ("woman", "", 5.0, None), ("", "man", 10.0, None)],
)
def test_the_wished_gender(wished, mentor_gender, points, met):
    gender = score(a_group(wished_gender=wished), a_mentor(gender=mentor_gender)).criterion("gender")
    assert (gender.points, gender.detail["met"], gender.detail["wished"]) == (points, met, wished)


@pytest.mark.parametrize(
    ("wished", "mentor_band", "points"),
    [
        ("older", "45_59", 5.0),
        ("older", "30_44", 0.0),  # as old as the oldest member, not older
        ("younger", "under_30", 0.0),
        ("similar", "30_44", 5.0),
        ("similar", "60_plus", 0.0),
        ("older", "", 2.5),  # the mentor did not say
        ("", "60_plus", 5.0),
    ],
)
def test_the_wished_age_is_relative_to_the_members(wished, mentor_band, points):
    group = a_group(wished_age=wished, member_age_bands={"under_30", "30_44"})
    age = score(group, a_mentor(age_band=mentor_band)).criterion("age")
    assert age.points == points
    assert age.detail["members"] == ("under_30", "30_44")


def test_the_wished_background_is_found_in_the_mentors_background_or_expertise():
    group = a_group(wished_background={"engineering", "teaching", "finance", "law"})
    mentor = a_mentor(expertise={"Tax law"}, background={"Civil engineer", "Teaching"})
    background = score(group, mentor).criterion("background")
    # Two of the wished keywords; three give full points.
    assert background.detail["matched"] == ("law", "teaching")
    assert background.points == pytest.approx(6.7)


def test_a_group_without_wishes_gives_every_mentor_full_points_for_them():
    result = score(a_group(goal_areas={}, availability=set()), a_mentor(gender="", age_band=""))
    for code in ("expertise", "gender", "age", "background", "availability"):
        criterion = result.criterion(code)
        assert criterion.points == criterion.max_points
        assert criterion.detail["assessed"] is False
    assert result.total == 100.0


def test_a_mentor_who_shares_no_language_with_the_whole_group_is_blocking():
    group = a_group(languages={"Arabic"}, member_languages={"Arabic": 4, "English": 2})
    result = score(group, a_mentor(languages={"english", "French"}))
    language = result.criterion("language")

    assert language.points == 0.0
    assert language.blocking
    assert result.blocking == ("language",)
    assert language.detail["shared"] == ()
    assert language.detail["also_spoken"] == {"English": 2}  # half the group could follow


def test_languages_match_whatever_their_spelling():
    language = score(a_group(languages={"Français"}), a_mentor(languages={" francais"})).criterion("language")
    assert (language.points, language.blocking, language.detail["shared"]) == (15.0, False, ("Français",))


def test_a_mentor_without_a_free_place_is_blocking():
    result = score(a_group(), a_mentor(capacity=0))
    assert result.criterion("capacity").points == 0.0
    assert result.criterion("capacity").detail == {"free_places": 0}
    assert result.blocking == ("capacity",)


def test_availability_needs_one_slot_the_whole_group_can_make():
    group = a_group(availability={"evenings", "weekends"})
    shared = score(group, a_mentor(availability={"weekends", "mornings"})).criterion("availability")
    assert (shared.points, shared.detail["shared"]) == (15.0, ("weekends",))
    assert score(group, a_mentor(availability={"mornings"})).criterion("availability").points == 0.0


# --- The group's needs from its members --------------------------------------------------------------------------


def test_a_groups_needs_come_from_its_members_wishes():
    members = [
        MenteeWishes(
            goal_areas={"Leadership", "Career change"},
            languages={"English", "Arabic"},
            availability={"evenings", "weekends"},
            age_band="under_30",
            gender_preference="woman",
            background_wishes="Someone from engineering",
        ),
        MenteeWishes(goal_areas={"Career change"}, languages={"english"}, availability={"evenings"}, age_band="30_44"),
        MenteeWishes(
            goal_areas={"Career change"},
            languages={"English", "Arabic"},
            gender_preference="woman",
            age_preference="older",
        ),
    ]
    group = GroupNeeds.from_members(7, "Group G", members)

    assert group.goal_areas == (("Career change", 3), ("Leadership", 1))
    assert group.languages == {"English"}
    assert dict(group.member_languages) == {"Arabic": 2, "English": 3}
    assert group.availability == {"evenings"}  # the third member gave none
    assert group.wished_gender == "woman"  # two of three
    assert group.wished_age == ""  # one of three
    assert group.member_age_bands == {"under_30", "30_44"}
    assert group.wished_background == {"someone", "engineering"}
    assert group.size == 3


def test_the_vocabulary_is_the_one_profiles_use():
    from programmes.models.profiles import AgeBand, AgePreference, Availability, GenderPreference

    assert set(AGE_BANDS) == set(AgeBand.values) - {""}
    assert set(AgePreference.values) == {"", "younger", "similar", "older"}
    assert set(GenderPreference.values) <= {"", "woman", "man"}
    assert set(Availability.values) == {"mornings", "afternoons", "evenings", "weekends"}


# --- Ranking mentors for one group ---------------------------------------------------------------------------------


def test_mentors_are_ranked_best_first_and_blocking_ones_last():
    group = a_group(goal_areas={"Career change": 4})
    best = a_mentor(1, "Zoe", expertise={"career change coaching"})
    half = a_mentor(2, "Ann", expertise={"career coaching"})
    no_language = a_mentor(3, "Bea", expertise={"career change coaching"}, languages={"German"})
    full = a_mentor(4, "Cy", expertise={"career change coaching"}, capacity=0)

    ranked = rank(group, [no_language, half, full, best])

    assert [pair.mentor.name for pair in ranked] == ["Zoe", "Ann", "Cy", "Bea"]  # blocking ones by score too
    assert [pair.blocking for pair in ranked] == [False, False, True, True]
    assert ranked[0].score.total > ranked[1].score.total
    mentor, result = ranked[0]  # a pair
    assert mentor is best and result == score(group, best)


def test_equal_scores_are_ranked_by_name_then_id():
    twins = [a_mentor(3, "bob"), a_mentor(2, "Bob"), a_mentor(1, "Bob"), a_mentor(4, "Alma")]
    assert [(pair.mentor.name, pair.mentor.id) for pair in rank(a_group(), twins)] == [
        ("Alma", 4),
        ("Bob", 1),
        ("Bob", 2),
        ("bob", 3),
    ]
    assert rank(a_group(), []) == []


# --- Proposing mentors for all groups ------------------------------------------------------------------------------


def test_the_optimal_assignment_beats_greedy_when_one_groups_favourite_is_anothers_only_option():
    # Xena suits group A a little better than Yusuf (she has the business background A wishes for);
    # group B speaks only Arabic, so Xena is the only mentor who can take it.
    xena = a_mentor(1, "Xena", expertise={"career coaching", "business planning"}, languages={"English", "Arabic"})
    yusuf = a_mentor(2, "Yusuf", expertise={"career coaching"}, languages={"English"})
    group_a = a_group(1, "A", wished_background={"business"})
    group_b = a_group(2, "B", goal_areas={"Starting a business": 5}, languages={"Arabic"})
    assert score(group_a, xena).total > score(group_a, yusuf).total
    assert score(group_b, yusuf).blocking == ("language",)

    naive = greedy([group_a, group_b], [xena, yusuf])
    optimal = propose_all([group_a, group_b], [xena, yusuf])

    assert naive.pairs == {1: 1}
    assert [(u.group.name, u.reason) for u in naive.unmatched] == [("B", NO_CAPACITY)]
    assert optimal.pairs == {1: 2, 2: 1}  # A gets Yusuf, B gets Xena
    assert optimal.unmatched == ()
    assert naive.total < optimal.total
    assert optimal.total == score(group_a, yusuf).total + score(group_b, xena).total


def test_matching_every_group_comes_before_a_higher_total():
    # A slightly better match for A would leave B without a mentor: every group is matched instead.
    star = a_mentor(1, "Star", expertise={"career change"}, languages={"English", "Arabic"})
    other = a_mentor(2, "Other", expertise={"gardening"}, availability={"mornings"})
    group_a = a_group(1, "A")
    group_b = a_group(2, "B", goal_areas={"Gardening": 1}, languages={"Arabic"}, availability={"weekends"})
    assert score(group_a, star).total > score(group_a, other).total + score(group_b, star).total

    assert propose_all([group_a, group_b], [star, other]).pairs == {1: 2, 2: 1}


def test_blocking_pairs_are_never_proposed():
    groups = [a_group(1, "Arabic speakers", languages={"Arabic"}), a_group(2, "English speakers")]
    mentors = [a_mentor(1, "Full", languages={"Arabic", "English"}, capacity=0), a_mentor(2, "Eve")]

    result = propose_all(groups, mentors)

    assert result.pairs == {2: 2}
    assert [(u.group.id, u.reason) for u in result.unmatched] == [(1, NO_CAPACITY)]  # Full speaks Arabic, but is full
    without_full = propose_all(groups, mentors[1:])
    assert [(u.group.id, u.reason) for u in without_full.unmatched] == [(1, NO_SHARED_LANGUAGE)]


def test_groups_beyond_the_mentors_places_are_unmatched_for_lack_of_capacity():
    groups = [a_group(number, f"Group {number}") for number in range(1, 6)]
    mentors = [a_mentor(1, "Ann", capacity=2), a_mentor(2, "Bo", capacity=1)]

    result = propose_all(groups, mentors)

    assert len(result.proposals) == 3
    assert sorted(p.mentor.name for p in result.proposals) == ["Ann", "Ann", "Bo"]
    assert len(result.unmatched) == 2
    assert {u.reason for u in result.unmatched} == {NO_CAPACITY}
    assert {p.group.id for p in result.proposals} | {u.group.id for u in result.unmatched} == {1, 2, 3, 4, 5}


def test_proposals_carry_the_explained_score_and_follow_the_groups_order():
    groups = [a_group(3, "C"), a_group(1, "A"), a_group(2, "B")]
    mentors = [a_mentor(1, "Ann", capacity=3)]
    result = propose_all(groups, mentors)
    assert [p.group.name for p in result.proposals] == ["C", "A", "B"]
    assert all(p.score == score(p.group, p.mentor) for p in result.proposals)
    assert result.total == 3 * score(groups[0], mentors[0]).total


def test_empty_inputs():
    assert propose_all([], []).proposals == ()
    assert propose_all([], [a_mentor()]).unmatched == ()
    nobody = propose_all([a_group(1), a_group(2)], [])
    assert nobody.proposals == () and [u.reason for u in nobody.unmatched] == [NO_CAPACITY, NO_CAPACITY]
    assert nobody.total == 0
    assert greedy([], []).pairs == {}


def test_the_proposal_does_not_depend_on_the_order_of_the_input():
    rng = random.Random(5)
    groups, mentors = random_instance(rng, groups=12, mentors=8, capacities=(1, 2))
    first = propose_all(groups, mentors)
    for _ in range(5):
        rng.shuffle(groups)
        rng.shuffle(mentors)
        again = propose_all(groups, mentors)
        assert again.pairs == first.pairs
        assert again.total == first.total


# --- Properties over many random instances -------------------------------------------------------------------------

AREAS = ("Career change", "Starting a business", "Leadership", "Public speaking", "Digital skills")
EXPERTISE = ("career coaching", "business planning", "leadership", "public speaking", "software", "marketing")


def random_instance(
    rng: random.Random, *, groups: int, mentors: int, capacities: tuple[int, int]
) -> tuple[list[GroupNeeds], list[MentorCandidate]]:
    """Small vocabularies, so that ties, language blocks and competition for the same mentor are common."""
    group_list = [
        GroupNeeds(
            id=number,
            name=f"Group {number}",
            goal_areas={area: rng.randint(1, 5) for area in rng.sample(AREAS, rng.randint(0, 3))},
            languages=rng.choice(({"English"}, {"English"}, {"Arabic"}, {"English", "Arabic"})),
            availability=set(rng.sample(("mornings", "evenings", "weekends"), rng.randint(0, 2))),
            wished_gender=rng.choice(("", "", "woman", "man")),
            wished_age=rng.choice(("", "older", "similar")),
            member_age_bands=set(rng.sample(AGE_BANDS, rng.randint(0, 2))),
            wished_background=set(rng.sample(("teaching", "finance", "law"), rng.randint(0, 2))),
        )
        for number in range(1, groups + 1)
    ]
    mentor_list = [
        MentorCandidate(
            id=number,
            name=rng.choice(("Ann", "Bo", "Cem", "Dee")),  # shared names: the id breaks the tie
            expertise=set(rng.sample(EXPERTISE, rng.randint(0, 3))),
            languages=rng.choice(({"English"}, {"English"}, {"Arabic"}, {"English", "Arabic"}, {"French"})),
            availability=set(rng.sample(("mornings", "evenings", "weekends"), rng.randint(1, 2))),
            gender=rng.choice(("woman", "man", "")),
            age_band=rng.choice((*AGE_BANDS, "")),
            capacity=rng.randint(*capacities),
            background=set(rng.sample(("teaching", "finance", "law"), rng.randint(0, 2))),
        )
        for number in range(1, mentors + 1)
    ]
    return group_list, mentor_list


def best_by_brute_force(groups: list[GroupNeeds], mentors: list[MentorCandidate]) -> tuple[int, int]:
    """(groups matched, total score in tenths) of the best assignment, trying every one."""
    points = [[None if score(g, m).blocking else tenths(score(g, m).total) for m in mentors] for g in groups]
    left = [mentor.capacity for mentor in mentors]

    def best(index: int) -> tuple[int, int]:
        if index == len(groups):
            return (0, 0)
        result = best(index + 1)  # this group gets nobody
        for mentor, value in enumerate(points[index]):
            if value is not None and left[mentor] > 0:
                left[mentor] -= 1
                count, total = best(index + 1)
                left[mentor] += 1
                result = max(result, (count + 1, total + value))
        return result

    return best(0)


@pytest.mark.parametrize("seed", range(60))
def test_the_proposal_is_as_good_as_the_best_found_by_trying_every_assignment(seed):
    rng = random.Random(seed)
    groups, mentors = random_instance(rng, groups=rng.randint(1, 6), mentors=rng.randint(1, 5), capacities=(1, 2))
    result = propose_all(groups, mentors)
    assert (len(result.proposals), tenths(result.total)) == best_by_brute_force(groups, mentors)


@pytest.mark.parametrize("seed", range(40))
def test_no_mentor_gets_more_groups_than_their_places_and_no_pair_is_blocking(seed):
    rng = random.Random(1000 + seed)
    groups, mentors = random_instance(rng, groups=rng.randint(0, 30), mentors=rng.randint(0, 15), capacities=(0, 3))
    result = propose_all(groups, mentors)

    taken: dict[int, int] = {}
    for proposal in result.proposals:
        taken[proposal.mentor.id] = taken.get(proposal.mentor.id, 0) + 1
        assert proposal.score.blocking == ()
    assert all(taken[mentor.id] <= mentor.capacity for mentor in mentors if mentor.id in taken)
    assert sorted([p.group.id for p in result.proposals] + [u.group.id for u in result.unmatched]) == [
        group.id for group in groups
    ]
    assert {u.reason for u in result.unmatched} <= {NO_CAPACITY, NO_SHARED_LANGUAGE}
    naive = greedy(groups, mentors)
    assert (len(result.proposals), result.total) >= (len(naive.proposals), naive.total)
    assert propose_all(groups, mentors) == result  # the same again


def test_the_solver_finds_the_cheapest_assignment_of_rows_to_columns():
    rng = random.Random(42)
    for _ in range(100):
        rows, width = rng.randint(1, 5), rng.randint(0, 2)
        width += rows
        cost = [[rng.choice((0, 3, 7, 7, 10, 1000)) for _ in range(width)] for _ in range(rows)]
        column_of = solve_assignment(cost, width)
        assert len(set(column_of)) == rows
        cheapest = min(sum(cost[r][c] for r, c in enumerate(columns)) for columns in permutations(range(width), rows))
        assert sum(cost[r][c] for r, c in enumerate(column_of)) == cheapest
