"""Matching mentors to groups: who can mentor, what each group needs, suggestions, asking a mentor, their answer.

A mentor's load is the number of mentor-led groups they mentor in programmes that are not closed, plus the
requests waiting for their answer in such programmes; it never goes above ``MentorProfile.max_groups``. Asking a
mentor locks their bank profile, so two coordinators asking the same mentor at once cannot both take their last
place.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from groups import matching
from groups.matching import GroupNeeds, MenteeWishes, MentorCandidate, keywords
from groups.models import (
    AssignmentStatus,
    GroupKind,
    GroupMembership,
    GroupRole,
    GroupWishes,
    MentorAssignment,
    MentoringGroup,
    WishesAgreement,
)
from groups.services.wishes import member_applications
from outbox.services import queue_email
from programmes.models import (
    Application,
    ApplicationStatus,
    MembershipStatus,
    MentorProfile,
    Programme,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
    split_list,
)

ASSIGNMENT_EMAIL = "groups.mentor_request"
DECLINED_EMAIL = "groups.mentor_declined"
DEFAULT_CAPACITY = 1  # a programme mentor without a bank profile


class MatchingError(Exception):
    """Base of the reasons a mentor cannot be asked; ``str()`` is for logs, the page words its own message."""


class ProgrammeClosed(MatchingError):
    pass


class NotMentorLed(MatchingError):
    pass


class AlreadyMatched(MatchingError):
    pass


class NotAProgrammeMentor(MatchingError):
    pass


class NoCapacity(MatchingError):
    pass


class StaleMatching(MatchingError):
    """A proposal for all groups no longer fits: a group was matched or a mentor's place was taken meanwhile."""


class AlreadyAnswered(Exception):
    pass


# Who can mentor, and how much -----------------------------------------------------------------------------------


def mentor_load(user_ids: Iterable[int]) -> Counter[int]:
    """User id -> groups they mentor (open programmes) plus requests waiting for their answer. Two queries."""
    user_ids = list(user_ids)
    load: Counter[int] = Counter()
    mentoring = (
        GroupMembership.objects.current()
        .filter(user_id__in=user_ids, role=GroupRole.MENTOR, group__kind=GroupKind.MENTOR_LED)
        .exclude(group__programme__status=ProgrammeStatus.CLOSED)
        .order_by()
        .values_list("user_id", flat=True)
    )
    load.update(mentoring)
    # A request in a programme that has closed can no longer be answered: it holds no place.
    load.update(
        MentorAssignment.objects.filter(mentor_id__in=user_ids, status=AssignmentStatus.PENDING)
        .exclude(group__programme__status=ProgrammeStatus.CLOSED)
        .order_by()
        .values_list("mentor_id", flat=True)
    )
    return load


@dataclasses.dataclass(frozen=True)
class Places:
    """A mentor's places: the groups they have or are asked to take (``taken``), and the most they take."""

    taken: int
    most: int

    @property
    def free(self) -> int:
        return max(0, self.most - self.taken)


def programme_mentors(programme: Programme) -> QuerySet[User]:
    """The programme's active mentors, with their bank profile and their accepted application to it."""
    mentor = ProgrammeMembership.objects.filter(
        programme=programme, user=OuterRef("pk"), role=Role.MENTOR, status=MembershipStatus.ACTIVE
    )
    applications = Application.objects.filter(
        programme=programme, role=Role.MENTOR, status=ApplicationStatus.ACCEPTED
    ).prefetch_related("goal_areas")
    return (
        User.objects.filter(Exists(mentor), anonymised_at__isnull=True)
        .select_related("mentor_profile")
        .prefetch_related(Prefetch("applications", queryset=applications, to_attr="mentor_applications"))
        .order_by("display_name", "pk")
    )


def _profile(user: User) -> MentorProfile | None:
    try:
        return user.mentor_profile
    except MentorProfile.DoesNotExist:
        return None


def places_of(mentors: Iterable[User]) -> dict[int, Places]:
    """User id -> their places, for mentors fetched with their profile (``programme_mentors``). Two queries."""
    mentors = list(mentors)
    load = mentor_load(mentor.pk for mentor in mentors)
    found = {}
    for mentor in mentors:
        profile = _profile(mentor)
        found[mentor.pk] = Places(taken=load[mentor.pk], most=profile.max_groups if profile else DEFAULT_CAPACITY)
    return found


