from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.models import User
from groups import calendars
from groups.services import reminders
from groups.services.scheduling import feed_events, feed_sessions
from outbox.services import absolute_url
from programmes.services.people import anonymise_person, programmes_left_without_coordinator


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        _set_language_cookie(response, user.language)
        return response
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Switches the interface language; for a signed-in person it becomes their preferred language."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("home")
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(next_url)
    _set_language_cookie(response, language)
    return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """A person erases their own account: their name, address and what they wrote go; anonymous figures stay."""
    form = DeleteAccountForm(request.POST or None, request=request)
    sole_coordinator_of = programmes_left_without_coordinator(request.user)
    if request.method == "POST" and not sole_coordinator_of and form.is_valid():
        anonymise_person(user=request.user, by=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted. Thank you for taking part."))
        return redirect("home")
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form, "sole_coordinator_of": sole_coordinator_of},
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The person's private calendar feed address, how to add it to a calendar app, and a way to make a new one
    (the old address then stops working)."""
    if request.method == "POST":
        request.user.reset_calendar_token()
        messages.success(
            request,
            _("Your calendar has a new address. The old one no longer works: add the new one to your calendar app."),
        )
        return redirect("accounts:calendar")
    feed_url = absolute_url(reverse("calendar_feed", kwargs={"token": request.user.calendar_token}))
    return render(
        request,
        "accounts/calendar.html",
        {"feed_url": feed_url, "webcal_url": "webcal://" + feed_url.split("://", 1)[1]},
    )


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's sessions and programme events as an iCalendar feed that calendar apps subscribe to. No sign-in:
    the secret in the address is the key, so an unknown (or replaced) one is 404."""
    user = User.objects.filter(calendar_token=token, is_active=True, anonymised_at__isnull=True).first()
    if user is None:
        raise Http404("No such calendar.")
    with translation.override(user.language):
        content = calendars.feed(user, feed_sessions(user), feed_events(user))
    response = HttpResponse(content, content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    response["Cache-Control"] = "private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


# No CSRF check on this view only: the signed token in the address is the credential, not the browser's session,
# and mail programs send the one-click POST of RFC 8058 ("List-Unsubscribe-Post") without any cookie or form token.
# A forged POST could at worst turn off one kind of reminder for the person the token names.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminder_off(request: HttpRequest, token: str) -> HttpResponse:
    """Stops one kind of reminder email from the link in the email, without signing in. GET only asks (mail
    scanners open links); the button's POST, or the mail program's one-click POST, turns it off."""
    found = reminders.read_unsubscribe_token(token)
    if found is None:
        return render(request, "accounts/reminder_off.html", {"invalid": True}, status=404)
    user, kind = found
    with translation.override(user.language):
        if request.method == "POST":
            reminders.turn_off(user, kind)
        return render(
            request,
            "accounts/reminder_off.html",
            {"kind": kind, "done": request.method == "POST", "profile_url": reverse("accounts:profile")},
        )
