"""A person's profile, and the language and time zone the site is shown to them in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone, translation

from accounts.middleware import UserPreferencesMiddleware
from accounts.models import User
from mentoring.tests.factories import UserFactory

PROFILE = "/accounts/profile/"
SWITCH_LANGUAGE = "/accounts/language/"


def profile_data(user: User, **changes) -> dict[str, str]:
    data = {"display_name": user.display_name, "language": user.language, "time_zone": user.time_zone}
    # Ticked boxes, as a browser sends them: saving the profile keeps the reminders as they are.
    data.update(
        {name: "on" for name in ("remind_sessions", "remind_logging", "remind_action_items") if getattr(user, name)}
    )
    data.update(changes)
    return data


def saved(user: User) -> User:
    return User.objects.get(pk=user.pk)


# The profile page


def test_the_profile_page_needs_a_signed_in_person(client, db):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={PROFILE}"


def test_the_profile_page_shows_the_current_values(as_user, world):
    client = as_user(world.mentee)

    response = client.get(PROFILE)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {
        "display_name": "Max Mentee",
        "language": "en",
        "time_zone": "Europe/Berlin",
        "remind_sessions": True,
        "remind_logging": True,
        "remind_action_items": True,
    }
    page = response.content.decode()
    assert 'value="Max Mentee"' in page
    assert '<option value="Europe/Berlin" selected>' in page
    assert "mentee@example.org" in page


def test_saving_the_profile_stores_name_language_and_time_zone(as_user, world):
    client = as_user(world.mentee)

    response = client.post(
        PROFILE,
        profile_data(world.mentee, display_name="  Maxine Mentee ", language="de", time_zone="America/Toronto"),
    )

    assert response.status_code == 302
    assert response.url == PROFILE
    user = saved(world.mentee)
    assert user.display_name == "Maxine Mentee"
    assert user.language == "de"
    assert user.time_zone == "America/Toronto"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


@pytest.mark.parametrize("name", ["", "   "])
def test_the_profile_needs_a_name(as_user, world, name):
    client = as_user(world.mentee)

    response = client.post(PROFILE, profile_data(world.mentee, display_name=name, language="de"))

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    user = saved(world.mentee)
    assert user.display_name == "Max Mentee"
    assert user.language == "en", "nothing is saved while the form has an error"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "US/Eastern", ""])
def test_the_profile_refuses_a_time_zone_we_do_not_offer(as_user, world, zone):
    client = as_user(world.mentee)

    response = client.post(PROFILE, profile_data(world.mentee, time_zone=zone, display_name="Changed"))

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    user = saved(world.mentee)
    assert user.time_zone == "Europe/Berlin"
    assert user.display_name == "Max Mentee"


def test_the_profile_refuses_a_language_we_do_not_offer(as_user, world):
    client = as_user(world.mentee)

    response = client.post(PROFILE, profile_data(world.mentee, language="fr"))

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert saved(world.mentee).language == "en"


def test_after_choosing_german_the_next_page_is_in_german(as_user, world):
    client = as_user(world.mentee)

    response = client.post(PROFILE, profile_data(world.mentee, language="de"), follow=True)

    assert response.headers["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()
    password_page = client.get("/accounts/password/change/")
    assert password_page.headers["Content-Language"] == "de"
    assert "Passwort ändern" in password_page.content.decode()


def test_a_signed_in_persons_language_wins_over_the_browsers(as_user, world):
    User.objects.filter(pk=world.mentee.pk).update(language="de")
    client = as_user(world.mentee)

    response = client.get(PROFILE, headers={"accept-language": "en"})

    assert response.headers["Content-Language"] == "de"


def test_a_visitor_gets_the_browsers_language(client, db):
    response = client.get("/accounts/login/", headers={"accept-language": "de-DE,de;q=0.9"})

    assert response.headers["Content-Language"] == "de"
    assert "Passwort vergessen?" in response.content.decode()


# The middleware that applies a person's preferences


@pytest.fixture
def preferences_seen_by_view():
    """Calls UserPreferencesMiddleware and reports the language and time zone active inside the view."""
    seen = {}

    def view(request):
        seen["time_zone"] = timezone.get_current_timezone_name()
        seen["language"] = translation.get_language()
        seen["request_language"] = getattr(request, "LANGUAGE_CODE", None)
        return "response"

    def call(user=None, *, with_user_attribute=True):
        request = RequestFactory().get("/")
        if with_user_attribute:
            request.user = user if user is not None else AnonymousUser()
        assert UserPreferencesMiddleware(view)(request) == "response"
        return seen

    with translation.override("en"):
        yield call
    timezone.deactivate()


def test_middleware_activates_a_signed_in_persons_time_zone_and_language(db, preferences_seen_by_view):
    person = UserFactory(language="de", time_zone="America/Toronto")

    seen = preferences_seen_by_view(person)

    assert seen == {"time_zone": "America/Toronto", "language": "de", "request_language": "de"}


def test_middleware_leaves_visitors_in_the_default_zone_and_the_negotiated_language(preferences_seen_by_view):
    timezone.activate("Asia/Tokyo")  # left over from an earlier request on this thread

    with translation.override("de"):  # what LocaleMiddleware negotiated from the cookie or the browser
        seen = preferences_seen_by_view(AnonymousUser())

    assert seen["time_zone"] == settings.TIME_ZONE
    assert seen["language"] == "de"


def test_middleware_copes_with_a_request_without_a_user(preferences_seen_by_view):
    seen = preferences_seen_by_view(with_user_attribute=False)

    assert seen["time_zone"] == settings.TIME_ZONE


def test_middleware_falls_back_to_the_default_zone_for_a_zone_that_no_longer_exists(db, preferences_seen_by_view):
    person = UserFactory(time_zone="Europe/Berlin")
    person.time_zone = "Atlantis/Capital"
    timezone.activate("Asia/Tokyo")

    seen = preferences_seen_by_view(person)

    assert seen["time_zone"] == settings.TIME_ZONE


# The language switcher


def switch_language(client, language: str, next_url: str | None = "/groups/"):
    data = {"language": language}
    if next_url is not None:
        data["next"] = next_url
    return client.post(SWITCH_LANGUAGE, data)


def test_a_visitor_switching_language_gets_the_cookie_and_goes_back(client, db):
    response = switch_language(client, "de")

    assert response.status_code == 302
    assert response.url == "/groups/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "de"
    assert client.get("/accounts/login/").headers["Content-Language"] == "de"


def test_a_signed_in_person_switching_language_keeps_it_as_their_preference(as_user, world):
    client = as_user(world.mentee)

    response = switch_language(client, "de")

    assert response.status_code == 302
    assert response.url == "/groups/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert saved(world.mentee).language == "de"
    assert client.get(PROFILE).headers["Content-Language"] == "de"


def test_switching_to_an_unknown_language_is_a_bad_request(as_user, world):
    client = as_user(world.mentee)

    response = switch_language(client, "xx")

    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert saved(world.mentee).language == "en"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_switching_language_never_sends_anyone_off_site(client, db, next_url):
    response = switch_language(client, "de", next_url)

    assert response.status_code == 302
    assert response.url == "/"


def test_switching_language_without_next_goes_home(client, db):
    response = switch_language(client, "de", next_url=None)

    assert response.url == "/"


def test_switching_language_is_post_only(client, db):
    response = client.get(SWITCH_LANGUAGE, {"language": "de", "next": "/groups/"})

    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