def mentor_places(programme: Programme) -> list[tuple[User, Places]]:
    """The programme's mentors by name, each with their places. Three queries."""
    mentors = list(programme_mentors(programme).prefetch_related(None))
    places = places_of(mentors)
    return [(mentor, places[mentor.pk]) for mentor in mentors]


def candidates_with_places(programme: Programme) -> tuple[list[MentorCandidate], dict[int, Places]]:
    """The programme's mentors as matching sees them, and their places now. Five queries."""
    mentors = list(programme_mentors(programme))
    places = places_of(mentors)
    found = []
    for mentor in mentors:
        profile = _profile(mentor)
        areas = [area.name for application in mentor.mentor_applications for area in application.goal_areas.all()]
        found.append(
            MentorCandidate(
                id=mentor.pk,
                name=mentor.shown_name,
                expertise=frozenset([*split_list(profile.expertise if profile else ""), *areas]),
                languages=frozenset(split_list(profile.languages if profile else "")),
                availability=frozenset(profile.availability if profile else ()),
                gender=profile.gender if profile else "",
                age_band=profile.age_band if profile else "",
                capacity=places[mentor.pk].free,
                background=frozenset([profile.background] if profile and profile.background else []),
            )
        )
    return found, places


def candidates(programme: Programme) -> list[MentorCandidate]:
    """The programme's mentors as matching sees them, with their free places now. Five queries."""
    return candidates_with_places(programme)[0]


# What groups need -----------------------------------------------------------------------------------------------


def _wishes(application: Application) -> MenteeWishes:
    return MenteeWishes(
        goal_areas=frozenset(area.name for area in application.goal_areas.all()),
        languages=frozenset(split_list(application.languages)),
        availability=frozenset(application.availability),
        age_band=application.age_band,
        gender_preference=application.gender_preference,
        age_preference=application.age_preference,
        background_wishes=f"{application.mentor_kind}\n{application.mentor_background}",
    )


def needs_with_wishes(needs: GroupNeeds, wishes: GroupWishes | None) -> GroupNeeds:
    """The group's agreed (or drafted) wishes take the place of what the applications say about the mentor."""
    if wishes is None:
        return needs
    languages = frozenset(split_list(wishes.languages))
    return dataclasses.replace(
        needs,
        languages=languages or needs.languages,
        wished_gender=wishes.gender_preference,
        wished_age=wishes.age_preference,
        wished_background=keywords(f"{wishes.mentor_kind}\n{wishes.background}\n{wishes.support}"),
    )


def group_needs(groups: Iterable[MentoringGroup]) -> dict[int, GroupNeeds]:
    """Group id -> what the group needs from a mentor. Four queries, whatever the number of groups."""
    groups = list(groups)
    applications = member_applications(groups)
    wishes = {wishes.group_id: wishes for wishes in GroupWishes.objects.filter(group__in=groups)}
    return {group.pk: _needs(group, applications[group.pk], wishes.get(group.pk)) for group in groups}


def _needs(group: MentoringGroup, applications: list[Application], wishes: GroupWishes | None) -> GroupNeeds:
    members = [_wishes(application) for application in applications]
    return needs_with_wishes(GroupNeeds.from_members(group.pk, group.name, members), wishes)


RECENT_DECLINES = 10


@dataclasses.dataclass(frozen=True)
class Overview:
    """The matching page: the groups without a mentor, the requests waiting, the recent declines, the groups with
    a mentor, and every mentor with their places."""

    group_count: int  # the programme's mentor-led groups
    unmatched: list[MentoringGroup]  # with mentee_count, wishes_version and wishes_agreed
    pending: list[MentorAssignment]
    declined: list[MentorAssignment]
    matched: list[GroupMembership]
    mentors: list[tuple[User, Places]]


