"""Answering a survey through the personal link in the survey emails.

The link carries a signed token naming the person and their current nonce. It opens that person's survey signed
out, in their own language; a bad, tampered or replaced link says "This link does not work any more" and offers to
sign in. A signed-in person who opens someone else's link is told to sign out first and answers nothing for them.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from feedback.models import Respondent, Response, RoundStatus, SurveyRound
from feedback.services.responding import token_for
from feedback.tests.test_respond_answering import all_answers, optional_question

pytestmark = pytest.mark.django_db


def link(respondent: Respondent) -> str:
    """The link as the email has it (the token carries the time it was made: call once per link)."""
    return reverse("feedback:answer_by_link", kwargs={"token": token_for(respondent)})


def test_the_link_opens_the_survey_signed_out(client, mentee_respondent):
    url = link(mentee_respondent)
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Mid-point survey" in text and "Pathways" in text
    assert "Send my answers" in text
    assert f'action="{url}"' in text
    assert "My surveys" not in text  # no breadcrumb to a page that needs signing in
    assert "It is for you alone" in text


def test_a_draft_and_its_submission_through_the_link(client, mentee_respondent):
    url = link(mentee_respondent)
    optional = optional_question(mentee_respondent)
    saved = client.post(url, {f"q{optional.pk}": "Fewer sessions online.", "action": "save"})
    assert saved.status_code == 302 and saved["Location"] == url
    page = client.get(url).content.decode()
    assert "Saved. You can come back to this page until" in page
    assert "Open the link in your email again to continue." in page
    assert "Fewer sessions online.</textarea>" in page
    sent = client.post(url, all_answers(mentee_respondent))
    assert sent.status_code == 302
    mentee_respondent.refresh_from_db()
    assert mentee_respondent.submitted_at is not None
    assert Response.objects.filter(round=mentee_respondent.round).count() == 1
    assert "Thank you!" in client.get(url).content.decode()


def test_sending_twice_through_the_link_keeps_one_response(client, mentee_respondent):
    url = link(mentee_respondent)
    client.post(url, all_answers(mentee_respondent))
    again = client.post(url, all_answers(mentee_respondent))
    assert again.status_code == 302
    assert Response.objects.filter(round=mentee_respondent.round).count() == 1
    assert "You had already sent your answers." in client.get(url).content.decode()


def test_required_answers_missing_through_the_link_come_back_at_the_questions(client, mentee_respondent):
    response = client.post(link(mentee_respondent), {"action": "send"})
    assert response.status_code == 200
    assert "Please check these answers" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "token",
    ["not-a-real-token", "eyJyIjoxLCJuIjoieCJ9:1tXyZq:tampered"],
    ids=["garbage", "forged"],
)
def test_a_bad_link_does_not_work_and_offers_to_sign_in(client, mentee_respondent, token):
    response = client.get(reverse("feedback:answer_by_link", kwargs={"token": token}))
    assert response.status_code == 404
    text = response.content.decode()
    assert "This link does not work any more" in text
    assert f"{reverse('account_login')}?next={reverse('feedback:mine')}" in text


def test_a_tampered_link_does_not_work(client, mentee_respondent):
    token = token_for(mentee_respondent)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("feedback:answer_by_link", kwargs={"token": tampered})).status_code == 404
    assert client.post(reverse("feedback:answer_by_link", kwargs={"token": tampered}), {}).status_code == 404


def test_an_old_link_stops_working_when_the_nonce_changes(client, mentee_respondent):
    old = link(mentee_respondent)
    Respondent.objects.filter(pk=mentee_respondent.pk).update(token_nonce="a-new-nonce")
    assert client.get(old).status_code == 404
    assert client.post(old, all_answers(mentee_respondent)).status_code == 404
    assert not Response.objects.exists()
    mentee_respondent.refresh_from_db()
    assert client.get(link(mentee_respondent)).status_code == 200


def test_the_link_of_a_deactivated_account_does_not_work(client, world, mentee_respondent):
    url = link(mentee_respondent)
    world.mentee.is_active = False
    world.mentee.save()
    assert client.get(url).status_code == 404


def test_someone_signed_in_as_another_person_is_told_to_sign_out_and_answers_nothing(
    as_user, world, mentee_respondent, mentor_respondent
):
    client = as_user(world.mentor)
    url = link(mentee_respondent)
    response = client.get(url)
    assert response.status_code == 403
    text = response.content.decode()
    assert "This link was sent to someone else" in text
    assert "Sign out to use it." in text
    assert f'action="{reverse("account_logout")}"' in text and f'name="next" value="{url}"' in text
    assert world.mentee.email not in text  # nothing about the person it was sent to
    assert client.post(url, all_answers(mentee_respondent)).status_code == 403
    assert not Response.objects.exists()


def test_the_person_signed_in_uses_their_own_link(as_user, world, mentee_respondent):
    client = as_user(world.mentee)
    url = link(mentee_respondent)
    assert client.get(url).status_code == 200
    client.post(url, all_answers(mentee_respondent))
    mentee_respondent.refresh_from_db()
    assert mentee_respondent.submitted_at is not None


def test_signed_out_the_page_speaks_the_persons_language_unless_they_chose_another(client, world, mentee_respondent):
    world.mentee.language = "de"
    world.mentee.save()
    assert 'lang="de"' in client.get(link(mentee_respondent)).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="en"' in client.get(link(mentee_respondent)).content.decode()


def test_the_link_to_a_closed_round_says_it_closed(client, mentee_respondent):
    SurveyRound.objects.filter(pk=mentee_respondent.round_id).update(status=RoundStatus.CLOSED)
    text = client.get(link(mentee_respondent)).content.decode()
    assert "This survey closed on" in text
    client.post(link(mentee_respondent), all_answers(mentee_respondent))
    assert not Response.objects.exists()


def test_the_link_takes_only_get_and_post(client, mentee_respondent):
    assert client.put(link(mentee_respondent)).status_code == 405
