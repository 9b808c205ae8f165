"""The coordinator's pages for programme events: the list, planning and changing, cancelling, attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from programmes.access import programme_for
from programmes.forms.events import AttendanceForm, CancelEventForm, EventForm
from programmes.models import AttendanceStatus, Programme, ProgrammeEvent
from programmes.services.events import (
    EventCancelled,
    cancel_event,
    create_event,
    invitee_count,
    invitees,
    record_attendance,
    update_event,
)


def _event_of(programme: Programme, event_pk: int) -> ProgrammeEvent:
    event = programme.events.filter(pk=event_pk).first()
    if event is None:
        raise Http404("No such event.")
    return event


def _refuse_if_closed(request: HttpRequest, programme: Programme) -> HttpResponse | None:
    if programme.is_archived:
        messages.error(request, _("This programme is closed. Its events can no longer be changed."))
        return redirect("programmes:events", pk=programme.pk)
    return None


def _cancelled(request: HttpRequest, programme: Programme) -> HttpResponse:
    messages.error(request, _("This event is cancelled. It can no longer be changed."))
    return redirect("programmes:events", pk=programme.pk)


def _refuse_if_cancelled(request: HttpRequest, event: ProgrammeEvent) -> HttpResponse | None:
    return _cancelled(request, event.programme) if event.is_cancelled else None


@login_required
@require_safe
def event_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    events = (
        programme.events.annotate(
            invitee_count=invitee_count(),
            present_count=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
            excused_count=Count("attendance", filter=Q(attendance__status=AttendanceStatus.EXCUSED)),
            absent_count=Count("attendance", filter=Q(attendance__status=AttendanceStatus.ABSENT)),
        )
        .prefetch_related("groups")
        .order_by("starts_at", "pk")
    )
    now = timezone.now()
    upcoming, past = [], []
    for event in events:
        event.recorded_count = event.present_count + event.excused_count + event.absent_count
        event.is_over = event.ends_at <= now
        (past if event.is_over else upcoming).append(event)
    past.reverse()  # the most recent first
    return render(
        request,
        "programmes/events/event_list.html",
        {"programme": programme, "upcoming": upcoming, "past": past, "cancel_form": CancelEventForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if refused := _refuse_if_closed(request, programme):
        return refused
    form = EventForm(request.POST if request.method == "POST" else None, programme=programme)
    if request.method == "POST" and form.is_valid():
        fields = form.event_fields()
        create_event(programme=programme, by=request.user, **fields)
        if fields["notify"]:
            messages.success(request, _("The event is planned. The invitees will get an email."))
        else:
            messages.success(request, _("The event is planned. Invitees see it on their home page."))
        return redirect("programmes:events", pk=programme.pk)
    return render(request, "programmes/events/event_form.html", {"form": form, "programme": programme, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    event = _event_of(programme, event_pk)
    if refused := _refuse_if_closed(request, programme) or _refuse_if_cancelled(request, event):
        return refused
    form = EventForm(request.POST if request.method == "POST" else None, programme=programme, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            update_event(event=event, **form.event_fields())
        except EventCancelled:  # cancelled by someone else meanwhile
            return _cancelled(request, programme)
        messages.success(request, _("The event has been saved."))
        return redirect("programmes:events", pk=programme.pk)
    return render(request, "programmes/events/event_form.html", {"form": form, "programme": programme, "event": event})


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    event = _event_of(programme, event_pk)
    if refused := _refuse_if_closed(request, programme):
        return refused
    form = CancelEventForm(request.POST)
    notify = form.is_valid() and form.cleaned_data["notify"]
    try:
        cancel_event(event=event, notify=notify)
    except EventCancelled:
        messages.info(request, _("This event was already cancelled."))
    else:
        if notify:
            messages.success(request, _("“%(title)s” is cancelled. The invitees will get an email.") % {"title": event})
        else:
            messages.success(request, _("“%(title)s” is cancelled.") % {"title": event})
    return redirect("programmes:events", pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def event_attendance(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    event = _event_of(programme, event_pk)
    if request.method == "POST" and (
        refused := _refuse_if_closed(request, programme) or _refuse_if_cancelled(request, event)
    ):
        return refused
    people = list(invitees(event))
    recorded = dict(event.attendance.values_list("user_id", "status"))
    form = AttendanceForm(request.POST if request.method == "POST" else None, people=people, recorded=recorded)
    if request.method == "POST" and form.is_valid():
        try:
            record_attendance(event=event, statuses=form.statuses(), by=request.user)
        except EventCancelled:  # cancelled by someone else meanwhile
            return _cancelled(request, programme)
        messages.success(request, _("Attendance has been saved."))
        return redirect("programmes:events", pk=programme.pk)
    return render(
        request,
        "programmes/events/event_attendance.html",
        {"form": form, "programme": programme, "event": event, "statuses": AttendanceStatus},
    )
