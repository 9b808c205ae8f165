from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from groups.access import group_for
from groups.models import GroupMembership, GroupRole, MentoringGroup


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    """The groups the person belongs to, in every programme."""
    groups = (
        MentoringGroup.objects.filter(
            Exists(GroupMembership.objects.current().filter(group=OuterRef("pk"), user_id=request.user.pk))
        )
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.current().select_related("user"),
                to_attr="current_memberships",
            )
        )
        .order_by("-programme__starts_on", "programme__name", "name")
    )
    rows = []
    for group in groups:
        mine = next(m for m in group.current_memberships if m.user_id == request.user.pk)
        mentors = [m.user for m in group.current_memberships if m.role == GroupRole.MENTOR]
        mentee_count = sum(1 for m in group.current_memberships if m.role == GroupRole.MENTEE)
        rows.append(
            {"group": group, "my_role": mine.get_role_display(), "mentors": mentors, "mentee_count": mentee_count}
        )
    return render(request, "groups/group_list.html", {"rows": rows})


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = group_for(request, pk)
    group = access.group
    memberships = list(group.memberships.current().select_related("user").order_by("role", "user__display_name"))
    return render(
        request,
        "groups/group_detail.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "mentors": [m for m in memberships if m.role == GroupRole.MENTOR],
            "mentees": [m for m in memberships if m.role == GroupRole.MENTEE],
        },
    )
