"""The coordinators' questionnaire builder: making a questionnaire, changing its details, adding, changing,
moving and deleting its questions, copying it, archiving it.

A questionnaire that has been sent (``frozen_at`` set) is what people answered: nothing in it changes any more, and
the coordinator makes an editable copy instead. A closed programme is read-only. Every change locks the
questionnaire's row and checks both again under the lock, so a round that opens meanwhile (and freezes the
questionnaire) waits for the change to finish or sees it refused.

Questions are numbered 1..n by ``position``, without gaps or repeats: every change that adds, removes or moves a
question numbers them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Audience, Purpose, Question, Questionnaire, RoundStatus, SurveyRound
from feedback.services.questionnaires import copy_questionnaire
from programmes.models import Programme

NAME_MAX_LENGTH = 200
QUESTION_FIELDS = ("kind", "text", "help_text", "required", "choices", "key")
DETAIL_FIELDS = ("name", "intro", "purpose", "audience")


class Unchangeable(Exception):
    """The questionnaire cannot change: it was sent, or its programme is closed."""


class ProgrammeClosed(Unchangeable):
    pass


class QuestionnaireFrozen(Unchangeable):
    pass


class InUse(Exception):
    """The questionnaire is chosen for a round that has not been sent yet, so it cannot be archived."""

    def __init__(self, survey_round: SurveyRound):
        super().__init__(survey_round.pk)
        self.survey_round = survey_round


class AudienceInUse(Exception):
    """A round asks this questionnaire of mentees (or mentors), and the new audience leaves them out."""

    def __init__(self, survey_round: SurveyRound):
        super().__init__(survey_round.pk)
        self.survey_round = survey_round


# Reading ----------------------------------------------------------------------------------------------------------


@dataclass
class PurposeGroup:
    purpose: str
    label: str
    questionnaires: list[Questionnaire] = field(default_factory=list)


@dataclass
class QuestionnaireList:
    groups: list[PurposeGroup]
    archived: list[Questionnaire]

    @property
    def current_count(self) -> int:
        return sum(len(group.questionnaires) for group in self.groups)


def _rounds_by_questionnaire(programme) -> dict[int, list[SurveyRound]]:
    rounds: dict[int, list[SurveyRound]] = {}
    for survey_round in programme.survey_rounds.only(
        "pk", "name", "status", "opens_on", "mentee_questionnaire_id", "mentor_questionnaire_id"
    ).order_by("opens_on", "pk"):
        for questionnaire_id in {survey_round.mentee_questionnaire_id, survey_round.mentor_questionnaire_id}:
            if questionnaire_id is not None:
                rounds.setdefault(questionnaire_id, []).append(survey_round)
    return rounds


def questionnaire_list(programme) -> QuestionnaireList:
    """The programme's questionnaires by what they are used for (mid-point, end, pulse, other), then for whom and by
    name; the archived ones apart. Each has ``question_count`` and ``rounds`` (the rounds that use it). Two queries
    whatever the number of questionnaires."""
    questionnaires = (
        programme.questionnaires.select_related("copy_of")
        .annotate(question_count=Count("questions"))
        .order_by("name", "pk")
    )
    rounds = _rounds_by_questionnaire(programme)
    groups = {purpose.value: PurposeGroup(purpose=purpose.value, label=purpose.label) for purpose in Purpose}
    audience_order = {"mentees": 0, "mentors": 1, "both": 2}
    archived = []
    for questionnaire in sorted(questionnaires, key=lambda q: audience_order.get(q.audience, 3)):
        questionnaire.rounds = rounds.get(questionnaire.pk, [])
        if questionnaire.archived_at is not None:
            archived.append(questionnaire)
        else:
            groups[questionnaire.purpose].questionnaires.append(questionnaire)
    return QuestionnaireList(groups=[group for group in groups.values() if group.questionnaires], archived=archived)


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.order_by("position", "pk"))


def rounds_using(questionnaire: Questionnaire) -> list[SurveyRound]:
    return list(
        questionnaire.programme.survey_rounds.filter(
            Q(mentee_questionnaire_id=questionnaire.pk) | Q(mentor_questionnaire_id=questionnaire.pk)
        ).order_by("opens_on", "pk")
    )


def question_of(questionnaire: Questionnaire, pk: int) -> Question:
    """A question of this questionnaire; 404 for any other."""
    question = questionnaire.questions.filter(pk=pk).first()
    if question is None:
        raise Http404("No such question.")
    question.questionnaire = questionnaire
    return question


def is_sent(questionnaire: Questionnaire) -> bool:
    """Whether people have received the questionnaire: it is frozen, or it has answers (a pulse that was answered
    before anything froze it counts too)."""
    return questionnaire.is_frozen or questionnaire.responses.exists()


def check_changeable(questionnaire: Questionnaire) -> None:
    """Raises ``ProgrammeClosed`` or ``QuestionnaireFrozen`` if the questionnaire may not change (as last read)."""
    if questionnaire.programme.is_archived:
        raise ProgrammeClosed(questionnaire.pk)
    if is_sent(questionnaire):
        raise QuestionnaireFrozen(questionnaire.pk)


# Changing ---------------------------------------------------------------------------------------------------------


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire, locked until the transaction ends, if it may still change."""
    locked = Questionnaire.objects.select_for_update().select_related("programme").get(pk=questionnaire.pk)
    check_changeable(locked)
    return locked


