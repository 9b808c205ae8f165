from django.conf import settings
from django.utils.functional import SimpleLazyObject

from mentoring.navigation import overview_for


def navigation(request):
    context = {"LANGUAGE_CHOICES": settings.LANGUAGES}
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        context["nav"] = SimpleLazyObject(lambda: overview_for(request))
    return context
