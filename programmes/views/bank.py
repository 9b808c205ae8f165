"""The mentor data bank: coordinators search every mentor across programmes, see a mentor's history, invite them
into a programme and write feedback; mentors keep their own bank profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups.models import MentoringGroup
from mentoring.paging import counted_page
from programmes.access import BankAccess, bank_for
from programmes.forms.bank import BankSearchForm, InviteMentorForm, MentorFeedbackForm, MentorProfileForm
from programmes.models import MembershipStatus, MentorProfile, ProgrammeMembership, Role
from programmes.services.bank import (
    InviteRefused,
    feedback_programmes,
    invitable_programmes,
    invite_from_bank,
    reads_every_match,
    record_feedback,
    save_own_profile,
    search_mentors,
    with_figures,
)

PER_PAGE = 25


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    access = bank_for(request)
    form, reset = BankSearchForm.from_query(request.GET)
    if reset:
        messages.warning(
            request,
            _("Some filters could not be used and were reset: %(filters)s.") % {"filters": ", ".join(reset)},
        )
    terms = form.search_terms()
    found, number = search_mentors(access.profiles, **terms), request.GET.get("page")
    if reads_every_match(**terms):  # the page and the count of every match in one reading
        page = counted_page(found, number, PER_PAGE)
    else:
        page = Paginator(found, PER_PAGE).get_page(number)
    return render(
        request,
        "bank/search.html",
        {
            "form": form,
            "page": page,
            # Only asked when nothing matched: is the bank empty, or are the filters too narrow?
            "bank_is_empty": not page.object_list and not access.profiles.exists(),
        },
    )


def _history(mentor) -> list[ProgrammeMembership]:
    """Every programme the person mentored in, newest first, each with the groups they mentored there."""
    mentored_groups = MentoringGroup.objects.filter(memberships__user=mentor, memberships__role=Role.MENTOR).distinct()
    return list(
        ProgrammeMembership.objects.filter(user=mentor, role=Role.MENTOR)
        .select_related("programme")
        .prefetch_related(Prefetch("programme__groups", queryset=mentored_groups, to_attr="mentored_groups"))
        .order_by("-programme__starts_on", "programme__name", "pk")
    )


def _mentor_page(
    request: HttpRequest,
    access: BankAccess,
    profile: MentorProfile,
    *,
    invite_form: InviteMentorForm | None = None,
    feedback_form: MentorFeedbackForm | None = None,
) -> HttpResponse:
    mentor = profile.user
    profile = with_figures(access.profiles.filter(pk=profile.pk)).get()
    invitable = invitable_programmes(access.programmes, mentor=mentor)
    ratable = feedback_programmes(access.programmes, mentor=mentor)
    if invite_form is None:
        invite_form = InviteMentorForm(programmes=invitable)
    if feedback_form is None:
        feedback_form = MentorFeedbackForm(programmes=ratable)
    return render(
        request,
        "bank/mentor.html",
        {
            "profile": profile,
            "mentor": mentor,
            "history": _history(mentor),
            "feedback": mentor.mentor_feedback.select_related("programme", "written_by").order_by("-created", "pk"),
            "invite_form": invite_form,
            "can_invite": profile.open_to_invitations and invitable.exists(),
            "feedback_form": feedback_form,
            "can_rate": mentor != request.user and ratable.exists(),
            "is_self": mentor == request.user,
            "my_programme_ids": access.programme_ids,
        },
    )


@login_required
@require_GET
def mentor(request: HttpRequest, user_pk: int) -> HttpResponse:
    access = bank_for(request)
    return _mentor_page(request, access, access.profile(user_pk))


@login_required
@require_POST
def invite(request: HttpRequest, user_pk: int) -> HttpResponse:
    access = bank_for(request)
    profile = access.profile(user_pk)
    if not profile.open_to_invitations:
        messages.error(
            request,
            _("%(name)s does not want to be invited to new programmes for now.") % {"name": profile.user.display_name},
        )
        return redirect("bank:mentor", user_pk=profile.user_id)
    form = InviteMentorForm(request.POST, programmes=invitable_programmes(access.programmes, mentor=profile.user))
    if not form.is_valid():
        return _mentor_page(request, access, profile, invite_form=form)
    programme = form.cleaned_data["programme"]
    try:
        invite_from_bank(profile=profile, programme=programme, by=request.user)
    except InviteRefused as refusal:
        messages.error(request, _REFUSALS[refusal.reason]())
    else:
        messages.success(
            request,
            _("%(name)s has been invited to mentor in %(programme)s. They get an email with the link.")
            % {"name": profile.user.display_name, "programme": programme.name},
        )
    return redirect("bank:mentor", user_pk=profile.user_id)


_REFUSALS = {
    InviteRefused.NOT_OPEN: lambda: _("This mentor does not want to be invited to new programmes for now."),
    InviteRefused.CLOSED: lambda: _("This programme is closed. Nobody can join it any more."),
    InviteRefused.ALREADY_MENTOR: lambda: _("This person is a mentor in that programme already."),
}


@login_required
@require_POST
def feedback(request: HttpRequest, user_pk: int) -> HttpResponse:
    access = bank_for(request)
    profile = access.profile(user_pk)
    if profile.user == request.user:
        messages.error(request, _("You cannot write feedback about yourself."))
        return redirect("bank:mentor", user_pk=profile.user_id)
    form = MentorFeedbackForm(request.POST, programmes=feedback_programmes(access.programmes, mentor=profile.user))
    if not form.is_valid():
        return _mentor_page(request, access, profile, feedback_form=form)
    record_feedback(mentor=profile.user, by=request.user, **form.cleaned_data)
    messages.success(
        request,
        _("Your feedback on %(name)s for %(programme)s has been saved.")
        % {"name": profile.user.display_name, "programme": form.cleaned_data["programme"].name},
    )
    return redirect("bank:mentor", user_pk=profile.user_id)


def _own_profile(request: HttpRequest) -> MentorProfile:
    """The person's own bank profile; a new, unsaved one for a mentor who has none yet; 403 for non-mentors."""
    profile = MentorProfile.objects.filter(user_id=request.user.pk).first()
    if profile is not None:
        return profile
    is_mentor = ProgrammeMembership.objects.filter(
        user_id=request.user.pk, role=Role.MENTOR, status=MembershipStatus.ACTIVE
    ).exists()
    if not is_mentor:
        raise PermissionDenied
    return MentorProfile(user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest) -> HttpResponse:
    profile = _own_profile(request)
    form = MentorProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        save_own_profile(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your mentor profile has been saved."))
        return redirect("bank:my_profile")
    return render(request, "bank/my_profile.html", {"form": form, "profile": profile})
