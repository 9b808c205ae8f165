"""The coordinator's programme dashboard: where the programme is, every group's health with the groups at risk,
sessions and attendance by month; and its CSV export."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.models import AuditAction
from audit.services import record
from mentoring.csv_export import csv_download, safe_cell
from programmes.access import programme_for
from reports.services.health import ATTENDANCE_FLOOR, RISK_RULES, add_mentors, programme_health, sort_groups
from reports.services.milestones import milestones

SORTS = ("name", "risk", "held", "attendance", "last", "answers")
PAGE_SIZE = 50  # rows of the groups table; the figures in numbers and the CSV cover every group


def _sort_of(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "-risk")
    return sort if sort.lstrip("-") in SORTS else "-risk"


@login_required
@require_safe
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    health = programme_health(programme)
    sort = _sort_of(request)
    only_at_risk = request.GET.get("show") == "at_risk"
    groups = sort_groups(health.at_risk if only_at_risk else health.groups, sort)
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    add_mentors(page.object_list)
    return render(
        request,
        "reports/dashboard.html",
        {
            "programme": programme,
            "health": health,
            "page": page,
            "sort": sort,
            "only_at_risk": only_at_risk,
            "milestones": milestones(programme, health.rounds),
            "rules": RISK_RULES,
            "chart": _chart(health.months),
        },
    )


def _chart(months) -> dict:
    """Bars in a 100-unit-wide slot per month, 100 units high at most: the sessions held each month (the busiest
    month the highest) and the attendance each month (100% the highest), with the line of the at-risk floor."""
    top = max((month.held for month in months), default=0) or 1
    bars, attendance = [], []
    for index, month in enumerate(months):
        height = round(100 * month.held / top)
        bars.append({"x": index * 100 + 10, "y": 110 - height, "height": height})
        if month.attendance_percent is not None:
            attendance.append(
                {"x": index * 100 + 10, "y": 110 - month.attendance_percent, "height": month.attendance_percent}
            )
    return {
        "width": max(len(months), 1) * 100,
        "bars": bars,
        "attendance": attendance,
        "floor_y": 110 - round(100 * ATTENDANCE_FLOOR),
    }


@login_required
@require_safe
def dashboard_csv(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    health = programme_health(programme)
    add_mentors(health.groups)
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(
        [
            _("Group"),
            _("Mentors"),
            _("Mentees"),
            _("Sessions held"),
            _("Sessions planned by now"),
            _("Sessions to come"),
            _("Last session"),
            _("Attendance (%)"),
            _("Contract"),
            _("Goals achieved"),
            _("Goals"),
            _("Open concerns"),
            _("Survey answered"),
            _("Survey asked"),
            _("Satisfaction (1-5)"),
            _("At risk"),
        ]
    )
    zone = programme.zone
    for group in sort_groups(health.groups, _sort_of(request)):
        writer.writerow(
            safe_cell(value)
            for value in [
                group.group.name,
                ", ".join(group.mentors),
                group.mentees,
                group.held,
                group.planned,
                group.scheduled,
                group.last_held.astimezone(zone).date().isoformat() if group.last_held else "",
                group.attendance_percent,
                group.contract,
                group.goals_achieved,
                group.goals_total,
                group.open_concerns,
                group.answered,
                group.asked,
                group.satisfaction,
                "; ".join(group.risk_labels),
            ]
        )
    record(
        action=AuditAction.EXPORT_DASHBOARD,
        actor=request.user,
        programme=programme,
        details={"rows": len(health.groups)},
    )
    return csv_download(output.getvalue(), f"{programme.name} groups {health.today.isoformat()}")