def _renumber(questionnaire: Questionnaire, ordered: list[Question] | None = None) -> list[Question]:
    """Numbers the questions 1..n in the given order (by default their current order); writes only those that
    change."""
    if ordered is None:
        ordered = questions_of(questionnaire)
    changed = []
    for position, question in enumerate(ordered, start=1):
        if question.position != position:
            question.position = position
            changed.append(question)
    if changed:
        Question.objects.bulk_update(changed, ["position"])
    return ordered


@transaction.atomic
def create_questionnaire(*, programme, by, name: str, intro: str, purpose: str, audience: str) -> Questionnaire:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.is_archived:
        raise ProgrammeClosed(programme.pk)
    return Questionnaire.objects.create(
        programme=programme, name=name, intro=intro, purpose=purpose, audience=audience, created_by=by
    )


@transaction.atomic
def change_details(*, questionnaire: Questionnaire, name: str, intro: str, purpose: str, audience: str) -> None:
    """Refused with ``AudienceInUse`` when a round asks it of mentees and the new audience is mentors only, or the
    other way round."""
    locked = _lock(questionnaire)
    if audience != Audience.BOTH:
        left_out = "mentor_questionnaire_id" if audience == Audience.MENTEES else "mentee_questionnaire_id"
        clash = (
            locked.programme.survey_rounds.exclude(status=RoundStatus.CLOSED)
            .filter(**{left_out: locked.pk})
            .order_by("opens_on", "pk")
            .first()
        )
        if clash is not None:
            raise AudienceInUse(clash)
    locked.name, locked.intro, locked.purpose, locked.audience = name, intro, purpose, audience
    locked.save(update_fields=list(DETAIL_FIELDS))


@transaction.atomic
def add_question(
    *,
    questionnaire: Questionnaire,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = True,
    choices: list[str] | None = None,
    key: str = "",
) -> Question:
    """A new question, last in the questionnaire."""
    locked = _lock(questionnaire)
    count = len(_renumber(locked))
    return Question.objects.create(
        questionnaire=locked,
        position=count + 1,
        kind=kind,
        text=text,
        help_text=help_text,
        required=required,
        choices=list(choices or []),
        key=key,
    )


@transaction.atomic
def change_question(
    *,
    question: Question,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = True,
    choices: list[str] | None = None,
    key: str = "",
) -> Question:
    questionnaire = _lock(question.questionnaire)
    same = Question.objects.filter(pk=question.pk, questionnaire_id=questionnaire.pk)
    if not same.update(
        kind=kind, text=text, help_text=help_text, required=required, choices=list(choices or []), key=key
    ):
        raise Http404("No such question.")  # deleted meanwhile
    return same.get()


@transaction.atomic
def delete_question(*, question: Question) -> None:
    questionnaire = _lock(question.questionnaire)
    Question.objects.filter(pk=question.pk, questionnaire_id=questionnaire.pk).delete()
    _renumber(questionnaire)


@transaction.atomic
def move_question(*, question: Question, up: bool) -> bool:
    """Swaps the question with the one before it (``up``) or after it. Returns whether it moved: the first question
    does not move up, nor the last one down."""
    questionnaire = _lock(question.questionnaire)
    ordered = questions_of(questionnaire)
    index = next((i for i, other in enumerate(ordered) if other.pk == question.pk), None)
    if index is None:
        raise Http404("No such question.")  # deleted meanwhile
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        _renumber(questionnaire, ordered)
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(questionnaire, ordered)
    return True


def copy_name(name: str) -> str:
    """The copy's name: the original's, marked as a copy, within the length a name may have."""
    pattern = _("%(name)s (copy)")
    room = NAME_MAX_LENGTH - len(pattern.replace("%(name)s", ""))
    return pattern % {"name": name[:room]}


@transaction.atomic
def make_copy(*, questionnaire: Questionnaire, by) -> Questionnaire:
    """An editable copy with the same questions in the same order, in the same programme (not in a closed one)."""
    locked = Questionnaire.objects.select_for_update().select_related("programme").get(pk=questionnaire.pk)
    if locked.programme.is_archived:
        raise ProgrammeClosed(locked.pk)
    copy = copy_questionnaire(locked, by=by, name=copy_name(locked.name))
    _renumber(copy)
    return copy


@transaction.atomic
def archive(*, questionnaire: Questionnaire) -> None:
    """Hides the questionnaire from the list and from the choices for new rounds. Refused while a round that has
    not been sent yet uses it."""
    locked = Questionnaire.objects.select_for_update().select_related("programme").get(pk=questionnaire.pk)
    if locked.programme.is_archived:
        raise ProgrammeClosed(locked.pk)
    waiting = (
        locked.programme.survey_rounds.filter(status=RoundStatus.SCHEDULED)
        .filter(Q(mentee_questionnaire_id=locked.pk) | Q(mentor_questionnaire_id=locked.pk))
        .order_by("opens_on", "pk")
        .first()
    )
    if waiting is not None:
        raise InUse(waiting)
    if locked.archived_at is None:
        Questionnaire.objects.filter(pk=locked.pk).update(archived_at=timezone.now())


@transaction.atomic
def restore(*, questionnaire: Questionnaire) -> None:
    locked = Questionnaire.objects.select_for_update().select_related("programme").get(pk=questionnaire.pk)
    if locked.programme.is_archived:
        raise ProgrammeClosed(locked.pk)
    Questionnaire.objects.filter(pk=locked.pk).update(archived_at=None)
