from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mentoring.navigation import overview_for
from programmes.access import can_create_programmes
from programmes.models import MembershipStatus, ProgrammeMembership


def home(request: HttpRequest) -> HttpResponse:
    """Sends each person to their work: coordinators to their programmes, mentors and mentees to their group."""
    if not request.user.is_authenticated:
        return render(request, "home/welcome.html")
    overview = overview_for(request)
    if overview.coordinates:
        return redirect("programmes:list")
    if len(overview.group_ids) == 1:
        return redirect("groups:detail", pk=overview.group_ids[0])
    if overview.group_ids:
        return redirect("groups:list")
    memberships = (
        ProgrammeMembership.objects.filter(user=request.user, status=MembershipStatus.ACTIVE)
        .select_related("programme")
        .order_by("-programme__starts_on")
    )
    return render(
        request,
        "home/waiting.html",
        {"memberships": memberships, "can_create": can_create_programmes(request)},
    )