def overview(programme: Programme) -> Overview:
    """Everything the matching page shows. Eight queries, whatever the number of groups and mentors."""
    current_mentee = GroupMembership.objects.current().filter(group=OuterRef("pk"), role=GroupRole.MENTEE)
    agreed = (
        WishesAgreement.objects.filter(wishes__group=OuterRef("pk"), version=OuterRef("wishes__version"))
        .filter(
            Exists(
                GroupMembership.objects.current().filter(
                    group_id=OuterRef("wishes__group_id"), user_id=OuterRef("user_id"), role=GroupRole.MENTEE
                )
            )
        )
        .order_by()
        .values("wishes")
        .annotate(count=Count("pk"))
        .values("count")
    )
    mentee_count = current_mentee.order_by().values("group").annotate(count=Count("pk")).values("count")
    unmatched = list(
        unmatched_groups(programme)
        .annotate(
            mentee_count=Coalesce(Subquery(mentee_count), 0),
            wishes_version=F("wishes__version"),
            wishes_agreed=Coalesce(Subquery(agreed), 0),
        )
        .order_by("name", "pk")
    )
    mine = MentorAssignment.objects.filter(group__programme=programme).select_related("group", "mentor")
    return Overview(
        group_count=programme.groups.filter(kind=GroupKind.MENTOR_LED).count(),
        unmatched=unmatched,
        pending=list(mine.filter(status=AssignmentStatus.PENDING).order_by("created", "pk")),
        declined=list(mine.filter(status=AssignmentStatus.DECLINED).order_by("-decided_at", "-pk")[:RECENT_DECLINES]),
        matched=list(
            GroupMembership.objects.current()
            .filter(group__programme=programme, group__kind=GroupKind.MENTOR_LED, role=GroupRole.MENTOR)
            .select_related("group", "user")
            .order_by("group__name", "group_id", "user__display_name")
        ),
        mentors=mentor_places(programme),
    )


def unmatched_groups(programme: Programme) -> QuerySet[MentoringGroup]:
    """The programme's mentor-led groups with no mentor and no request waiting for a mentor's answer."""
    has_mentor = GroupMembership.objects.current().filter(group=OuterRef("pk"), role=GroupRole.MENTOR)
    waiting = MentorAssignment.objects.filter(group=OuterRef("pk"), status=AssignmentStatus.PENDING)
    return programme.groups.filter(kind=GroupKind.MENTOR_LED).filter(~Exists(has_mentor), ~Exists(waiting))


def suggestions(group: MentoringGroup) -> list[matching.Ranked]:
    """Every mentor of the programme, best first, with their score for the group."""
    return explain_suggestions(group).ranked


@dataclasses.dataclass(frozen=True)
class Suggestions:
    """What the suggestions page shows: the group's needs and wishes, and every mentor ranked, with their places."""

    needs: GroupNeeds
    wishes: GroupWishes | None
    ranked: list[matching.Ranked]
    places: dict[int, Places]


def explain_suggestions(group: MentoringGroup) -> Suggestions:
    """``suggestions`` with what the page needs to explain them. Nine queries, whatever the number of mentors."""
    wishes = GroupWishes.objects.filter(group=group).first()
    needs = _needs(group, member_applications([group])[group.pk], wishes)
    found, places = candidates_with_places(group.programme)
    return Suggestions(needs=needs, wishes=wishes, ranked=matching.rank(needs, found), places=places)


def propose_all(programme: Programme) -> matching.Assignment:
    """The best set of mentors for all unmatched groups at once (see ``groups.matching.propose_all``)."""
    groups = list(unmatched_groups(programme).order_by("name", "pk"))
    needs = group_needs(groups)
    return matching.propose_all([needs[group.pk] for group in groups], candidates(programme))


@dataclasses.dataclass(frozen=True)
class ReviewedPair:
    group: MentoringGroup
    mentor: MentorCandidate
    score: matching.Score
    places: Places
    still_open: bool  # the group still has no mentor and no request waiting


@dataclasses.dataclass(frozen=True)
class Review:
    """A stored "propose all" as it scores now: its pairs, the groups it left out (with the reason), its total."""

    pairs: list[ReviewedPair]
    unmatched: list[tuple[MentoringGroup, str]]
    missing: int  # pairs whose group or mentor is no longer in the programme

    @property
    def total(self) -> float:
        return sum(round(pair.score.total * 10) for pair in self.pairs) / 10

    @property
    def is_stale(self) -> bool:
        return bool(self.missing) or any(not pair.still_open or pair.score.blocking for pair in self.pairs)


