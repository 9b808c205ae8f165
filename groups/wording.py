"""How the pages put the algorithms' structured results into words: the explanation and warnings of a proposal
for groups (``groups.proposals``), and the breakdown of a mentor's score for a group (``groups.matching``).

Everything here is translated at the time of the call, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from groups import matching as algorithm
from groups.proposals import Proposal, ProposalWarning, ProposedGroup, Share, WarningCode
from groups.services import mentors
from groups.similarity import SLOT_ORDER, Mentee
from programmes.models import AgeBand, Availability, Programme

# A proposal for groups -----------------------------------------------------------------------------------------------


def slot_label(code: str) -> str:
    return str(Availability(code).label) if code in Availability.values else code


def person(mentee: Mentee) -> dict:
    return {
        "id": mentee.id,
        "name": mentee.name,
        "languages": ", ".join(sorted(mentee.languages, key=str.casefold)),
        "goal_areas": ", ".join(sorted(mentee.goal_areas, key=str.casefold)),
        "field": mentee.field,
        "availability": ", ".join(slot_label(code) for code in SLOT_ORDER if code in mentee.availability),
    }


def shares(group: ProposedGroup) -> dict:
    """The group's explanation in sentences: what all of them share, what some share, where they differ."""
    explanation = group.explanation()
    kinds = [
        (_("Goal areas"), explanation.goal_areas, str),
        (_("Languages"), explanation.languages, str),
        (_("Can meet"), explanation.availability, slot_label),
        (_("Field"), explanation.fields, str),
    ]

    def some(share: Share, label) -> str:
        return _("%(label)s (%(count)s of %(total)s)") % {
            "label": label(share.label),
            "count": share.count,
            "total": share.total,
        }

    everyone = [
        (kind, ", ".join(label(share.label) for share in shares if share.by_all))
        for kind, shares, label in kinds
        if any(share.by_all for share in shares)
    ]
    partly = [
        (kind, ", ".join(some(share, label) for share in shares if not share.by_all))
        for kind, shares, label in kinds
        if any(not share.by_all for share in shares)
    ]
    differences = [
        _("Only %(mentee)s chose %(area)s.") % {"mentee": mentee.name, "area": area}
        for area, mentee in explanation.unique_goal_areas
    ]
    differences += [
        _("%(mentee)s speaks no language of the others.") % {"mentee": mentee.name}
        for mentee in explanation.without_shared_language
    ]
    differences += [
        _("%(mentee)s can meet at none of the others' times.") % {"mentee": mentee.name}
        for mentee in explanation.without_shared_slot
    ]
    return {"size": explanation.size, "everyone": everyone, "partly": partly, "differences": differences}


SIZE_WARNINGS = (WarningCode.GROUP_TOO_SMALL, WarningCode.GROUP_TOO_LARGE)


