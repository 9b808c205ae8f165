"""The group's mentoring contract: reading it and its history, drafting, proposing, agreeing, printing; and the
coordinators' overview of every group's contract, reminders, and the programme's template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from groups.access import MEMBER, GroupAccess, group_for, programme_group
from groups.contract_text import changes, default_texts, sections_of
from groups.forms.contracts import AgreeForm, ContractForm, TemplateForm
from groups.models import ContractTemplate, MentoringGroup, VersionStatus
from groups.services.contracts import (
    EDITABLE,
    ChangeNoteMissing,
    ContractState,
    NoDraft,
    NotASignatory,
    NothingOpen,
    OutdatedDraft,
    OutdatedVersion,
    ProgrammeClosed,
    VersionLocked,
    agree,
    can_draft,
    compared_with,
    contract_state,
    draft_start,
    is_amendment,
    propose,
    remind,
    save_draft,
    signs,
    template_for,
    update_template,
    version_record,
    withdraw,
)
from groups.services.contracts import programme_contracts as contract_rows
from programmes.access import programme_for


def _closed(request: HttpRequest, group: MentoringGroup) -> HttpResponse:
    messages.error(request, _("This programme is closed. The group's contract can no longer be changed."))
    return redirect("groups:contract", pk=group.pk)


def _drafter(request: HttpRequest, pk: int) -> GroupAccess:
    """The door for drafting: the group's mentor (a peer group's members, a circle's supervisor) or a coordinator."""
    access = group_for(request, pk)
    if not can_draft(access):
        raise PermissionDenied
    return access


def _page_context(access: GroupAccess, state: ContractState, user) -> dict:
    group = access.group
    return {
        "access": access,
        "group": group,
        "programme": group.programme,
        "state": state,
        "can_draft": can_draft(access) and not group.programme.is_archived,
        "can_agree": signs(group, access.group_role) and not group.programme.is_archived,
        "waits": state.waits_for(user),
    }


@login_required
@require_safe
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    """The version in force, the open draft or proposal, who has agreed, and the history of versions."""
    access = group_for(request, pk)
    state = contract_state(access.group)
    context = _page_context(access, state, request.user)
    context.update(
        in_force_sections=sections_of(state.in_force.version) if state.in_force else [],
        open_sections=sections_of(state.open.version) if state.open else [],
    )
    return render(request, "groups/contracts/contract.html", context)


def _edit_page(request: HttpRequest, access: GroupAccess, state: ContractState, form: ContractForm | None):
    context = _page_context(access, state, request.user) | {"form": form}
    return render(request, "groups/contracts/edit.html", context)


def _rebased(form: ContractForm, state: ContractState, message: str) -> ContractForm:
    """The person's text, kept, on top of the draft as it is now (someone else saved it meanwhile)."""
    data = form.data.copy()
    fresh = ContractForm.initial_from({}, state.draft)
    data["draft_number"], data["draft_saved"] = fresh["draft_number"], fresh["draft_saved"]
    rebased = ContractForm(data, amendment=state.in_force is not None)
    rebased.is_valid()
    rebased.add_error(None, message)
    return rebased


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Writes the draft: the first version from the programme's template, or an amendment to the version in force.
    The draft is created when it is first saved. A proposed version is locked."""
    access = _drafter(request, pk)
    group = access.group
    if group.programme.is_archived:
        return _closed(request, group)
    state = contract_state(group)
    if state.proposal:
        if request.method == "POST":
            messages.error(request, _("The proposed version can no longer be changed. Withdraw it first."))
            return redirect("groups:contract", pk=group.pk)
        return _edit_page(request, access, state, None)
    draft = state.draft
    values = {name: getattr(draft, name) for name in EDITABLE} if draft else draft_start(group)
    amendment = state.in_force is not None
    form = ContractForm(
        request.POST if request.method == "POST" else None,
        initial=ContractForm.initial_from(values, draft),
        amendment=amendment,
    )
    if request.method == "GET" or not form.is_valid():
        return _edit_page(request, access, state, form)
    try:
        save_draft(group=group, by=request.user, stamp=form.stamp(), **form.contract_fields())
    except VersionLocked:
        messages.error(request, _("The contract was proposed to the group meanwhile, so it can no longer be changed."))
        return redirect("groups:contract", pk=group.pk)
    except ProgrammeClosed:
        return _closed(request, group)
    except OutdatedDraft:
        state = contract_state(group)
        message = _(
            "Someone else saved the draft while you were writing. Your text is still in the form below. "
            "Read the contract page to see their changes; if you still want yours, save again."
        )
        return _edit_page(request, access, state, _rebased(form, state, message))
    except ChangeNoteMissing:  # a version came into force while the person was writing
        state = contract_state(group)
        message = _("The contract came into force while you were writing, so this is now an amendment.")
        return _edit_page(request, access, state, _rebased(form, state, message))
    except ValidationError as error:  # the model's own checks, should the form have let something through
        form.add_error(None, error)
        return _edit_page(request, access, state, form)
    messages.success(request, _("The draft is saved. When it is ready, propose it to the group."))
    return redirect("groups:contract", pk=group.pk)


@login_required
@require_POST
def contract_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Proposes the draft to the group: its text is locked, and everyone is asked by email to read and agree."""
    access = _drafter(request, pk)
    group = access.group
    try:
        version = propose(group=group, by=request.user)
    except ProgrammeClosed:
        return _closed(request, group)
    except NoDraft:
        messages.error(request, _("There is no draft to propose. Write the draft first."))
    except VersionLocked:
        messages.info(request, _("This version has already been proposed to the group."))
    else:
        if is_amendment(version):
            messages.success(request, _("The amendment is proposed. Everyone in the group gets an email to read it."))
        else:
            messages.success(request, _("The contract is proposed. Everyone in the group gets an email to read it."))
    return redirect("groups:contract", pk=group.pk)


