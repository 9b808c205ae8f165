from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groups.models import GroupMembership, GroupRole
from groups.services.concerns import open_concern_count
from groups.services.forming import unplaced_mentees
from groups.services.mentors import pending_requests_for, unmatched_groups
from outbox.services import undelivered
from programmes.access import can_create_programmes, programme_for
from programmes.forms import ProgrammeForm
from programmes.models import (
    ApplicationStatus,
    InvalidTransition,
    MembershipStatus,
    Programme,
    ProgrammeStatus,
    Role,
)
from programmes.services import create_programme, save_programme

_ACTIVE = Q(memberships__status=MembershipStatus.ACTIVE)


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = (
        Programme.objects.coordinated_by(request.user)
        .annotate(
            mentor_count=Count("memberships", filter=_ACTIVE & Q(memberships__role=Role.MENTOR), distinct=True),
            mentee_count=Count("memberships", filter=_ACTIVE & Q(memberships__role=Role.MENTEE), distinct=True),
            group_count=Count("groups", distinct=True),
        )
        .order_by("-starts_on", "name")
    )
    return render(
        request,
        "programmes/programme_list.html",
        {
            "programmes": programmes,
            "can_create": can_create_programmes(request),
            # A coordinator who also mentors answers requests from here: home sends coordinators to this page.
            "mentor_requests": list(pending_requests_for(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    if not can_create_programmes(request):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        programme = create_programme(by=request.user, **form.cleaned_data)
        messages.success(request, _("The programme has been created as a draft."))
        return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    groups = (
        programme.groups.annotate(
            mentee_count=Count(
                "memberships",
                filter=Q(memberships__left_at__isnull=True, memberships__role=GroupRole.MENTEE),
            )
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.current().filter(role=GroupRole.MENTOR).select_related("user"),
                to_attr="mentor_memberships",
            )
        )
        .order_by("name")
    )
    memberships = programme.memberships.filter(status=MembershipStatus.ACTIVE).select_related("user")
    people = {role: [] for role in Role}
    for membership in memberships:
        people[Role(membership.role)].append(membership.user)
    recruitment = {
        "open_invitations": programme.invitations.usable().count(),
        "new_applications": programme.applications.filter(status=ApplicationStatus.SUBMITTED).count(),
        "upcoming_events": programme.events.filter(cancelled_at__isnull=True, ends_at__gt=timezone.now()).count(),
    }
    grouping = {
        "unplaced_count": unplaced_mentees(programme).count(),
        "unmatched_count": unmatched_groups(programme).count(),
        "open_concerns": open_concern_count(programme),
        "undelivered_count": undelivered(programme.pk).count(),
    }
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "groups": groups,
            "coordinators": people[Role.COORDINATOR],
            "mentors": people[Role.MENTOR],
            "mentees": people[Role.MENTEE],
            "statuses": ProgrammeStatus,
            **recruitment,
            **grouping,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        messages.error(request, _("This programme is closed. Its details can no longer be changed."))
        return redirect("programmes:detail", pk=programme.pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        save_programme(form)
        messages.success(request, _("The programme has been saved."))
        return redirect("programmes:detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@login_required
@require_POST
def programme_move(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    target = request.POST.get("status", "")
    try:
        programme.move_to(target, by=request.user)
    except InvalidTransition:
        messages.error(request, _("The programme cannot move to that status from where it is now."))
    else:
        messages.success(request, _("The programme is now: %(status)s.") % {"status": programme.get_status_display()})
    return redirect("programmes:detail", pk=programme.pk)
