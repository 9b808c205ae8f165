"""The end-of-programme report: a printable page of figures for the organisation and its funders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from programmes.access import programme_for
from reports.services.report import programme_report


@login_required
@require_safe
def report(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    return render(request, "reports/report.html", {"programme": programme, "report": programme_report(programme)})