def review_proposal(programme: Programme, pairs: Mapping[int, int], unmatched: Mapping[int, str]) -> Review:
    """Scores a stored proposal (group id -> mentor id) against the data as it is now. Nothing is saved."""
    groups = {
        group.pk: group
        for group in programme.groups.filter(pk__in={*pairs, *unmatched}, kind=GroupKind.MENTOR_LED).order_by(
            "name", "pk"
        )
    }
    open_ids = set(unmatched_groups(programme).filter(pk__in=list(groups)).values_list("pk", flat=True))
    needs = group_needs([groups[group_id] for group_id in pairs if group_id in groups])
    found, places = candidates_with_places(programme)
    by_id = {candidate.id: candidate for candidate in found}
    # Each mentor's free places are shared by the pairs that propose them, as the proposal shared them.
    proposed = Counter(mentor_id for mentor_id in pairs.values())
    reviewed, missing = [], 0
    for group_id, mentor_id in sorted(pairs.items(), key=lambda pair: _group_order(groups.get(pair[0]))):
        group, candidate = groups.get(group_id), by_id.get(mentor_id)
        if group is None or candidate is None:
            missing += 1
            continue
        shared = dataclasses.replace(candidate, capacity=candidate.capacity - proposed[mentor_id] + 1)
        reviewed.append(
            ReviewedPair(
                group=group,
                mentor=candidate,
                score=matching.score(needs[group_id], shared),
                places=places[mentor_id],
                still_open=group_id in open_ids,
            )
        )
    left_out = [(groups[group_id], reason) for group_id, reason in unmatched.items() if group_id in groups]
    left_out.sort(key=lambda pair: _group_order(pair[0]))
    return Review(pairs=reviewed, unmatched=left_out, missing=missing)


def _group_order(group: MentoringGroup | None) -> tuple:
    return (0, group.name.casefold(), group.pk) if group is not None else (1, "", 0)


# Asking a mentor, and their answer ------------------------------------------------------------------------------


def _ask(*, programme: Programme, pairs: Mapping[int, int], by: User) -> list[MentorAssignment]:
    """Asks each mentor to take their group (group id -> mentor id), checking every pair first, in a number of
    queries that does not grow with the pairs but for the rows written. The caller holds the programme's lock;
    the groups and the mentors' bank profiles are locked here, so a place cannot be taken twice."""
    group_ids = sorted(pairs)
    groups = {
        group.pk: group
        for group in MentoringGroup.objects.select_for_update().filter(pk__in=group_ids, programme=programme)
    }
    for group_id in group_ids:
        if group_id not in groups or groups[group_id].kind != GroupKind.MENTOR_LED:
            raise NotMentorLed(group_id)
    still_open = set(unmatched_groups(programme).filter(pk__in=group_ids).values_list("pk", flat=True))
    for group_id in group_ids:
        if group_id not in still_open:
            raise AlreadyMatched(group_id)
    wanted = Counter(pairs.values())
    mentors = {user.pk: user for user in programme_mentors(programme).filter(pk__in=list(wanted))}
    for mentor_id in sorted(wanted):
        if mentor_id not in mentors:
            raise NotAProgrammeMentor(mentor_id)
    without = set(wanted) - set(
        MentorProfile.objects.filter(user_id__in=list(wanted)).values_list("user_id", flat=True)
    )
    MentorProfile.objects.bulk_create(
        [MentorProfile(user_id=pk, max_groups=DEFAULT_CAPACITY) for pk in sorted(without)], ignore_conflicts=True
    )
    profiles = {
        profile.user_id: profile
        for profile in MentorProfile.objects.select_for_update().filter(user_id__in=list(wanted)).order_by("pk")
    }
    load = mentor_load(list(wanted))
    for mentor_id in sorted(wanted):
        if load[mentor_id] + wanted[mentor_id] > profiles[mentor_id].max_groups:
            raise NoCapacity(mentor_id)
    needs = group_needs(groups[group_id] for group_id in group_ids)
    found = {candidate.id: candidate for candidate in candidates(programme)}
    asked = []
    for group_id in group_ids:
        mentor = mentors[pairs[group_id]]
        # Scored as when the mentor had a place for each group they are asked for now.
        candidate = dataclasses.replace(found[mentor.pk], capacity=max(1, found[mentor.pk].capacity))
        score = matching.score(needs[group_id], candidate)
        asked.append(
            MentorAssignment(group=groups[group_id], mentor=mentor, assigned_by=by, score=Decimal(str(score.total)))
        )
    MentorAssignment.objects.bulk_create(asked)
    for assignment in asked:
        queue_email(
            kind=ASSIGNMENT_EMAIL,
            obj=assignment,
            to=assignment.mentor.email,
            recipient=assignment.mentor,
            key=f"{ASSIGNMENT_EMAIL}:{assignment.pk}",
            programme_id=assignment.group.programme_id,
        )
    return asked