def warning(warning: ProposalWarning, current: Proposal, programme: Programme, names: dict[int, str]) -> dict:
    people = [names[mentee_id] for mentee_id in warning.mentee_ids if mentee_id in names]
    count = len(people)
    values = {
        "count": count,
        "names": get_text_list(people, _("and")),
        "min": programme.group_size_min,
        "max": programme.group_size_max,
    }
    group = current.groups[warning.group] if warning.group is not None else None
    if group is not None:
        values["group"] = group.name
        values["count"] = len(group.members) if warning.code in SIZE_WARNINGS else count
    code = warning.code
    if code == WarningCode.TOO_FEW_MENTEES:
        text = ngettext(
            "There is only %(count)d mentee to place, fewer than the smallest group (%(min)d). "
            "You can still create the group, or wait for more mentees.",
            "There are only %(count)d mentees to place, fewer than the smallest group (%(min)d). "
            "You can still create the group, or wait for more mentees.",
            count,
        )
    elif code == WarningCode.GROUP_TOO_SMALL:
        text = ngettext(
            "“%(group)s” has only %(count)d mentee. In this programme, groups have %(min)d to %(max)d mentees.",
            "“%(group)s” has only %(count)d mentees. In this programme, groups have %(min)d to %(max)d mentees.",
            values["count"],
        )
    elif code == WarningCode.GROUP_TOO_LARGE:
        text = _("“%(group)s” has %(count)d mentees. In this programme, groups have %(min)d to %(max)d mentees.")
    elif code == WarningCode.UNPLACED:
        text = ngettext(
            "%(count)d mentee has no group yet: %(names)s.",
            "%(count)d mentees have no group yet: %(names)s.",
            count,
        )
    elif code == WarningCode.SHARES_NOTHING:
        text = _(
            "The members of “%(group)s” have no language, time, goal area or field that they all share: %(names)s."
        )
    elif code == WarningCode.NO_COMMON_LANGUAGE:
        text = ngettext(
            "Not everyone in “%(group)s” speaks one language. %(names)s does not speak the language most of the "
            "group speaks.",
            "Not everyone in “%(group)s” speaks one language. %(names)s do not speak the language most of the "
            "group speaks.",
            count,
        )
    else:  # WarningCode.NO_COMMON_SLOT
        text = ngettext(
            "Not everyone in “%(group)s” can meet at the same time. %(names)s cannot meet when most of the group can.",
            "Not everyone in “%(group)s” can meet at the same time. %(names)s cannot meet when most of the group can.",
            count,
        )
    return {"text": text % values, "group_index": warning.group, "group": group}


# A mentor's score for a group ----------------------------------------------------------------------------------------

CRITERION_LABELS = {
    algorithm.EXPERTISE: gettext_lazy("Goal areas"),
    algorithm.GENDER: gettext_lazy("Gender"),
    algorithm.AGE: gettext_lazy("Age"),
    algorithm.BACKGROUND: gettext_lazy("Background"),
    algorithm.LANGUAGE: gettext_lazy("Language"),
    algorithm.AVAILABILITY: gettext_lazy("Time to meet"),
    algorithm.CAPACITY: gettext_lazy("Free places"),
}
WISHED_GENDER = {"woman": gettext_lazy("a woman"), "man": gettext_lazy("a man")}
WISHED_AGE = {
    algorithm.YOUNGER: gettext_lazy("younger than the members"),
    algorithm.SIMILAR: gettext_lazy("about the members' age"),
    algorithm.OLDER: gettext_lazy("older than the members"),
}
UNMATCHED_REASONS = {
    algorithm.NO_CAPACITY: gettext_lazy("No mentor who could take this group has a free place."),
    algorithm.NO_SHARED_LANGUAGE: gettext_lazy("No mentor speaks a language that every member speaks."),
}


@dataclass(frozen=True)
class Explained:
    """One criterion of a score as the pages show it."""

    code: str
    label: str
    points: float
    max_points: int
    text: str
    blocking: bool


def _listed(items) -> str:
    return ", ".join(str(item) for item in items)


def slot_labels(slots) -> str:
    labels = dict(Availability.choices)
    return _listed(labels.get(slot, slot) for slot in slots)


def _expertise(detail: Mapping[str, Any]) -> str:
    if not detail["assessed"]:
        return _("The group chose no goal areas.")
    areas = detail["areas"]
    touched = [area for area in areas if area["coverage"] > 0]
    if not touched:
        return _("Covers none of the group's goal areas.")
    names = [
        area["area"] if area["coverage"] >= 1 else _("%(area)s (partly)") % {"area": area["area"]} for area in touched
    ]
    text = ngettext(
        "Covers %(count)d of %(total)d goal area: %(areas)s.",
        "Covers %(count)d of %(total)d goal areas: %(areas)s.",
        len(areas),
    ) % {"count": len(touched), "total": len(areas), "areas": _listed(names)}
    expertise = sorted({item for area in touched for item in area["expertise"]}, key=str.casefold)
    if expertise:
        text += " " + _("From their expertise: %(items)s.") % {"items": _listed(expertise)}
    return text


