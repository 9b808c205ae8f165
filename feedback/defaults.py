"""The questionnaires every programme starts with, written for this product: a mid-point and an end-of-programme
survey, each for mentees and for mentors, and a two-question pulse after each session.

They are copied into the programme (``feedback.services.questionnaires.default_questionnaires``) in the language
of the person creating it, and coordinators change their copies as they like. A text of the copy that is still one
of these, in any language, is shown to each reader in their own language (``shown``): a German-speaking mentee
reads the default questions in German although an English-speaking coordinator made the copy. Questions that ask
the same thing at mid-point and at the end share a ``key``, so results can set the two side by side.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from feedback.models import RECOMMEND_KEY, Audience, Purpose, QuestionKind

A, R, S, M, Y, ST, LT = (
    QuestionKind.AGREEMENT,
    QuestionKind.RATING,
    QuestionKind.SINGLE,
    QuestionKind.MULTIPLE,
    QuestionKind.YES_NO,
    QuestionKind.SHORT_TEXT,
    QuestionKind.LONG_TEXT,
)


@dataclass(frozen=True)
class Q:
    kind: str
    text: object
    key: str = ""
    help_text: object = ""
    required: bool = True
    choices: tuple = ()


@dataclass(frozen=True)
class Template:
    purpose: str
    audience: str
    name: object
    intro: object
    questions: tuple[Q, ...] = field(default_factory=tuple)


# What group mentoring aims at, asked of mentees on the agreement scale at mid-point and at the end.
OUTCOMES = (
    Q(A, _("I feel supported by my group."), key="outcome_support"),
    Q(A, _("I feel more confident than when the programme began."), key="outcome_confidence"),
    Q(A, _("I have gained knowledge or skills that I use."), key="outcome_knowledge"),
    Q(A, _("The group has given me new ideas and ways of looking at things."), key="outcome_ideas"),
    Q(A, _("The group has helped me solve a challenge I had."), key="outcome_challenges"),
    Q(A, _("I have new contacts I can turn to."), key="outcome_network"),
    Q(A, _("I feel less alone with my questions."), key="outcome_isolation"),
)

GOALS = Q(
    S,
    _("How far have you come with your goals?"),
    key="goal_progress",
    choices=(
        _("Not started yet"),
        _("Some progress"),
        _("Good progress"),
        _("Reached, or nearly"),
    ),
)

RECOMMEND = Q(
    R,
    _("How likely are you to recommend this programme to a friend or colleague?"),
    key=RECOMMEND_KEY,
    help_text=_("0 means not at all likely, 10 extremely likely."),
)

HELPED_MENTEE = Q(
    M,
    _("What has helped you most?"),
    key="helped_most",
    required=False,
    choices=(
        _("The group sessions"),
        _("The mentor"),
        _("The other mentees"),
        _("Working on my goals"),
        _("Contact between sessions"),
        _("Trainings and events"),
    ),
)

MENTEE_MIDPOINT = Template(
    purpose=Purpose.MIDPOINT,
    audience=Audience.MENTEES,
    name=_("Mid-point survey for mentees"),
    intro=_(
        "Halfway through, tell us how the programme is going for you. It takes about five minutes. Your answers "
        "help the coordinators support your group in the months ahead."
    ),
    questions=(
        Q(LT, _("What has changed for you since the programme began?"), key="changed", required=False),
        HELPED_MENTEE,
        *OUTCOMES,
        GOALS,
        Q(Y, _("Does the group meet often enough for you?"), key="often_enough"),
        Q(LT, _("What could make the rest of the programme better?"), key="improve", required=False),
        Q(
            LT,
            _("Is anything worrying you about your group?"),
            key="concerns",
            required=False,
            help_text=_("You can also raise a concern with the coordinators from your group's page at any time."),
        ),
        RECOMMEND,
    ),
)

MENTEE_END = Template(
    purpose=Purpose.END,
    audience=Audience.MENTEES,
    name=_("End-of-programme survey for mentees"),
    intro=_(
        "The programme is coming to an end. Looking back, what did it give you? It takes about ten minutes. Your "
        "answers shape the next programme."
    ),
    questions=(
        Q(LT, _("What have you accomplished during the programme?"), key="accomplishments"),
        Q(LT, _("What has changed for you since the programme began?"), key="changed", required=False),
        HELPED_MENTEE,
        *OUTCOMES,
        GOALS,
        Q(Y, _("Will you stay in touch with members of your group?"), key="stay_in_touch"),
        Q(LT, _("What should we change for the next programme?"), key="improve", required=False),
        Q(LT, _("Is there anything else you want the coordinators to know?"), key="concerns", required=False),
        RECOMMEND,
    ),
)

MENTOR_QUESTIONS = (
    Q(A, _("My group works well together."), key="mentor_group_works"),
    Q(A, _("The mentees take part actively and share responsibility."), key="mentor_participation"),
    Q(A, _("I get the support I need from the coordinators."), key="mentor_support"),
    Q(A, _("The meetings with other mentors help me."), key="mentor_circle"),
    Q(A, _("Mentoring is a good use of my time."), key="mentor_time"),
)

MENTOR_MIDPOINT = Template(
    purpose=Purpose.MIDPOINT,
    audience=Audience.MENTORS,
    name=_("Mid-point survey for mentors"),
    intro=_("Halfway through, tell us how mentoring your group is going and what would help you."),
    questions=(
        Q(LT, _("What has changed in your group since it began?"), key="changed", required=False),
        *MENTOR_QUESTIONS,
        Q(LT, _("What has helped your group most?"), key="helped_most_text", required=False),
        Q(LT, _("What would help you as a mentor?"), key="improve", required=False),
        Q(LT, _("Is anything worrying you about your group?"), key="concerns", required=False),
        RECOMMEND,
    ),
)

MENTOR_END = Template(
    purpose=Purpose.END,
    audience=Audience.MENTORS,
    name=_("End-of-programme survey for mentors"),
    intro=_("Looking back on the programme: what did your group achieve, and what did you take from it?"),
    questions=(
        Q(LT, _("What has your group accomplished?"), key="accomplishments"),
        Q(LT, _("What have you learned as a mentor?"), key="mentor_learned", required=False),
        *MENTOR_QUESTIONS,
        Q(Y, _("Would you mentor a group again?"), key="mentor_again"),
        Q(LT, _("What should we change for the next programme?"), key="improve", required=False),
        RECOMMEND,
    ),
)

PULSE = Template(
    purpose=Purpose.PULSE,
    audience=Audience.BOTH,
    name=_("Pulse after a session"),
    intro=_("Two quick questions about the session."),
    questions=(
        Q(A, _("This session was useful to me."), key="pulse_useful"),
        Q(ST, _("One thing to keep or change next time"), key="pulse_note", required=False),
    ),
)

TEMPLATES = (MENTEE_MIDPOINT, MENTOR_MIDPOINT, MENTEE_END, MENTOR_END, PULSE)


def _product_texts() -> Iterator:
    """Every text of the defaults a programme's copy may hold: names, introductions, questions, help texts and
    choices of the questionnaires, and the names of the two rounds."""
    for template in TEMPLATES:
        yield template.name
        yield template.intro
        for question in template.questions:
            yield question.text
            if question.help_text:
                yield question.help_text
            yield from question.choices
    yield Purpose.MIDPOINT.label
    yield Purpose.END.label


@functools.cache
def _sources() -> dict[str, object]:
    """Each product text, in each language of the site, mapped to the text itself (a lazy translation)."""
    sources = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for text in _product_texts():
                sources.setdefault(str(text), text)
    return sources


def shown(text: str) -> str:
    """``text`` in the reader's language if it is one of the product's default texts (as copied in any language);
    any other text, such as a question a coordinator wrote, as it is."""
    source = _sources().get(text)
    return text if source is None else str(source)
