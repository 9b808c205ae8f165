"""Survey results: a round's results, all written answers to one question, the export and the mid-point and end
compared are the programme's coordinators' pages only. Mentees and mentors of the programme get 403, everyone
else 404 (a round or a programme of someone else's is not even said to exist)."""

from feedback.models import QuestionKind, SurveyRound
from feedback.services.rounds import ensure_rounds
from mentoring.tests.matrix import COORDINATOR_ONLY, Case, programme

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
# An anonymous round without three responses sends the coordinator back to its results with a message.
COORDINATOR_SENT_BACK = ("login", "404", "403", "403", "403", "404", "302")
# A page that only takes GET refuses other methods before anything else.
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")


def anonymous_round(world):
    midpoint, _end = ensure_rounds(world.programme)
    return {"pk": world.programme.pk, "round_pk": midpoint.pk}


def named_round(world):
    midpoint, _end = ensure_rounds(world.programme)
    SurveyRound.objects.filter(pk=midpoint.pk).update(anonymous=False)
    return {"pk": world.programme.pk, "round_pk": midpoint.pk}


def written_question(world):
    kwargs = named_round(world)
    midpoint = SurveyRound.objects.get(pk=kwargs["round_pk"])
    question = midpoint.mentee_questionnaire.questions.filter(kind=QuestionKind.LONG_TEXT).first()
    return {**kwargs, "question_pk": question.pk}


def anonymous_written_question(world):
    kwargs = written_question(world)
    SurveyRound.objects.filter(pk=kwargs["round_pk"]).update(anonymous=True)
    return kwargs


def programme_with_rounds(world):
    ensure_rounds(world.programme)
    return {"pk": world.programme.pk}


CASES = [
    Case("surveys:results", COORDINATOR_ONLY, anonymous_round),
    Case("surveys:results", WRONG_METHOD, anonymous_round, method="post"),
    Case("surveys:results_text", COORDINATOR_ONLY, written_question),
    Case("surveys:results_text", COORDINATOR_SENT_BACK, anonymous_written_question),
    Case("surveys:results_text", WRONG_METHOD, written_question, method="post"),
    Case("surveys:results_csv", COORDINATOR_ONLY, named_round),
    Case("surveys:results_csv", COORDINATOR_SENT_BACK, anonymous_round),
    Case("surveys:results_csv", WRONG_METHOD, named_round, method="post"),
    Case("surveys:compare", COORDINATOR_ONLY, programme),
    Case("surveys:compare", COORDINATOR_ONLY, programme_with_rounds),
    Case("surveys:compare", WRONG_METHOD, programme, method="post"),
]
