"""The mentor data bank: finding mentors across programmes, inviting one into a new programme, coordinators'
feedback on mentors, and a mentor's own profile."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from accounts.models import User
from groups.models import GroupMembership, GroupRole
from programmes.models import (
    Availability,
    Engagement,
    Invitation,
    MembershipStatus,
    MentorFeedback,
    MentorProfile,
    Programme,
    ProgrammeMembership,
    ProgrammeStatus,
    Role,
    join_list,
    split_list,
)
from programmes.services.invitations import Invitee, invite


class Sort(enum.StrEnum):
    NAME = "name"
    RATING = "rating"
    EXPERIENCE = "experience"


def _per_mentor(queryset: QuerySet, aggregate, output_field, *, person: str = "user_id"):
    """One figure per mentor as a correlated subquery, so that several figures never multiply each other's rows."""
    rows = queryset.filter(**{person: OuterRef("user_id")}).order_by().values(person).annotate(figure=aggregate)
    return Subquery(rows.values("figure"), output_field=output_field)


def with_figures(profiles: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    """Adds each mentor's history in numbers: programmes and groups mentored, average rating and feedback count."""
    feedback = MentorFeedback.objects.all()
    return profiles.select_related("user").annotate(
        programmes_mentored=Coalesce(
            _per_mentor(
                ProgrammeMembership.objects.filter(role=Role.MENTOR),
                Count("programme_id", distinct=True),
                IntegerField(),
            ),
            Value(0),
        ),
        groups_mentored=Coalesce(
            _per_mentor(
                GroupMembership.objects.filter(role=GroupRole.MENTOR),
                Count("group_id", distinct=True),
                IntegerField(),
            ),
            Value(0),
        ),
        average_rating=_per_mentor(
            feedback, Avg("rating", output_field=FloatField()), FloatField(), person="mentor_id"
        ),
        feedback_count=Coalesce(_per_mentor(feedback, Count("pk"), IntegerField(), person="mentor_id"), Value(0)),
    )


_ORDER = {
    Sort.NAME: ("user__display_name", "pk"),
    Sort.RATING: (F("average_rating").desc(nulls_last=True), "-feedback_count", "user__display_name", "pk"),
    Sort.EXPERIENCE: ("-programmes_mentored", "-groups_mentored", "user__display_name", "pk"),
}


# The same order as by name, for a filtered list, whose page is counted over every match (``reads_every_match``): the
# database reads every match anyway. Ordered by the indexed name, PostgreSQL before 16 walked every person in name
# order to find them (it does not count the whole list's count among the costs of the first row): 32 ms at scale 10
# (20,000 people, 1,900 mentors), whatever the words. Ordered by an expression of the name, which no index answers,
# it reads the matching mentors and sorts them: 2.6-11 ms for one word, 20 ms for a word nearly everyone matches.
_NAME_OF_EVERY_MATCH = (Concat("user__display_name", Value(""), output_field=CharField()), "pk")


def search_mentors(
    profiles: QuerySet[MentorProfile],
    *,
    text: str = "",
    language: str = "",
    availability: Iterable[str] = (),
    engagement: str = "",
    min_rating: Decimal | None = None,
    open_only: bool = True,
    sort: str = Sort.NAME,
) -> QuerySet[MentorProfile]:
    """The bank's search. Each word of ``text`` must be in the name, the expertise or the background; a mentor
    must be free at every chosen time; one who mentors "either way" counts as a volunteer and as paid."""
    found = with_figures(profiles)
    for word in text.split():
        # The name is asked of each profile's own person (EXISTS by primary key) rather than by joining the people:
        # a join made PostgreSQL read every person to find the few with a profile.
        named = Exists(User.objects.filter(pk=OuterRef("user_id"), display_name__icontains=word))
        found = found.filter(Q(expertise__icontains=word) | Q(background__icontains=word) | named)
    if language.strip():
        found = found.filter(languages__icontains=language.strip())
    for choice in availability:
        if choice in Availability.values:
            found = found.filter(**{f"available_{choice}": True})
    if engagement in (Engagement.VOLUNTEER, Engagement.PAID):
        found = found.filter(engagement__in=[engagement, Engagement.EITHER])
    if min_rating is not None:
        found = found.filter(average_rating__gte=float(min_rating))
    if open_only:
        found = found.filter(open_to_invitations=True)
    order = _ORDER.get(sort, _ORDER[Sort.NAME])
    if order is _ORDER[Sort.NAME] and reads_every_match(
        text=text, language=language, availability=availability, engagement=engagement, min_rating=min_rating
    ):
        order = _NAME_OF_EVERY_MATCH
    return found.order_by(*order)


def reads_every_match(
    *,
    text: str = "",
    language: str = "",
    availability: Iterable[str] = (),
    engagement: str = "",
    min_rating: Decimal | None = None,
    sort: str = Sort.NAME,
    **_others,
) -> bool:
    """Whether the database reads every mentor that matches ``search_mentors`` to put a page of them together: it
    does to filter on words, languages, times, engagement or rating (no index answers those), and to sort by a
    figure worked out for each mentor. Only the bank sorted by name can stop at the page."""
    filtered = text.strip() or language.strip() or any(availability) or engagement or min_rating is not None
    return bool(filtered) or sort != Sort.NAME


def invitable_programmes(programmes: QuerySet[Programme], *, mentor: User) -> QuerySet[Programme]:
    """Of these programmes, those the mentor can be invited into: not closed, and not mentoring there already."""
    return (
        programmes.exclude(status=ProgrammeStatus.CLOSED)
        .exclude(
            pk__in=ProgrammeMembership.objects.filter(
                user=mentor, role=Role.MENTOR, status=MembershipStatus.ACTIVE
            ).values("programme_id")
        )
        .order_by("-starts_on", "name")
    )


def feedback_programmes(programmes: QuerySet[Programme], *, mentor: User) -> QuerySet[Programme]:
    """Of these programmes, those in which the person was a mentor (now or before): feedback is about them."""
    return programmes.filter(
        pk__in=ProgrammeMembership.objects.filter(user=mentor, role=Role.MENTOR).values("programme_id")
    ).order_by("-starts_on", "name")


class InviteRefused(Exception):
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    ALREADY_MENTOR = "already_mentor"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def invite_from_bank(*, profile: MentorProfile, programme: Programme, by: User) -> Invitation:
    """Invites a mentor from the bank into a programme as a mentor, by email, in one step."""
    profile = MentorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if not profile.open_to_invitations or profile.user.anonymised_at:
        raise InviteRefused(InviteRefused.NOT_OPEN)
    if programme.is_archived:
        raise InviteRefused(InviteRefused.CLOSED)
    if not invitable_programmes(Programme.objects.filter(pk=programme.pk), mentor=profile.user).exists():
        raise InviteRefused(InviteRefused.ALREADY_MENTOR)
    user = profile.user
    (invitation,) = invite(
        programme=programme,
        invitees=[Invitee(email=user.email, role=Role.MENTOR, name=user.display_name)],
        by=by,
    )
    return invitation


@transaction.atomic
def record_feedback(*, mentor: User, programme: Programme, rating: int, comment: str, by: User) -> MentorFeedback:
    """The one feedback entry per mentor and programme: written, or rewritten by whoever writes it last."""
    feedback, _created = MentorFeedback.objects.update_or_create(
        mentor=mentor,
        programme=programme,
        defaults={"rating": rating, "comment": comment.strip(), "written_by": by},
    )
    return feedback


PROFILE_FIELDS = (
    "expertise",
    "background",
    "languages",
    "max_groups",
    "availability_note",
    "engagement",
    "motivation",
    "gender",
    "age_band",
    "open_to_invitations",
)


@transaction.atomic
def save_own_profile(*, user: User, availability: Iterable[str], **fields) -> MentorProfile:
    """A mentor's own bank profile, created on their first save."""
    profile, _created = MentorProfile.objects.select_for_update().get_or_create(user=user)
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(profile, name, fields[name])
    profile.expertise = join_list(split_list(profile.expertise))
    profile.languages = join_list(split_list(profile.languages))
    profile.availability = list(availability)
    profile.updated = timezone.now()
    profile.full_clean()
    profile.save()
    return profile