@login_required
@require_POST
def contract_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraws the open draft or proposal. The version in force, if there is one, stays in force."""
    access = _drafter(request, pk)
    group = access.group
    try:
        version = withdraw(group=group, by=request.user)
    except ProgrammeClosed:
        return _closed(request, group)
    except NothingOpen:
        messages.info(request, _("There is no draft or proposal to withdraw."))
    else:
        messages.success(
            request,
            _("Version %(number)s is withdrawn. It stays in the history.") % {"number": version.number},
        )
    return redirect("groups:contract", pk=group.pk)


@login_required
@require_POST
def contract_agree(request: HttpRequest, pk: int) -> HttpResponse:
    """A member agrees to the version they read: the proposal, or, having joined later, the version in force."""
    access = group_for(request, pk, roles=(MEMBER,))
    group = access.group
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please read the contract, then press “I agree” below it."))
        return redirect("groups:contract", pk=group.pk)
    try:
        agreed = agree(group=group, user=request.user, number=form.cleaned_data["number"])
    except ProgrammeClosed:
        return _closed(request, group)
    except NotASignatory:
        raise PermissionDenied from None
    except OutdatedVersion:
        messages.error(request, _("The contract changed while you were reading it. Please read it again."))
        return redirect("groups:contract", pk=group.pk)
    if agreed.came_into_force:
        messages.success(request, _("Thank you. Everyone has agreed, so the contract is now in force."))
    else:
        messages.success(request, _("Thank you. Your agreement is recorded."))
    return redirect("groups:contract", pk=group.pk)


@login_required
@require_safe
def contract_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One version, who agreed to it, and what changed from the version before it."""
    access = group_for(request, pk)
    group = access.group
    record = version_record(group, number)
    if record is None:
        raise Http404("No such version.")
    version, agreements = record
    previous = compared_with(version)
    return render(
        request,
        "groups/contracts/version.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "version": version,
            "agreements": agreements,
            "previous": previous,
            "changes": changes(version, previous) if previous else sections_of(version),
        },
    )


@login_required
@require_safe
def contract_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The version in force on a page to print, with who agreed and when."""
    access = group_for(request, pk)
    group = access.group
    state = contract_state(group)
    return render(
        request,
        "groups/contracts/print.html",
        {
            "access": access,
            "group": group,
            "programme": group.programme,
            "in_force": state.in_force,
            "sections": sections_of(state.in_force.version) if state.in_force else [],
        },
    )


# The coordinators' pages -----------------------------------------------------------------------------------------


@login_required
@require_safe
def programme_contracts(request: HttpRequest, pk: int) -> HttpResponse:
    """Every group's contract: where it stands, who has not agreed yet, and reminders."""
    programme = programme_for(request, pk).programme
    rows = contract_rows(programme)
    return render(
        request,
        "groups/contracts/programme_contracts.html",
        {"programme": programme, "rows": rows, "statuses": VersionStatus},
    )


@login_required
@require_POST
def contract_remind(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    """Emails everyone in the group who still has to agree; at most once a day each."""
    programme = programme_for(request, pk).programme
    group = programme_group(programme, group_pk)
    try:
        reminded = remind(group=group, by=request.user)
    except ProgrammeClosed:
        messages.error(request, _("This programme is closed. Its contracts are kept as a record."))
        return redirect("grouping:contracts", pk=programme.pk)
    if reminded.sent:
        messages.success(
            request,
            ngettext(
                "%(count)d person in “%(group)s” gets a reminder by email.",
                "%(count)d people in “%(group)s” get a reminder by email.",
                reminded.sent,
            )
            % {"count": reminded.sent, "group": group.name},
        )
    elif reminded.waiting:
        messages.info(
            request,
            _("Everyone in “%(group)s” who has not agreed got a reminder today already. Try again tomorrow.")
            % {"group": group.name},
        )
    else:
        messages.info(request, _("Nobody in “%(group)s” has a contract to agree to.") % {"group": group.name})
    return redirect("grouping:contracts", pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contract_template(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's template: where every group's first draft starts. Until it is first saved (or a group's
    first draft saves it), the page shows the default texts; opening it, or sending it with mistakes, creates
    nothing."""
    programme = programme_for(request, pk).programme
    if programme.is_archived and request.method == "POST":
        messages.error(request, _("This programme is closed. Its contract template can no longer be changed."))
        return redirect("grouping:contract_template", pk=programme.pk)
    template = ContractTemplate.objects.filter(programme=programme).first()
    template = template or ContractTemplate(programme=programme, **default_texts())
    if programme.is_archived:
        return render(
            request,
            "groups/contracts/template.html",
            {"programme": programme, "template": template, "sections": sections_of(template), "form": None},
        )
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=TemplateForm.initial_from(template))
    if request.method == "POST" and form.is_valid():
        template = template_for(programme, by=request.user)  # saved on the first save, with the defaults
        update_template(template=template, by=request.user, **form.template_fields())
        messages.success(
            request,
            _("The template is saved. New contracts start from it. Contracts already written keep their text."),
        )
        return redirect("grouping:contracts", pk=programme.pk)
    return render(
        request,
        "groups/contracts/template.html",
        {"programme": programme, "template": template, "sections": sections_of(template), "form": form},
    )
