import zoneinfo

from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Shows each signed-in person the site in their own language and time zone.

    Runs after LocaleMiddleware (which serves signed-out visitors from the language cookie or their
    browser) and after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
