"""The words of a contract: the default texts of a programme's template, and what changed between two versions,
section by section and word by word. No database access here."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from groups.models import SECTIONS, ContractVersion, MentorCompensation

# The facts of a contract before its text: its dates, the rhythm of sessions, the mentor's role.
FACTS = ("starts_on", "ends_on", "sessions_per_month", "session_minutes", "compensation")


def default_texts() -> dict[str, str]:
    """The template's first texts, in the active language (the coordinator's, when the template is created)."""
    return {
        "compensation": MentorCompensation.VOLUNTEER,
        "tools_and_channels": gettext(
            "We meet in person at a place we agree on, or by video call when meeting in person is not possible. "
            "The mentor sends the address or the link before each session.\n\n"
            "Between sessions we use one group chat and email. Nobody outside the group reads the chat."
        ),
        "contact_between_sessions": gettext(
            "Between sessions, you can write to the mentor with short questions. The mentor answers within a few "
            "days. Please do not call late in the evening or at the weekend, unless you agreed on it first.\n\n"
            "For a longer talk, agree on a time, or bring it to the next session."
        ),
        "session_structure": gettext(
            "Every session starts with a short check-in: each person says how they are and what has happened "
            "since the last session.\n\n"
            "Then each person has time for their own topic. The others listen, ask questions and share ideas.\n\n"
            "At the end, each person says what they will do before the next session. We start and end on time."
        ),
        "action_items": gettext(
            "At the end of each session, everyone names one or two things they will do before the next session. "
            "The mentor writes them down.\n\n"
            "At the start of the next session, each person tells the group how it went. It is fine if something "
            "did not work: we talk about what to try next."
        ),
        "absent_members": gettext(
            "If you cannot come to a session, tell the mentor as early as you can.\n\n"
            "After the session, the mentor writes a short briefing for the people who missed it: what we talked "
            "about and what we agreed to do next. The briefing leaves out private details."
        ),
        "goals": gettext(
            "Our common goals as a group: (write them down together at the first session).\n\n"
            "Each mentee also has their own goals, and writes them down in the first weeks. Each mentee decides if "
            "they share their goals with the group. In every session there is time to work on the goals, and in "
            "the middle of the programme we look at them again."
        ),
        "roles": gettext(
            "The mentor guides the sessions, listens, asks questions and shares their experience. The mentor does "
            "not decide for the mentees.\n\n"
            "The mentees come prepared, take an active part and support each other. Everyone treats everyone with "
            "respect."
        ),
        "compensation_note": gettext(
            "The mentor gives their time as a volunteer. The mentees do not pay the mentor, and the mentor does not "
            "ask them for money or favours."
        ),
        "confidentiality": gettext(
            "What a person says in the group stays in the group. We do not tell anyone outside the group, and this "
            "does not end when the programme ends. It is the same for the mentor and for every mentee.\n\n"
            "Only if someone may be in danger does the mentor ask the coordinator for help."
        ),
        "responsibility": gettext(
            "Each mentee makes their own decisions and is responsible for them. The mentor and the group give "
            "ideas and share experience. They do not decide for you."
        ),
        "follow_up": gettext(
            "We follow everyone's progress together. In the middle of the programme and at its end, we look back "
            "at our goals and talk about what works and what we want to change.\n\n"
            "If something in the group does not work for you, say so early, to the group or to the coordinator."
        ),
    }


# What changed between two versions ------------------------------------------------------------------------------------

TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class SectionChange:
    name: str
    label: str
    text: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(piece.kind != "same" for piece in self.pieces)


def word_diff(old: str, new: str) -> list[Piece]:
    """The new text in pieces: unchanged, added or removed words (whitespace kept).

    Changes separated only by a space are shown as one change ("in the library" became "online by video"), not
    word by word, which reads better and is what a person would write."""
    before, after = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    operations = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    pieces: list[Piece] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        old_text, new_text = "".join(removed), "".join(added)
        core = new_text.strip()
        # Spaces around a change stay outside its marks, so that an underline starts and ends with the words.
        lead = new_text[: len(new_text) - len(new_text.lstrip())] if core else ""
        trail = new_text[len(new_text.rstrip()) :] if core else new_text
        if lead:
            pieces.append(Piece("same", lead))
        if old_text.strip():
            pieces.append(Piece("removed", old_text.strip()))
        if core:
            pieces.append(Piece("added", core))
        if trail:  # also when only the spacing changed: keep the new spacing, as it is
            pieces.append(Piece("same", trail))
        removed.clear()
        added.clear()

    for index, (operation, i1, i2, j1, j2) in enumerate(operations):
        if operation != "equal":
            removed.extend(before[i1:i2])
            added.extend(after[j1:j2])
            continue
        text = "".join(after[j1:j2])
        if text.isspace() and (removed or added) and index + 1 < len(operations):
            removed.append(text)
            added.append(text)
            continue
        flush()
        pieces.append(Piece("same", text))
    flush()
    return pieces


def section_label(name: str) -> str:
    return str(ContractVersion._meta.get_field(name).verbose_name)


def sections_of(text) -> list[SectionChange]:
    """The written parts of a version or template, with their labels, in the contract's order."""
    return [SectionChange(name, section_label(name), getattr(text, name)) for name in SECTIONS]


def changes(version: ContractVersion, previous: ContractVersion) -> list[SectionChange]:
    """Section by section, what changed from ``previous`` to ``version``."""
    found = []
    for name in SECTIONS:
        text = getattr(version, name)
        found.append(SectionChange(name, section_label(name), text, word_diff(getattr(previous, name), text)))
    return found
