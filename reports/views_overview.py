"""The cross-programme overview, for a person who coordinates one programme or several."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from mentoring.navigation import overview_for
from reports.services.health import RISK_RULES
from reports.services.overview import programmes_overview


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    if not overview_for(request).coordinates:  # the navigation's own check, made once per request
        raise PermissionDenied
    return render(
        request,
        "reports/overview.html",
        {"overview": programmes_overview(request.user), "rules": RISK_RULES},
    )
