"""Plausible values the benchmarks write: attendance marks, survey answers and the phrases people type. Django is
imported inside the functions, once the calling script has set it up. Not part of the test run."""

from __future__ import annotations

import random

PHRASES = (
    "More confidence when I speak in meetings",
    "I applied for two jobs with the group's help",
    "Our sessions start late; please help us keep time",
    "The mentor listens well and asks good questions",
    "I would like more sessions in the evening",
    "Meeting people with the same questions helps me",
    "Hard to find time next to work and family",
    "A training on networking would be useful",
)


def attendance_mark(rng: random.Random) -> str:
    """About 80% present, 12% absent with notice, 8% absent."""
    from groups.models import AttendanceMark

    roll = rng.random()
    return AttendanceMark.PRESENT if roll < 0.8 else AttendanceMark.EXCUSED if roll < 0.92 else AttendanceMark.ABSENT


def answer_values(rng: random.Random, question) -> dict | None:
    """A plausible answer to the question, or None for an optional question left empty."""
    from feedback.models import QuestionKind

    if not question.required and rng.random() < (0.65 if question.is_text else 0.15):
        return None
    if question.kind == QuestionKind.AGREEMENT:
        return {"number": rng.choices([1, 2, 3, 4, 5], [4, 8, 20, 42, 26])[0]}
    if question.kind == QuestionKind.RATING:
        return {"number": rng.choices(range(11), [1, 1, 1, 2, 2, 4, 6, 12, 20, 25, 26])[0]}
    if question.kind == QuestionKind.YES_NO:
        return {"number": 1 if rng.random() < 0.75 else 0}
    if question.kind == QuestionKind.SINGLE:
        return {"choices": [rng.choices(question.choices, [10, 35, 40, 15][: len(question.choices)])[0]]}
    if question.kind == QuestionKind.MULTIPLE:
        return {"choices": rng.sample(question.choices, min(len(question.choices), rng.randint(1, 3)))}
    return {"text": f"{rng.choice(PHRASES)} ({rng.randint(1, 999)})"}
