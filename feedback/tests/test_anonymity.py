"""An anonymous round keeps nothing with the answers that points to a person: no respondent, no group (a group has
one mentor), and no time of day (it would match the moment the person is recorded as having answered)."""

from __future__ import annotations

import datetime

import pytest

from feedback.models import Response
from feedback.services.responding import questionnaire_of, save_answers

pytestmark = pytest.mark.django_db


def first_rating(respondent):
    return questionnaire_of(respondent).questions.filter(kind="rating").first()


@pytest.mark.parametrize("which", ["mentee_respondent", "mentor_respondent"])
def test_a_submitted_anonymous_response_points_to_nobody(request, open_midpoint, which):
    respondent = request.getfixturevalue(which)
    save_answers(respondent=respondent, answers={first_rating(respondent).pk: 9}, submit=False)
    draft = Response.objects.get(respondent=respondent)
    assert draft.group_id == respondent.group_id  # while a draft, it is the person's own

    save_answers(respondent=respondent, answers={first_rating(respondent).pk: 9}, submit=True)
    response = Response.objects.get(pk=draft.pk)
    respondent.refresh_from_db()
    assert response.respondent_id is None
    assert response.group_id is None
    assert response.role == respondent.role
    assert response.submitted_at is None
    assert response.started.astimezone(open_midpoint.programme.zone).time() == datetime.time.min
    assert respondent.submitted_at is not None


def test_a_named_response_keeps_its_person_and_group(world, open_midpoint, mentee_respondent):
    from feedback.models import SurveyRound

    SurveyRound.objects.filter(pk=open_midpoint.pk).update(anonymous=False)
    mentee_respondent.round.anonymous = False
    save_answers(respondent=mentee_respondent, answers={first_rating(mentee_respondent).pk: 7}, submit=True)
    response = Response.objects.get(respondent=mentee_respondent)
    assert (response.group, response.submitted_at is not None) == (world.group, True)
