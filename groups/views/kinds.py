"""A group's settings (coordinators), a peer group's turns at facilitating (members and coordinators), and a new
mentor circle (coordinators, under the programme's Groups tab)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from groups.access import COORDINATOR, group_for
from groups.forms.kinds import NAME_TAKEN, CircleForm, FacilitatorForm, GroupSettingsForm
from groups.models import GroupRole, MentoringGroup
from groups.services.forming import NameTaken, ProgrammeClosed
from groups.services.kinds import (
    CIRCLE_MIN,
    CircleError,
    HasMentor,
    NotAMember,
    create_circle,
    pass_facilitation,
    save_settings,
    set_next_facilitator,
)
from programmes.access import programme_for

HAS_MENTOR = gettext_lazy(
    "This group has a mentor or is waiting for a mentor's answer, so it cannot become a peer group. "
    "If the mentor has not answered yet, you can withdraw the request on the Matching page."
)


def _closed(request: HttpRequest, group: MentoringGroup) -> HttpResponse:
    messages.error(request, _("This programme is closed. Its groups can no longer be changed."))
    return redirect("groups:detail", pk=group.pk)


@login_required
@require_http_methods(["GET", "POST"])
def group_settings(request: HttpRequest, pk: int) -> HttpResponse:
    access = group_for(request, pk, roles=(COORDINATOR,))
    group = access.group
    if group.programme.is_archived:
        return _closed(request, group)
    form = GroupSettingsForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            save_settings(group=group, **form.settings())
        except ProgrammeClosed:
            return _closed(request, group)
        except HasMentor:
            form.add_error("kind", HAS_MENTOR)
        except NameTaken:
            form.add_error("name", NAME_TAKEN)
        else:
            messages.success(request, _("The group's settings are saved."))
            return redirect("groups:detail", pk=group.pk)
    return render(
        request, "groups/settings.html", {"access": access, "group": group, "programme": group.programme, "form": form}
    )


@login_required
@require_POST
def facilitation(request: HttpRequest, pk: int) -> HttpResponse:
    """Who facilitates a peer group's next session: ``action=set`` with a member, or ``action=pass`` to give the
    turn to the next person of the rota. Any member of the group or a coordinator may do it."""
    access = group_for(request, pk)
    group = access.group
    back = redirect("groups:detail", pk=group.pk)
    if not group.is_peer:
        messages.error(request, _("Only peer groups take turns to facilitate. This group has a mentor instead."))
        return back
    if group.programme.is_archived:
        return _closed(request, group)
    action = request.POST.get("action")
    try:
        if action == "pass":
            group = pass_facilitation(group=group)
        elif action == "set":
            rota = group.facilitation_rota(
                list(group.memberships.current().filter(role=GroupRole.MENTEE).select_related("user"))
            )
            form = FacilitatorForm(request.POST, rota=rota)
            if not form.is_valid():
                messages.error(request, _("Please choose one of the group's members."))
                return back
            group = set_next_facilitator(group=group, user_id=form.cleaned_data["facilitator"])
        else:
            messages.error(request, _("Please choose a person, or press “Next person's turn”."))
            return back
    except ProgrammeClosed:
        return _closed(request, group)
    except NotAMember:  # left the group a moment ago
        messages.error(request, _("Please choose one of the group's members."))
        return back
    except ValueError:  # the group became mentor-led a moment ago
        messages.error(request, _("Only peer groups take turns to facilitate. This group has a mentor instead."))
        return back
    if group.next_facilitator_id is None:
        messages.info(request, _("The group has no members to take a turn."))
    else:
        messages.success(
            request,
            _("%(name)s facilitates the next session.") % {"name": group.next_facilitator.shown_name},
        )
    return back


@login_required
@require_http_methods(["GET", "POST"])
def circle_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A mentor circle: three to five of the programme's mentors, and a supervisor who leads it."""
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        messages.error(request, _("This programme is closed. No new groups can be made in it."))
        return redirect("grouping:groups", pk=programme.pk)
    form = CircleForm(request.POST if request.method == "POST" else None, programme=programme)
    mentor_count = form.fields["mentors"].queryset.count()
    enough = mentor_count >= CIRCLE_MIN
    if request.method == "POST":
        if not enough:
            messages.error(request, _("A mentor circle needs at least three mentors in the programme."))
            return redirect("grouping:circle_create", pk=programme.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                circle = create_circle(
                    programme=programme,
                    name=data["name"],
                    focus=data["focus"],
                    mentors=data["mentors"],
                    supervisor=data["supervisor"],
                )
            except ProgrammeClosed:
                messages.error(request, _("This programme is closed. No new groups can be made in it."))
                return redirect("grouping:groups", pk=programme.pk)
            except NameTaken:
                form.add_error("name", NAME_TAKEN)
            except CircleError as error:
                _circle_error(form, str(error))
            else:
                messages.success(
                    request,
                    _("The mentor circle “%(name)s” is made. Its members find it under “My groups”.")
                    % {"name": circle.name},
                )
                return redirect("groups:detail", pk=circle.pk)
    return render(
        request,
        "groups/circle_form.html",
        {"programme": programme, "form": form, "enough": enough, "mentor_count": mentor_count, "minimum": CIRCLE_MIN},
    )


def _circle_error(form: CircleForm, reason: str) -> None:
    """What ``create_circle`` refused, at the field it concerns (the form checks the same; this is for changes
    made by someone else a moment ago)."""
    if reason == "supervisor":
        form.add_error("supervisor", _("This person cannot lead the circle. Please choose another supervisor."))
    else:
        form.add_error("mentors", _("Someone you chose is no longer a mentor of this programme. Please choose again."))
