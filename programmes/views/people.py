"""A programme's people, for its coordinators: the list, the CSV export, withdrawing a member, erasing a person."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditAction
from audit.services import record
from groups.models import GroupMembership
from mentoring.csv_export import csv_download, safe_cell
from programmes.access import programme_for
from programmes.forms.people import PeopleFilterForm
from programmes.models import Programme, ProgrammeMembership, Role
from programmes.services.people import (
    EraseRefusal,
    EraseRefused,
    WithdrawRefused,
    erase_member,
    erase_refusal,
    withdraw_member,
)


def _memberships(programme: Programme) -> QuerySet[ProgrammeMembership]:
    """Every membership of the programme with its person and their current groups here: three queries in all."""
    current_groups = (
        GroupMembership.objects.current()
        .filter(group__programme=programme)
        .select_related("group")
        .order_by("group__name")
    )
    return (
        programme.memberships.select_related("user")
        .prefetch_related(Prefetch("user__group_memberships", queryset=current_groups, to_attr="current_groups"))
        .order_by("status", "role", "user__display_name", "pk")
    )


def _groups_of(membership: ProgrammeMembership) -> list:
    """The groups the person is currently in, in the role of this membership (a coordinator is in none)."""
    return [gm.group for gm in membership.user.current_groups if gm.role == membership.role]


@login_required
@require_GET
def people(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    form = PeopleFilterForm.from_query(request.GET)
    memberships = list(form.filter(_memberships(programme)))
    for membership in memberships:
        membership.groups = _groups_of(membership)
    filtered = any(form.cleaned_data.values())
    return render(
        request,
        "programmes/people/people_list.html",
        {
            "programme": programme,
            "form": form,
            "memberships": memberships,
            "filtered": filtered,
            "no_participants": not filtered and all(m.role == Role.COORDINATOR for m in memberships),
            "export_query": urlencode({key: value for key, value in form.cleaned_data.items() if value}),
        },
    )


@login_required
@require_GET
def people_csv(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    form = PeopleFilterForm.from_query(request.GET)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark tells spreadsheet programs that the file is UTF-8
    writer = csv.writer(buffer)
    rows = 0
    writer.writerow(
        [
            _("Name"),
            _("Email"),
            _("Role"),
            _("Status"),
            _("Joined"),
            _("Left"),
            _("Groups"),
            _("Language"),
            _("Time zone"),
        ]
    )
    for membership in form.filter(_memberships(programme)):
        user = membership.user
        writer.writerow(
            safe_cell(value)
            for value in (
                _("Former participant") if user.anonymised_at else user.display_name,
                user.email,
                membership.get_role_display(),
                membership.get_status_display(),
                timezone.localdate(membership.joined_at).isoformat(),
                timezone.localdate(membership.left_at).isoformat() if membership.left_at else "",
                ", ".join(group.name for group in _groups_of(membership)),
                user.get_language_display(),
                user.time_zone,
            )
        )
        rows += 1
    record(
        action=AuditAction.EXPORT_PEOPLE,
        actor=request.user,
        programme=programme,
        details={"rows": rows, **form.chosen},
    )
    return csv_download(buffer.getvalue(), f"{programme.name} {_('people')} {timezone.localdate().isoformat()}")


@login_required
@require_POST
def member_withdraw(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    try:
        membership = programme.memberships.select_related("user").get(pk=membership_pk)
    except ProgrammeMembership.DoesNotExist:
        raise Http404("No such membership.") from None
    try:
        withdraw_member(membership=membership, by=request.user)
    except WithdrawRefused as refusal:
        if refusal.reason == WithdrawRefused.LAST_COORDINATOR:
            messages.error(
                request,
                _("%(name)s is the only coordinator. Add another coordinator before they leave the programme.")
                % {"name": membership.user.display_name},
            )
        else:
            messages.error(request, _("This programme is closed. Its people can no longer be changed."))
        return redirect("programmes:people", pk=programme.pk)
    messages.success(
        request,
        _("%(name)s no longer takes part in the programme as %(role)s.")
        % {"name": membership.user.display_name, "role": membership.get_role_display().lower()},
    )
    if membership.user_id == request.user.pk:  # they withdrew themself as a coordinator: the page is not theirs
        return redirect("programmes:list")
    return redirect("programmes:people", pk=programme.pk)


def _refusal_message(reason: EraseRefusal, person) -> str:
    if reason == EraseRefusal.SELF:
        return _("You cannot erase yourself here. To delete your own account, use “Delete your account” instead.")
    if reason == EraseRefusal.COORDINATOR:
        return _(
            "%(name)s coordinates a programme. Coordinators cannot erase each other: please ask an administrator."
        ) % {"name": person.display_name}
    return _(
        "%(name)s also takes part in a programme that you do not coordinate. "
        "An administrator must erase their personal data."
    ) % {"name": person.display_name}


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    membership = programme.memberships.select_related("user").filter(user_id=user_pk).first()
    if membership is None:
        raise Http404("No such person in this programme.")
    person = membership.user
    if request.method == "POST":
        try:
            erase_member(person=person, by=request.user, programme=programme)
        except EraseRefused as refused:
            messages.error(request, _refusal_message(refused.reason, person))
            return redirect("programmes:person_erase", pk=programme.pk, user_pk=person.pk)
        messages.success(request, _("The person's personal data has been erased. The programme's figures are kept."))
        return redirect("programmes:people", pk=programme.pk)
    reason = erase_refusal(person=person, by=request.user)
    return render(
        request,
        "programmes/people/person_erase.html",
        {
            "programme": programme,
            "person": person,
            "refusal": _refusal_message(reason, person) if reason else "",
            "is_self": reason == EraseRefusal.SELF,
            "delete_account_url": reverse("accounts:delete_account"),
        },
    )
