"""A group's wishes for its mentor: drafted from the members' applications, changed and agreed by the members.

Any current mentee of the group may change the wishes; each change is a new version, which its author agrees to
by making it. The wishes are agreed when every current mentee has agreed to the latest version. Matching reads
them (see ``groups.services.mentors.group_needs``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from groups.models import GroupMembership, GroupRole, GroupWishes, MentoringGroup, WishesAgreement
from programmes.models import Application, ApplicationStatus, Role, join_list, split_list

EDITABLE = ("mentor_kind", "background", "support", "languages", "gender_preference", "age_preference")


class OutdatedVersion(Exception):
    """The person agreed to a version that has been changed since they read it."""


class NotAMentee(Exception):
    """Only the group's current mentees change or agree to its wishes."""


def _texts(values: Iterable[str]) -> str:
    """Each member's words once, in a paragraph of their own, without their names."""
    seen: dict[str, str] = {}
    for value in values:
        value = (value or "").strip()
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return "\n\n".join(seen.values())


def _majority(values: list[str], size: int) -> str:
    value, count = (Counter(v for v in values if v).most_common(1) or [("", 0)])[0]
    return value if count * 2 > size else ""


def _common_languages(applications: list[Application]) -> str:
    spoken = [split_list(application.languages) for application in applications if application.languages.strip()]
    if not spoken:
        return ""
    common = set.intersection(*({language.casefold() for language in languages} for languages in spoken))
    return join_list(language for language in spoken[0] if language.casefold() in common)


def member_applications(groups: Iterable[MentoringGroup], *, goal_areas: bool = True) -> dict[int, list[Application]]:
    """Group id -> the accepted mentee applications of its current mentees: two queries, and one more for their goal
    areas (``goal_areas``)."""
    groups = list(groups)
    by_user: dict[tuple[int, int], int] = {}
    memberships = GroupMembership.objects.current().filter(group__in=groups, role=GroupRole.MENTEE).order_by()
    for group_id, user_id, programme_id in memberships.values_list("group_id", "user_id", "group__programme_id"):
        by_user[(programme_id, user_id)] = group_id
    found: dict[int, list[Application]] = {group.pk: [] for group in groups}
    if not by_user:
        return found
    applications = _accepted_mentees({programme for programme, _ in by_user}, {user for _, user in by_user})
    if goal_areas:
        applications = applications.prefetch_related("goal_areas")
    for application in applications:
        group_id = by_user.get((application.programme_id, application.applicant_id))
        if group_id is not None:
            found[group_id].append(application)
    return found


def _accepted_mentees(programme_ids: Iterable[int], user_ids: Iterable[int]) -> QuerySet[Application]:
    """The accepted mentee applications of these people to these programmes, by applicant."""
    return Application.objects.filter(
        programme_id__in=list(programme_ids),
        applicant_id__in=list(user_ids),
        role=Role.MENTEE,
        status=ApplicationStatus.ACCEPTED,
    ).order_by("applicant_id")


def draft(applications: list[Application]) -> dict[str, str]:
    """The wishes as the members' applications state them."""
    size = len(applications)
    return {
        "mentor_kind": _texts(application.mentor_kind for application in applications),
        "background": _texts(application.mentor_background for application in applications),
        "support": _texts(application.support_expected for application in applications),
        "languages": _common_languages(applications)[:200],
        "gender_preference": _majority([application.gender_preference for application in applications], size),
        "age_preference": _majority([application.age_preference for application in applications], size),
    }


def wishes_of(group: MentoringGroup, mentee_ids: Iterable[int] | None = None) -> GroupWishes:
    """The group's wishes as saved or, before they are, the draft from its members' applications, unsaved: reading
    the wishes creates nothing (``start_wishes`` saves the draft when someone changes or agrees to it). A caller
    that has the current mentees passes their ids (``mentee_ids``), and the draft takes a query less."""
    existing = GroupWishes.objects.filter(group=group).first()
    if existing is not None:
        return existing
    if mentee_ids is None:
        applications = member_applications([group], goal_areas=False)[group.pk]
    else:
        applications = list(_accepted_mentees([group.programme_id], mentee_ids))
    return GroupWishes(group=group, **draft(applications))


def start_wishes(group: MentoringGroup) -> GroupWishes:
    """The group's wishes, drafted from its members' applications the first time they are needed."""
    existing = GroupWishes.objects.filter(group=group).first()
    if existing is not None:
        return existing
    applications = member_applications([group], goal_areas=False)[group.pk]
    wishes, _ = GroupWishes.objects.get_or_create(group=group, defaults=draft(applications))
    return wishes


def _mentee_ids(group: MentoringGroup) -> set[int]:
    return set(
        GroupMembership.objects.current().filter(group=group, role=GroupRole.MENTEE).values_list("user_id", flat=True)
    )


@transaction.atomic
def update_wishes(*, wishes: GroupWishes, by: User, version: int | None = None, **fields: str) -> GroupWishes:
    """A mentee changes the wishes: a new version, which they agree to by making it.

    ``version`` is the version the mentee started from: if another mentee saved a change meanwhile, the change
    is refused (``OutdatedVersion``) rather than silently undoing theirs. Saving without a change keeps the
    version as it is."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not a wish: {', '.join(sorted(unknown))}")
    locked = GroupWishes.objects.select_for_update().get(pk=wishes.pk)
    if by.pk not in _mentee_ids(locked.group):
        raise NotAMentee
    if version is not None and version != locked.version:
        raise OutdatedVersion
    if all(getattr(locked, name) == value for name, value in fields.items()):
        return locked
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.updated_by = by
    locked.full_clean(exclude=["group", "updated_by"])
    locked.save()
    WishesAgreement.objects.create(wishes=locked, user=by, version=locked.version)
    return locked


@transaction.atomic
def agree(*, wishes: GroupWishes, user: User, version: int) -> WishesAgreement:
    """A mentee agrees to the version they read. Idempotent; refused if the wishes changed meanwhile."""
    locked = GroupWishes.objects.select_for_update().get(pk=wishes.pk)
    if user.pk not in _mentee_ids(locked.group):
        raise NotAMentee
    if version != locked.version:
        raise OutdatedVersion
    agreement, _ = WishesAgreement.objects.get_or_create(wishes=locked, user=user, version=locked.version)
    return agreement


@dataclass(frozen=True)
class Agreement:
    agreed: list[User]
    waiting: list[User]

    @property
    def by_all(self) -> bool:
        return bool(self.agreed) and not self.waiting


def agreement(wishes: GroupWishes, mentees: Iterable[User]) -> Agreement:
    """Who of the group's current mentees has agreed to the latest version, and who has not yet."""
    agreed_ids = (
        set(wishes.agreements.filter(version=wishes.version).values_list("user_id", flat=True)) if wishes.pk else set()
    )
    mentees = list(mentees)
    return Agreement(
        agreed=[person for person in mentees if person.pk in agreed_ids],
        waiting=[person for person in mentees if person.pk not in agreed_ids],
    )
