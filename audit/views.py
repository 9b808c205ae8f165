"""A programme's audit log, for its coordinators."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.forms import AuditFilterForm
from audit.services import programme_log as events_of
from programmes.access import programme_for

PAGE_SIZE = 50


@login_required
@require_safe
def programme_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who did something sensitive in the programme, and when: the newest first, 50 to a page."""
    programme = programme_for(request, pk).programme
    form = AuditFilterForm.from_query(request.GET)
    action = form.cleaned_data["action"]
    page = Paginator(events_of(programme, action=action), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/programme_log.html",
        {
            "programme": programme,
            "form": form,
            "page": page,
            "events": page.object_list,
            "filtered": bool(action),
            "filter_query": urlencode({"action": action}) if action else "",
        },
    )
