import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views import defaults

from feedback.services.my_surveys import waiting_for
from groups.models import GroupMembership
from groups.services.home import next_steps
from groups.services.mentors import pending_requests_for
from mentoring.navigation import overview_for
from programmes.access import can_create_programmes
from programmes.models import MembershipStatus, ProgrammeMembership, Role
from programmes.services.events import upcoming_events_for

UPCOMING_EVENTS_SHOWN = 10
DATABASE_RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except when the database did not answer (a restart or a fail-over, over in seconds): then
    503 with Retry-After, and a page that says to try again. Every change is one transaction, so nothing was
    half-saved. Rendered without the request: its context processors would ask the database again."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)


def home(request: HttpRequest) -> HttpResponse:
    """Visitors see what the product is; coordinators go to their programmes; everyone else sees their next steps
    first (for a mentor: sessions to come and to log, action items, contracts, their mentor circle; for a mentee:
    the next session, goals, action items, briefings of missed sessions; surveys for both), then their groups,
    upcoming events and applications. The number of queries depends on the person's roles only."""
    if not request.user.is_authenticated:
        return render(request, "home/welcome.html")
    if overview_for(request).coordinates:
        return redirect("programmes:list")
    user = request.user
    group_memberships = list(
        GroupMembership.objects.current()
        .filter(user=user)
        .select_related("group__programme")
        .order_by("-group__programme__starts_on", "group__programme__name", "group__name")
    )
    in_a_group = {membership.group.programme_id for membership in group_memberships}
    programme_memberships = list(
        ProgrammeMembership.objects.filter(
            user=user, status=MembershipStatus.ACTIVE, role__in=[Role.MENTOR, Role.MENTEE, Role.SUPERVISOR]
        )
        .select_related("programme")
        .order_by("-programme__starts_on", "programme__name")
    )
    waiting = [
        membership
        for membership in programme_memberships
        if membership.programme_id not in in_a_group and not membership.programme.is_archived
    ]
    events = list(upcoming_events_for(user, timezone.now())[:UPCOMING_EVENTS_SHOWN])
    applications = list(user.applications.select_related("programme").order_by("-submitted_at"))
    # Only an active mentor of a programme is asked to take one of its groups.
    is_a_mentor = any(membership.role == Role.MENTOR for membership in programme_memberships)
    mentor_requests = list(pending_requests_for(user)) if is_a_mentor else []
    surveys = waiting_for(user)
    steps = next_steps(user, group_memberships)
    return render(
        request,
        "home/home.html",
        {
            "group_memberships": group_memberships,
            "waiting": waiting,
            "in_a_programme": bool(programme_memberships or group_memberships),
            "events": events,
            "applications": applications,
            "mentor_requests": mentor_requests,
            "surveys": surveys,
            "steps": steps,
            "can_create": can_create_programmes(request),
        },
    )