def _gender(detail: Mapping[str, Any]) -> str:
    if not detail["assessed"]:
        return _("The group has no wish about the mentor's gender.")
    wish = {"wish": WISHED_GENDER.get(detail["wished"], detail["wished"])}
    if detail["met"] is None:
        return _("The group wishes for %(wish)s. The mentor did not give their gender.") % wish
    if detail["met"]:
        return _("The group wishes for %(wish)s. Met.") % wish
    return _("The group wishes for %(wish)s. Not met.") % wish


def _age(detail: Mapping[str, Any]) -> str:
    if not detail["assessed"]:
        return _("The group has no wish about the mentor's age.")
    values = {
        "wish": WISHED_AGE.get(detail["wished"], detail["wished"]),
        "band": dict(AgeBand.choices).get(detail["mentor"], detail["mentor"]),
    }
    if detail["met"] is None:
        return _("The group wishes for someone %(wish)s. The mentor's or the members' age is not known.") % values
    if detail["met"]:
        return _("The group wishes for someone %(wish)s. Met (%(band)s).") % values
    return _("The group wishes for someone %(wish)s. Not met (%(band)s).") % values


def _background(detail: Mapping[str, Any]) -> str:
    if not detail["assessed"]:
        return _("The group did not describe a background.")
    if detail["matched"]:
        return _("Their background has what the group wishes for: %(words)s.") % {"words": _listed(detail["matched"])}
    return _("Nothing in their background matches what the group wishes for.")


def _language(detail: Mapping[str, Any]) -> str:
    if not detail["assessed"]:
        return _("The members gave no languages.")
    if detail["shared"]:
        text = _("Speaks %(languages)s.") % {"languages": _listed(detail["shared"])}
    elif detail.get("group"):
        text = _("Speaks none of the group's languages (%(languages)s).") % {"languages": _listed(detail["group"])}
    else:
        text = _("The members have no language in common.")
    if detail.get("also_spoken"):
        text += " " + _("Also speaks %(languages)s, which some members speak.") % {
            "languages": _listed(detail["also_spoken"])
        }
    return text


def _availability(detail: Mapping[str, Any]) -> str:
    if not detail["assessed"]:
        return _("The members have no time in common, or did not say.")
    if detail["shared"]:
        return _("Can meet: %(slots)s.") % {"slots": slot_labels(detail["shared"])}
    return _("Cannot meet when the group can (%(slots)s).") % {"slots": slot_labels(detail["group"])}


def _capacity(places: mentors.Places) -> str:
    held = ngettext("%(taken)d of %(most)d group", "%(taken)d of %(most)d groups", places.most) % {
        "taken": places.taken,
        "most": places.most,
    }
    if not places.free:
        return _("No free place (%(places)s).") % {"places": held}
    return ngettext("%(free)d free place (%(places)s).", "%(free)d free places (%(places)s).", places.free) % {
        "free": places.free,
        "places": held,
    }


PHRASES = {
    algorithm.EXPERTISE: _expertise,
    algorithm.GENDER: _gender,
    algorithm.AGE: _age,
    algorithm.BACKGROUND: _background,
    algorithm.LANGUAGE: _language,
    algorithm.AVAILABILITY: _availability,
}


def _phrase(criterion: algorithm.Criterion, places: mentors.Places) -> str:
    if criterion.code == algorithm.CAPACITY:
        return _capacity(places)
    return PHRASES[criterion.code](criterion.detail)


def explain(score: algorithm.Score, places: mentors.Places) -> list[Explained]:
    """Each criterion of a score with its points and a short sentence saying what matched."""
    return [
        Explained(
            code=criterion.code,
            label=str(CRITERION_LABELS[criterion.code]),
            points=criterion.points,
            max_points=criterion.max_points,
            text=_phrase(criterion, places),
            blocking=criterion.blocking,
        )
        for criterion in score.criteria
    ]
