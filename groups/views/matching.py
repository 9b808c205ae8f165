"""Matching mentors to groups: the coordinator's matching page, the suggestions for one group, asking a mentor,
proposing mentors for all groups at once; and the page where a mentor answers a request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from groups import wording
from groups.access import programme_group, request_for
from groups.forms.matching import AnswerForm, AssignForm
from groups.models import AssignmentStatus, GroupRole, GroupWishes, MentorAssignment, MentoringGroup
from groups.services import mentors
from programmes.access import programme_for
from programmes.models import Availability, Programme

# The coordinator's pages -----------------------------------------------------------------------------------------


def _refuse_if_closed(request: HttpRequest, programme: Programme) -> HttpResponse | None:
    if programme.is_archived:
        messages.error(request, _("This programme is closed. Its groups can no longer get a mentor."))
        return redirect("grouping:matching", pk=programme.pk)
    return None


def _assignment_of(programme: Programme, assignment_pk: int) -> MentorAssignment:
    """A request for a mentor for one of this programme's groups; 404 for any other."""
    found = (
        MentorAssignment.objects.filter(pk=assignment_pk, group__programme=programme)
        .select_related("group", "mentor")
        .first()
    )
    if found is None:
        raise Http404("No such request.")
    return found


@login_required
@require_safe
def matching(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    return render(
        request, "groups/matching/matching.html", {"programme": programme, "overview": mentors.overview(programme)}
    )


@login_required
@require_safe
def suggestions(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    group = programme_group(programme, group_pk)
    current_mentors = [
        membership.user.shown_name
        for membership in group.memberships.current().filter(role=GroupRole.MENTOR).select_related("user")
    ]
    waiting = group.mentor_assignments.filter(status=AssignmentStatus.PENDING).select_related("mentor").first()
    found = mentors.explain_suggestions(group) if group.has_mentor else None
    rows = []
    for ranked in found.ranked if found else ():
        places = found.places[ranked.mentor.id]
        criteria = wording.explain(ranked.score, places)
        rows.append(
            {
                "mentor": ranked.mentor,
                "score": ranked.score,
                "blocking": ranked.blocking,
                "criteria": criteria,
                "reasons": [criterion.text for criterion in criteria if criterion.blocking],
                "places": places,
            }
        )
    return render(
        request,
        "groups/matching/suggestions.html",
        {
            "programme": programme,
            "group": group,
            "size": group.memberships.current().filter(role=GroupRole.MENTEE).count(),
            "current_mentors": current_mentors,
            "waiting": waiting,
            "needs": found.needs if found else None,
            "wishes": found.wishes if found else None,
            "goal_areas": found.needs.goal_areas if found else (),
            "common_languages": sorted(found.needs.languages, key=str.casefold) if found else [],
            "common_slots": wording.slot_labels(sorted(found.needs.availability, key=_slot_order)) if found else "",
            "rows": rows,
            "can_ask": group.has_mentor and not current_mentors and not waiting and not programme.is_archived,
        },
    )


def _slot_order(slot: str) -> int:
    return Availability.values.index(slot) if slot in Availability.values else len(Availability.values)


def _refusal(error: mentors.MatchingError, mentor: User, group: MentoringGroup) -> str:
    names = {"mentor": mentor.shown_name, "group": group.name}
    if isinstance(error, mentors.ProgrammeClosed):
        return _("This programme is closed. Its groups can no longer get a mentor.")
    if isinstance(error, mentors.NotMentorLed):
        return _("%(group)s is not a mentor-led group, so it does not get a mentor.") % names
    if isinstance(error, mentors.AlreadyMatched):
        return _("%(group)s already has a mentor, or is waiting for a mentor's answer.") % names
    if isinstance(error, mentors.NotAProgrammeMentor):
        return _("%(mentor)s is no longer a mentor of this programme.") % names
    if isinstance(error, mentors.NoCapacity):
        return (
            _("%(mentor)s has no free place: they already have or were asked for as many groups as they can take.")
            % names
        )
    return _("We could not ask %(mentor)s to mentor %(group)s.") % names


@login_required
@require_POST
def assign(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    group = programme_group(programme, group_pk)
    back = redirect("grouping:suggestions", pk=programme.pk, group_pk=group.pk)
    form = AssignForm(request.POST, programme=programme)
    if not form.is_valid():
        messages.error(request, form.errors["mentor"][0])
        return back
    mentor = form.cleaned_data["mentor"]
    try:
        mentors.assign_mentor(group=group, mentor=mentor, by=request.user)
    except mentors.MatchingError as error:
        messages.error(request, _refusal(error, mentor, group))
        return back
    messages.success(
        request,
        _("We asked %(mentor)s to mentor %(group)s; they will get an email.")
        % {"mentor": mentor.shown_name, "group": group.name},
    )
    return redirect("grouping:matching", pk=programme.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    assignment = _assignment_of(programme, assignment_pk)
    if refused := _refuse_if_closed(request, programme):
        return refused
    names = {"mentor": assignment.mentor.shown_name, "group": assignment.group.name}
    try:
        mentors.withdraw_request(assignment=assignment, by=request.user)
    except mentors.AlreadyAnswered:
        messages.info(request, _("%(mentor)s has already answered the request for %(group)s.") % names)
    else:
        messages.success(request, _("You took back the request to %(mentor)s. %(group)s needs a mentor again.") % names)
    return redirect("grouping:matching", pk=programme.pk)


# Proposing mentors for all groups at once -----------------------------------------------------------------------


def _proposal_key(programme: Programme) -> str:
    return f"mentor_proposal:{programme.pk}"


def _stored_proposal(data: Any) -> tuple[dict[int, int], dict[int, str]] | None:
    """The proposal as the session keeps it (JSON turns the group ids into strings); None if there is none."""
    if not isinstance(data, Mapping):
        return None
    try:
        pairs = {int(group_id): int(mentor_id) for group_id, mentor_id in data.get("pairs", {}).items()}
        unmatched = {int(group_id): str(reason) for group_id, reason in data.get("unmatched", {}).items()}
    except (AttributeError, TypeError, ValueError):
        return None
    return pairs, unmatched


@login_required
@require_http_methods(["GET", "POST"])
def propose_all(request: HttpRequest, pk: int) -> HttpResponse:
    """POST makes a proposal and keeps it in the session; GET shows it for review. Nothing is saved here."""
    programme = programme_for(request, pk).programme
    key = _proposal_key(programme)
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            request.session.pop(key, None)
            messages.info(request, _("The proposal is discarded. Nothing was changed."))
            return redirect("grouping:matching", pk=programme.pk)
        if refused := _refuse_if_closed(request, programme):
            return refused
        result = mentors.propose_all(programme)
        if not result.proposals and not result.unmatched:
            request.session.pop(key, None)
            messages.info(request, _("Every group has a mentor or is waiting for a mentor's answer."))
            return redirect("grouping:matching", pk=programme.pk)
        request.session[key] = {
            "pairs": {str(group_id): mentor_id for group_id, mentor_id in result.pairs.items()},
            "unmatched": {str(left.group.id): left.reason for left in result.unmatched},
        }
        return redirect("grouping:propose_all", pk=programme.pk)
    stored = _stored_proposal(request.session.get(key))
    if stored is None:
        return redirect("grouping:matching", pk=programme.pk)
    review = mentors.review_proposal(programme, *stored)
    rows = [{"pair": pair, "criteria": wording.explain(pair.score, pair.places)} for pair in review.pairs]
    unmatched = [
        {"group": group, "reason": wording.UNMATCHED_REASONS.get(reason, reason)} for group, reason in review.unmatched
    ]
    return render(
        request,
        "groups/matching/propose_all.html",
        {"programme": programme, "review": review, "rows": rows, "unmatched": unmatched},
    )


@login_required
@require_POST
def confirm_all(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    stored = _stored_proposal(request.session.pop(_proposal_key(programme), None))
    back = redirect("grouping:matching", pk=programme.pk)
    if stored is None or not stored[0]:
        messages.error(request, _("There is no proposal to confirm. Choose “Propose mentors for all groups” again."))
        return back
    try:
        made = mentors.confirm_all(programme=programme, pairs=stored[0], by=request.user)
    except mentors.StaleMatching:
        messages.error(
            request,
            _(
                "Something changed since the proposal was made: a group got a mentor, or a mentor's place was "
                "taken. Nothing was saved. Please propose mentors again."
            ),
        )
        return back
    except mentors.ProgrammeClosed:
        messages.error(request, _("This programme is closed. Its groups can no longer get a mentor."))
        return back
    messages.success(
        request,
        ngettext(
            "We asked mentors to take %(count)d group. Each mentor will get an email.",
            "We asked mentors to take %(count)d groups. Each mentor will get an email.",
            len(made),
        )
        % {"count": len(made)},
    )
    return back


# The mentor's answer ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mentor_request(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = request_for(request, pk)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        names = {"group": assignment.group.name}
        try:
            mentors.answer_request(
                assignment=assignment,
                accept=form.accepts,
                note="" if form.accepts else form.cleaned_data["message"],
            )
        except mentors.AlreadyAnswered:
            messages.info(request, _("This request has already been answered or taken back."))
        except mentors.ProgrammeClosed:
            messages.error(request, _("This programme is closed. Its groups can no longer get a mentor."))
        except mentors.NotAProgrammeMentor:
            messages.error(request, _("You are no longer a mentor of this programme, so you cannot take this group."))
        else:
            if form.accepts:
                messages.success(request, _("Thank you! You are now the mentor of %(group)s.") % names)
            else:
                messages.success(request, _("Thank you for your answer. The coordinators will ask another mentor."))
        return redirect("groups:request", pk=assignment.pk)
    group = assignment.group
    is_member = (
        assignment.status == AssignmentStatus.ACCEPTED
        and group.memberships.current().filter(user_id=request.user.pk).exists()
    )
    return render(
        request,
        "groups/matching/mentor_request.html",
        {
            "assignment": assignment,
            "group": group,
            "programme": group.programme,
            "wishes": GroupWishes.objects.filter(group=group).first(),
            "size": group.memberships.current().filter(role=GroupRole.MENTEE).count(),
            "form": form,
            "is_member": is_member,
            "can_answer": assignment.is_pending and not group.programme.is_archived,
        },
    )
