"""Reminder preferences: each person turns each kind of reminder on or off on their profile, or stops one kind in
one click from the link in the email. Opening the link only asks (mail scanners open links); the button, or the
mail program's one-click POST, turns it off. A forged link does nothing."""

from __future__ import annotations

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import User
from groups.services.reminders import ACTION_ITEM_DUE, LOG_NUDGE, SESSION_REMINDER, unsubscribe_token

PROFILE = "/accounts/profile/"


def saved(user: User) -> User:
    return User.objects.get(pk=user.pk)


def off_url(user: User, kind: str) -> str:
    return reverse("accounts:reminder_off", kwargs={"token": unsubscribe_token(user, kind)})


# The profile page


def test_reminders_are_on_by_default(world):
    assert (world.mentee.remind_sessions, world.mentee.remind_logging, world.mentee.remind_action_items) == (
        True,
        True,
        True,
    )


def test_the_profile_page_shows_a_checkbox_for_each_kind_of_reminder(as_user, world):
    page = as_user(world.mentee).get(PROFILE).content.decode()
    for field, label in [
        ("remind_sessions", "Remind me before my sessions"),
        ("remind_logging", "Remind me to log a session I led"),
        ("remind_action_items", "Remind me when my action items are due"),
    ]:
        assert f'type="checkbox" name="{field}"' in page
        assert label in page


def test_unticking_a_box_on_the_profile_turns_that_reminder_off(as_user, world):
    client = as_user(world.mentee)
    data = {
        "display_name": "Max Mentee",
        "language": "en",
        "time_zone": "Europe/Berlin",
        "remind_sessions": "on",
        "remind_action_items": "on",
    }
    response = client.post(PROFILE, data)
    assert response.status_code == 302
    person = saved(world.mentee)
    assert (person.remind_sessions, person.remind_logging, person.remind_action_items) == (True, False, True)


# The link in the email


def test_opening_the_link_only_asks(client, world):
    response = client.get(off_url(world.mentee, SESSION_REMINDER))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop these reminders?" in page
    assert '<form method="post"' in page
    assert saved(world.mentee).remind_sessions is True


def test_the_button_turns_that_kind_off_and_says_how_to_turn_it_on_again(client, world):
    response = client.post(off_url(world.mentee, LOG_NUDGE))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reminders are off" in page
    assert PROFILE in page
    person = saved(world.mentee)
    assert (person.remind_sessions, person.remind_logging, person.remind_action_items) == (True, False, True)


def test_the_mail_programs_one_click_post_works_without_a_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        off_url(world.mentee, ACTION_ITEM_DUE),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert saved(world.mentee).remind_action_items is False


def test_the_page_speaks_the_persons_language(client, world):
    world.mentee.language = "de"
    world.mentee.save()
    response = client.get(off_url(world.mentee, SESSION_REMINDER))
    assert response.status_code == 200
    assert 'lang="de"' in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"u": 1, "k": SESSION_REMINDER}, salt="another.salt"),
        signing.dumps({"u": 1, "k": "groups.session_invitation"}, salt="groups.reminders.unsubscribe"),
    ],
    ids=["garbage", "wrong-salt", "not-a-reminder"],
)
def test_a_forged_link_changes_nothing(client, world, method, token):
    response = getattr(client, method)(reverse("accounts:reminder_off", kwargs={"token": token}))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    person = saved(world.mentee)
    assert (person.remind_sessions, person.remind_logging, person.remind_action_items) == (True, True, True)


def test_a_link_changed_to_another_person_is_refused(client, world):
    token = unsubscribe_token(world.mentee, SESSION_REMINDER)
    _payload, rest = token.split(":", 1)
    other = signing.b64_encode(f'{{"u":{world.mentor.pk},"k":"{SESSION_REMINDER}"}}'.encode()).decode()
    response = client.post(reverse("accounts:reminder_off", kwargs={"token": f"{other}:{rest}"}))
    assert response.status_code == 404
    assert saved(world.mentor).remind_sessions is True


def test_the_link_of_an_erased_person_does_nothing(client, world):
    url = off_url(world.mentee, SESSION_REMINDER)
    User.objects.filter(pk=world.mentee.pk).update(is_active=False)
    assert client.post(url).status_code == 404


def test_other_methods_are_refused(client, world):
    assert client.put(off_url(world.mentee, SESSION_REMINDER)).status_code == 405