def _lock_programme(programme: Programme) -> Programme:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.is_archived:
        raise ProgrammeClosed(locked.pk)
    return locked


@transaction.atomic
def assign_mentor(*, group: MentoringGroup, mentor: User, by: User) -> MentorAssignment:
    """Asks a mentor to take a group; they get an email and answer in the product."""
    programme = _lock_programme(group.programme)
    return _ask(programme=programme, pairs={group.pk: mentor.pk}, by=by)[0]


@transaction.atomic
def confirm_all(*, programme: Programme, pairs: Mapping[int, int], by: User) -> list[MentorAssignment]:
    """Asks every mentor of a reviewed "propose all" (group id -> mentor id), all or nothing. ``StaleMatching``
    if any pair can no longer be made."""
    locked = _lock_programme(programme)
    if not pairs:
        return []
    try:
        return _ask(programme=locked, pairs=pairs, by=by)
    except MatchingError as error:
        raise StaleMatching(f"{type(error).__name__}: {error}") from error


@transaction.atomic
def withdraw_request(*, assignment: MentorAssignment, by: User) -> MentorAssignment:
    """The coordinator takes back a request the mentor has not answered; the group goes back to matching."""
    locked = MentorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not locked.is_pending:
        raise AlreadyAnswered(locked.pk)
    locked.status = AssignmentStatus.WITHDRAWN
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    return locked


@transaction.atomic
def answer_request(*, assignment: MentorAssignment, accept: bool, note: str = "") -> MentorAssignment:
    """The mentor accepts (and joins the group) or declines (the group goes back to matching and its
    coordinators hear of it). ``AlreadyAnswered`` for a request that is no longer waiting."""
    locked = (
        MentorAssignment.objects.select_for_update().select_related("group__programme", "mentor").get(pk=assignment.pk)
    )
    if not locked.is_pending:
        raise AlreadyAnswered(locked.pk)
    if locked.group.programme.is_archived:
        raise ProgrammeClosed(locked.group.programme_id)
    if accept and not programme_mentors(locked.group.programme).filter(pk=locked.mentor_id).exists():
        raise NotAProgrammeMentor(locked.mentor_id)
    now = timezone.now()
    locked.decided_at = now
    locked.response_note = note.strip()
    if accept:
        locked.status = AssignmentStatus.ACCEPTED
        GroupMembership.objects.get_or_create(
            group=locked.group, user=locked.mentor, left_at=None, defaults={"role": GroupRole.MENTOR, "joined_at": now}
        )
    else:
        locked.status = AssignmentStatus.DECLINED
        for coordinator in locked.group.programme.coordinators():
            queue_email(
                kind=DECLINED_EMAIL,
                obj=locked,
                to=coordinator.email,
                recipient=coordinator,
                key=f"{DECLINED_EMAIL}:{locked.pk}:{coordinator.pk}",
                programme_id=locked.group.programme_id,
            )
    locked.save(update_fields=["status", "decided_at", "response_note"])
    return locked


def pending_requests_for(user: User) -> QuerySet[MentorAssignment]:
    """The requests waiting for this mentor's answer, oldest first."""
    return (
        MentorAssignment.objects.filter(mentor=user, status=AssignmentStatus.PENDING)
        .exclude(group__programme__status=ProgrammeStatus.CLOSED)
        .select_related("group__programme")
        .order_by("created", "pk")
    )
