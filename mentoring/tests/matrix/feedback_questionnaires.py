"""The questionnaire builder: the coordinators' pages of a programme, under Feedback > Questionnaires.

Only the programme's coordinators; members without the role get 403 and everyone else 404. A questionnaire or a
question of another programme, reached through this programme's address, is 404 even for its coordinator.
"""

from feedback.models import Question, QuestionKind, Questionnaire
from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, Case, programme

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
# A form sent with a mistake comes back with its message at the field: a page, not a redirect.
COORDINATOR_BAD_POST = ("login", "404", "403", "403", "403", "404", "200")
# A page that only takes GET, or an action that only takes POST, refuses the other method before anything else.
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")
# Another programme's questionnaire behind this programme's address.
NOT_HERE = ("login", "404", "403", "403", "403", "404", "404")

QUESTION = {"kind": QuestionKind.YES_NO, "text": "Do the sessions start on time?", "required": "on"}
DETAILS = {"name": "Check-in", "intro": "", "purpose": "other", "audience": "both"}


def _questionnaire(programme_) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(programme=programme_, name="Check-in")
    Question.objects.create(questionnaire=questionnaire, position=1, kind=QuestionKind.SHORT_TEXT, text="First?")
    Question.objects.create(questionnaire=questionnaire, position=2, kind=QuestionKind.SHORT_TEXT, text="Second?")
    return questionnaire


def questionnaire(world):
    return {"pk": world.programme.pk, "questionnaire_pk": _questionnaire(world.programme).pk}


def elsewhere(world):
    return {"pk": world.programme.pk, "questionnaire_pk": _questionnaire(world.other_programme).pk}


def question(world):
    questionnaire_ = _questionnaire(world.programme)
    first = questionnaire_.questions.get(position=1)
    return {"pk": world.programme.pk, "questionnaire_pk": questionnaire_.pk, "question_pk": first.pk}


def question_elsewhere(world):
    here = _questionnaire(world.programme)
    there = _questionnaire(world.other_programme).questions.get(position=1)
    return {"pk": world.programme.pk, "questionnaire_pk": here.pk, "question_pk": there.pk}


CASES = [
    Case("surveys:questionnaires", COORDINATOR_ONLY, programme),
    Case("surveys:questionnaires", WRONG_METHOD, programme, method="post"),
    Case("surveys:questionnaire_create", COORDINATOR_ONLY, programme),
    Case("surveys:questionnaire_create", COORDINATOR_POST, programme, method="post", data=DETAILS),
    Case("surveys:questionnaire_create", COORDINATOR_BAD_POST, programme, method="post", data={**DETAILS, "name": ""}),
    Case("surveys:questionnaire_create", WRONG_METHOD, programme, method="put"),
    Case("surveys:questionnaire", COORDINATOR_ONLY, questionnaire),
    Case("surveys:questionnaire", NOT_HERE, elsewhere),
    Case("surveys:questionnaire", WRONG_METHOD, questionnaire, method="post"),
    Case("surveys:questionnaire_edit", COORDINATOR_ONLY, questionnaire),
    Case("surveys:questionnaire_edit", NOT_HERE, elsewhere),
    Case("surveys:questionnaire_edit", COORDINATOR_POST, questionnaire, method="post", data=DETAILS),
    Case(
        "surveys:questionnaire_edit", COORDINATOR_BAD_POST, questionnaire, method="post", data={**DETAILS, "name": ""}
    ),
    Case("surveys:questionnaire_preview", COORDINATOR_ONLY, questionnaire),
    Case("surveys:questionnaire_preview", NOT_HERE, elsewhere),
    Case("surveys:questionnaire_preview", WRONG_METHOD, questionnaire, method="post"),
    Case("surveys:questionnaire_copy", COORDINATOR_POST, questionnaire, method="post"),
    Case("surveys:questionnaire_copy", NOT_HERE, elsewhere, method="post"),
    Case("surveys:questionnaire_copy", WRONG_METHOD, questionnaire),
    Case("surveys:questionnaire_archive", COORDINATOR_POST, questionnaire, method="post"),
    Case("surveys:questionnaire_archive", NOT_HERE, elsewhere, method="post"),
    Case("surveys:questionnaire_archive", WRONG_METHOD, questionnaire),
    Case("surveys:questionnaire_restore", COORDINATOR_POST, questionnaire, method="post"),
    Case("surveys:questionnaire_restore", NOT_HERE, elsewhere, method="post"),
    Case("surveys:questionnaire_restore", WRONG_METHOD, questionnaire),
    Case("surveys:question_add", COORDINATOR_ONLY, questionnaire),
    Case("surveys:question_add", NOT_HERE, elsewhere),
    Case("surveys:question_add", COORDINATOR_POST, questionnaire, method="post", data=QUESTION),
    Case("surveys:question_add", COORDINATOR_BAD_POST, questionnaire, method="post", data={**QUESTION, "text": ""}),
    Case("surveys:question_edit", COORDINATOR_ONLY, question),
    Case("surveys:question_edit", NOT_HERE, question_elsewhere),
    Case("surveys:question_edit", COORDINATOR_POST, question, method="post", data=QUESTION),
    Case("surveys:question_edit", COORDINATOR_BAD_POST, question, method="post", data={**QUESTION, "kind": "essay"}),
    Case("surveys:question_delete", COORDINATOR_ONLY, question),
    Case("surveys:question_delete", NOT_HERE, question_elsewhere),
    Case("surveys:question_delete", COORDINATOR_POST, question, method="post"),
    Case("surveys:question_move", COORDINATOR_POST, question, method="post", data={"direction": "down"}),
    Case("surveys:question_move", NOT_HERE, question_elsewhere, method="post", data={"direction": "down"}),
    Case("surveys:question_move", WRONG_METHOD, question),
]
