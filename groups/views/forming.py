"""The coordinator's pages for forming groups: the programme's groups, a proposal for the mentees without one,
and confirming it.

Nothing is saved before the coordinator confirms: the proposal lives in their session as ``Proposal.to_data()``
and every request rebuilds it from the data as it is now (``forming.load_proposal``).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from groups import proposals, wording
from groups.forms.forming import (
    DISCARD,
    MERGE,
    MOVE,
    RENAME,
    RESHUFFLE,
    SPLIT,
    START,
    ActionForm,
    MergeForm,
    MoveForm,
    RenameForm,
    SplitForm,
)
from groups.models import AssignmentStatus, GroupMembership, GroupRole, MentorAssignment
from groups.proposals import Proposal, ProposedGroup
from groups.services.forming import (
    EmptyProposal,
    NameTaken,
    ProgrammeClosed,
    StaleProposal,
    confirm_proposal,
    load_proposal,
    propose,
    unplaced_mentees,
)
from programmes.access import programme_for
from programmes.models import Programme


def _key(programme: Programme) -> str:
    return f"group_proposal:{programme.pk}"


def _groups_page(programme: Programme) -> HttpResponse:
    return redirect("grouping:groups", pk=programme.pk)


def _proposal_page(programme: Programme, group_index: int | None = None) -> HttpResponse:
    url = reverse("grouping:proposal", kwargs={"pk": programme.pk})
    return redirect(f"{url}#group-{group_index + 1}" if group_index is not None else url)


def _closed(request: HttpRequest, programme: Programme) -> HttpResponse:
    request.session.pop(_key(programme), None)
    messages.error(request, _("This programme is closed. No new groups can be formed."))
    return _groups_page(programme)


def _stale_message(request: HttpRequest) -> None:
    messages.warning(
        request, _("Mentees have joined, left or been placed since this proposal was made. Here is a new one.")
    )


# ----------------------------------------------------------------------------------------------------------------
# The programme's groups


@login_required
@require_safe
def programme_groups(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    current = GroupMembership.objects.current()
    groups = list(
        programme.groups.annotate(
            mentee_count=Count(
                "memberships", filter=Q(memberships__left_at__isnull=True, memberships__role=GroupRole.MENTEE)
            ),
            mentor_count=Count(
                "memberships", filter=Q(memberships__left_at__isnull=True, memberships__role=GroupRole.MENTOR)
            ),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=current.filter(role__in=[GroupRole.MENTOR, GroupRole.SUPERVISOR])
                .select_related("user")
                .order_by(Lower("user__display_name"), "pk"),
                to_attr="leaders",
            ),
            Prefetch(
                "mentor_assignments",
                queryset=MentorAssignment.objects.filter(status=AssignmentStatus.PENDING).select_related("mentor"),
                to_attr="pending_requests",
            ),
        )
        .order_by(Lower("name"), "pk")
    )
    for group in groups:
        group.mentors = [m.user for m in group.leaders if m.role == GroupRole.MENTOR]
        group.supervisors = [m.user for m in group.leaders if m.role == GroupRole.SUPERVISOR]
        group.pending_request = group.pending_requests[0] if group.pending_requests else None
    unplaced = list(unplaced_mentees(programme))
    return render(
        request,
        "groups/forming/groups.html",
        {
            "programme": programme,
            "groups": groups,
            "unplaced": unplaced,
            "has_mentees": bool(unplaced) or any(group.mentee_count for group in groups),
            "has_proposal": _key(programme) in request.session,
        },
    )


# ----------------------------------------------------------------------------------------------------------------
# The proposal


def _save(request: HttpRequest, programme: Programme, proposal: Proposal) -> None:
    data = proposal.to_data()
    if request.session.get(_key(programme)) != data:
        request.session[_key(programme)] = data


def _current(request: HttpRequest, programme: Programme) -> tuple[Proposal | None, bool]:
    """The proposal in the session rebuilt from today's data, or a new one if it no longer fits (then the second
    value is True); None when nobody is left to place."""
    try:
        current, renewed = load_proposal(programme, request.session[_key(programme)]), False
    except ValueError:
        current, renewed = propose(programme), True
    if not current.mentees:
        request.session.pop(_key(programme), None)
        messages.info(request, _("Every mentee has a group now. There is nothing left to propose."))
        return None, renewed
    if renewed:
        _stale_message(request)
    _save(request, programme, current)  # mentees accepted since come in unplaced: confirm what the page shows
    return current, renewed


@login_required
@require_http_methods(["GET", "POST"])
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if request.method == "POST":
        return _act(request, programme)
    if _key(programme) not in request.session:
        return _groups_page(programme)
    if programme.is_archived:
        return _closed(request, programme)
    current, _renewed = _current(request, programme)
    if current is None:
        return _groups_page(programme)
    return _render(request, programme, current)


def _act(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That is not something you can do here."))
        return _proposal_page(programme) if _key(programme) in request.session else _groups_page(programme)
    action = form.cleaned_data["action"]
    if action == DISCARD:
        request.session.pop(_key(programme), None)
        messages.info(request, _("The proposal is discarded. No groups were created."))
        return _groups_page(programme)
    if programme.is_archived:
        return _closed(request, programme)
    if action in (START, RESHUFFLE):
        return _start(request, programme, reshuffle=action == RESHUFFLE)
    if _key(programme) not in request.session:
        messages.error(request, _("There is no proposal to change. Propose groups to start a new one."))
        return _groups_page(programme)
    current, renewed = _current(request, programme)
    if current is None:
        return _groups_page(programme)
    if renewed:  # the change was meant for a proposal that is gone
        return _proposal_page(programme)
    return {MOVE: _move, RENAME: _rename, SPLIT: _split, MERGE: _merge}[action](request, programme, current)


def _start(request: HttpRequest, programme: Programme, *, reshuffle: bool) -> HttpResponse:
    made = propose(programme, seed=secrets.randbelow(2**31 - 1) + 1 if reshuffle else 0)
    if not made.mentees:
        request.session.pop(_key(programme), None)
        messages.info(request, _("Every mentee already has a group. There is nothing to propose."))
        return _groups_page(programme)
    _save(request, programme, made)
    if reshuffle:
        messages.info(request, _("Here is another arrangement. The changes you made to the last one are not kept."))
    return _proposal_page(programme)


def _refuse(request: HttpRequest, programme: Programme, form) -> HttpResponse:
    """Bad input on a form that shows no field of its own: say what went wrong; the proposal stays as it was."""
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    messages.error(request, errors[0] if errors else _("Nothing was changed. Please try again."))
    return _proposal_page(programme)


def _move(request: HttpRequest, programme: Programme, current: Proposal) -> HttpResponse:
    form = MoveForm(request.POST, proposal=current)
    if not form.is_valid():
        return _refuse(request, programme, form)
    mentee_id = form.cleaned_data["mentee"]
    name = next(mentee.name for mentee in current.mentees if mentee.id == mentee_id)
    try:
        changed = proposals.move(current, mentee_id, form.target())
    except ValueError:
        messages.error(request, _("%(mentee)s could not be moved. Please try again.") % {"mentee": name})
        return _proposal_page(programme)
    _save(request, programme, changed)
    index = changed.group_of(mentee_id)
    if index is None:
        messages.success(request, _("%(mentee)s has no group for now.") % {"mentee": name})
        return _proposal_page(programme)
    group = changed.groups[index].name
    messages.success(request, _("%(mentee)s is now in “%(group)s”.") % {"mentee": name, "group": group})
    return _proposal_page(programme, index)


def _taken_names(programme: Programme) -> set[str]:
    return {name.casefold() for name in programme.groups.values_list("name", flat=True)}


def _rename(request: HttpRequest, programme: Programme, current: Proposal) -> HttpResponse:
    form = RenameForm(request.POST, proposal=current, taken=_taken_names(programme))
    if form.is_valid():
        index, name = form.cleaned_data["group"], form.cleaned_data["name"]
        try:
            changed = proposals.rename(current, index, name)
        except ValueError:
            form.add_error("name", _("This name cannot be used. Please choose another."))
        else:
            _save(request, programme, changed)
            new_name = changed.groups[index].name
            if name:
                messages.success(request, _("The group is now called “%(name)s”.") % {"name": new_name})
            else:
                messages.success(request, _("The group has its suggested name again: “%(name)s”.") % {"name": new_name})
            return _proposal_page(programme, index)
    if "group" in form.errors:
        return _refuse(request, programme, form)
    messages.error(request, _("The group was not renamed. See the message next to its name."))
    return _render(request, programme, current, rename_form=form)


def _split(request: HttpRequest, programme: Programme, current: Proposal) -> HttpResponse:
    form = SplitForm(request.POST, proposal=current)
    if not form.is_valid():
        return _refuse(request, programme, form)
    index = form.cleaned_data["group"]
    try:
        changed = proposals.split(current, index)
    except ValueError:
        messages.error(request, _("A group of one person cannot be split."))
        return _proposal_page(programme)
    _save(request, programme, changed)
    messages.success(
        request,
        _("The group is now two groups: “%(first)s” and “%(second)s”.")
        % {"first": changed.groups[index].name, "second": changed.groups[index + 1].name},
    )
    return _proposal_page(programme, index)


def _merge(request: HttpRequest, programme: Programme, current: Proposal) -> HttpResponse:
    form = MergeForm(request.POST, proposal=current)
    if not form.is_valid():
        return _refuse(request, programme, form)
    index, into = form.cleaned_data["group"], form.cleaned_data["into"]
    try:
        changed = proposals.merge(current, into, index)
    except ValueError:
        messages.error(request, _("A group cannot be merged with itself."))
        return _proposal_page(programme)
    _save(request, programme, changed)
    merged = changed.group_of(current.groups[into].members[0].id)
    messages.success(
        request,
        _("“%(group)s” is merged into “%(into)s”.")
        % {"group": current.groups[index].name, "into": changed.groups[merged].name},
    )
    return _proposal_page(programme, merged)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        return _closed(request, programme)
    data = request.session.get(_key(programme))
    if data is None:
        messages.error(request, _("There is no proposal to confirm. Propose groups first."))
        return _groups_page(programme)
    try:
        created = confirm_proposal(programme=programme, data=data, by=request.user)
    except StaleProposal:
        messages.warning(
            request,
            _(
                "Mentees have joined, left or been placed since this proposal was made. Nothing was created. "
                "Please check the groups again, then confirm."
            ),
        )
        return _proposal_page(programme)
    except NameTaken as taken:
        messages.error(
            request,
            _("The programme already has a group called “%(name)s”. Give this group another name, then confirm.")
            % {"name": taken.name},
        )
        return _proposal_page(programme)
    except EmptyProposal:
        messages.error(request, _("The proposal has no groups. Move mentees into a group first."))
        return _proposal_page(programme)
    except ProgrammeClosed:
        return _closed(request, programme)
    request.session.pop(_key(programme), None)
    count = len(created)
    messages.success(
        request, ngettext("Created %(count)d group.", "Created %(count)d groups.", count) % {"count": count}
    )
    return _groups_page(programme)


# ----------------------------------------------------------------------------------------------------------------
def _options(groups: list[ProposedGroup], leave_out: int | None = None) -> SafeString:
    """The <option>s for the groups of the proposal but one, built once per group rather than once per mentee."""
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((index, group.name) for index, group in enumerate(groups) if index != leave_out),
    )


def _render(
    request: HttpRequest, programme: Programme, current: Proposal, *, rename_form: RenameForm | None = None
) -> HttpResponse:
    names = {mentee.id: mentee.name for mentee in current.mentees}
    failed_rename = rename_form.cleaned_data.get("group") if rename_form is not None else None
    cards = []
    for index, group in enumerate(current.groups):
        renaming = failed_rename == index
        cards.append(
            {
                "index": index,
                "number": index + 1,
                "group": group,
                "size": len(group.members),
                "too_small": len(group.members) < programme.group_size_min,
                "too_large": len(group.members) > programme.group_size_max,
                "shares": wording.shares(group) if len(group.members) >= 2 else None,
                "members": [wording.person(mentee) for mentee in group.members],
                "other_groups": _options(current.groups, index),
                "name_value": rename_form.data.get("name", "") if renaming else group.name,
                "name_errors": rename_form.errors.get("name", []) if renaming else [],
            }
        )
    return render(
        request,
        "groups/forming/proposal.html",
        {
            "programme": programme,
            "proposal": current,
            "cards": cards,
            "unplaced": [wording.person(mentee) for mentee in current.unplaced],
            "all_groups": _options(current.groups),
            "warnings": [wording.warning(warning, current, programme, names) for warning in current.warnings],
            "placed_count": sum(len(group.members) for group in current.groups),
            "similarity": round(current.similarity() * 100),
            "name_max_length": proposals.NAME_MAX_LENGTH,
        },
    )
