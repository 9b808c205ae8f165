"""Invitations: the coordinator's list and invite page, and the invitee's page behind the link in the email."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from outbox.models import EmailStatus, OutgoingEmail
from programmes.access import programme_for
from programmes.forms.invitations import (
    InvitationFilterForm,
    InvitationSignUpForm,
    InviteCsvForm,
    InviteListForm,
    InviteOneForm,
)
from programmes.models import Invitation, InvitationStatus, Programme, Role
from programmes.services import invitations as services

PAGE_SIZE = 100
SAMPLE_CSV = "name,email,role\nAnn Example,ann@example.org,mentee\nBo Sample,bo@example.org,mentor\n"

# The coordinator's side ------------------------------------------------------------------------------------


@login_required
@require_GET
def invitation_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    latest_email = OutgoingEmail.objects.filter(kind=services.EMAIL_KIND, object_id=OuterRef("pk")).order_by(
        "-created", "-pk"
    )
    invitations = (
        programme.invitations.select_related("invited_by")
        .annotate(email_status=Subquery(latest_email.values("status")[:1]))
        .order_by("-created", "-pk")
    )
    filters = InvitationFilterForm(request.GET)
    kept = {key: value for key, value in filters.cleaned_data.items() if value} if filters.is_valid() else {}
    if kept:
        invitations = _filter(invitations, **filters.cleaned_data)
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    for invitation in page:
        invitation.email_label = EmailStatus(invitation.email_status).label if invitation.email_status else ""
    return render(
        request,
        "programmes/invitations/invitation_list.html",
        {
            "programme": programme,
            "filters": filters,
            "filtered": bool(kept),
            "page": page,
            "filter_query": urlencode(kept),
            "this_query": request.GET.urlencode(),
        },
    )


def _filter(invitations: QuerySet[Invitation], *, state: str, role: str) -> QuerySet[Invitation]:
    now = timezone.now()
    if state == InvitationStatus.PENDING:
        invitations = invitations.filter(status=InvitationStatus.PENDING, expires_at__gt=now)
    elif state == InvitationStatus.EXPIRED:
        invitations = invitations.filter(status=InvitationStatus.PENDING, expires_at__lte=now)
    elif state:
        invitations = invitations.filter(status=state)
    if role:
        invitations = invitations.filter(role=role)
    return invitations


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """The invite page, with its three forms; this address takes the form for one person."""
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        return _closed(request, programme)
    if request.method == "POST":
        return _invite(request, programme, InviteOneForm(request.POST, programme=programme, prefix="one"), "one_form")
    return _invite_page(request, programme)


@login_required
@require_POST
def invite_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        return _closed(request, programme)
    return _invite(request, programme, InviteListForm(request.POST, programme=programme, prefix="list"), "list_form")


@login_required
@require_POST
def invite_csv(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        return _closed(request, programme)
    form = InviteCsvForm(request.POST, request.FILES, programme=programme, prefix="csv")
    return _invite(request, programme, form, "csv_form")


def _invite(request: HttpRequest, programme: Programme, form, name: str) -> HttpResponse:
    if not form.is_valid():
        return _invite_page(request, programme, **{name: form})
    invited = services.invite(programme=programme, invitees=form.invitees, by=request.user)
    if len(invited) == 1:
        message = _("An invitation to %(email)s is on its way.") % {"email": invited[0].email}
    else:
        message = ngettext(
            "%(count)d invitation is on its way.", "%(count)d invitations are on their way.", len(invited)
        ) % {"count": len(invited)}
    messages.success(request, message)
    return redirect("programmes:invitations", pk=programme.pk)


def _invite_page(request: HttpRequest, programme: Programme, **bound) -> HttpResponse:
    forms = {
        "one_form": InviteOneForm(programme=programme, prefix="one"),
        "list_form": InviteListForm(programme=programme, prefix="list"),
        "csv_form": InviteCsvForm(programme=programme, prefix="csv"),
        **bound,
    }
    return render(
        request,
        "programmes/invitations/invite.html",
        {"programme": programme, "sample_csv": SAMPLE_CSV, **forms},
    )


def _change_invitation(request: HttpRequest, pk: int, invitation_pk: int, change, success: str) -> HttpResponse:
    """Resends or revokes one of the programme's invitations, and says how it went."""
    programme = programme_for(request, pk).programme
    invitation = get_object_or_404(programme.invitations, pk=invitation_pk)
    if programme.is_archived:
        return _closed(request, programme)
    try:
        change(invitation=invitation)
    except services.InvitationUnusable as unusable:
        messages.error(request, _cannot_change(invitation, unusable.state))
    else:
        messages.success(request, success % {"email": invitation.email})
    return _back_to_list(request, programme)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    success = _("A new invitation is on its way to %(email)s. The link in any earlier email no longer works.")
    return _change_invitation(request, pk, invitation_pk, services.resend, success)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    success = _("The invitation to %(email)s is revoked. Its link no longer works.")
    return _change_invitation(request, pk, invitation_pk, services.revoke, success)


def _cannot_change(invitation: Invitation, state: str | None) -> str:
    if state == InvitationStatus.ACCEPTED:
        return _("%(email)s has already accepted this invitation.") % {"email": invitation.email}
    return _("The invitation to %(email)s was revoked earlier. Invite them again if you need to.") % {
        "email": invitation.email
    }


def _closed(request: HttpRequest, programme: Programme) -> HttpResponse:
    messages.error(request, _("This programme is closed. Invitations can no longer be sent, resent or revoked."))
    return redirect("programmes:invitations", pk=programme.pk)


def _back_to_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    """Back to the list as the coordinator was looking at it (the same filters and page)."""
    query = QueryDict(request.POST.get("back", ""))
    kept = {key: query[key] for key in ("state", "role", "page") if query.get(key)}
    url = reverse("programmes:invitations", kwargs={"pk": programme.pk})
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


# The invitee's side ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    """What the link in the email opens. Nothing changes on GET; accepting is a POST."""
    invitation = services.find(token)
    if invitation is None:
        return render(request, "join/invitation_unknown.html", status=404)
    if not invitation.is_usable:
        return _unusable(request, invitation.state, invitation)
    if invitation.programme.is_archived:
        return _unusable(request, InvitationStatus.REVOKED, invitation)
    if request.user.is_authenticated:
        return _accept(request, token, invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        return render(request, "join/invitation_sign_in.html", _about(invitation))
    return _sign_up(request, token, invitation)


def _about(invitation: Invitation, **more) -> dict:
    return {"invitation": invitation, "programme": invitation.programme, "role": Role(invitation.role).label, **more}


def _accept(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    if request.method == "POST":
        try:
            services.accept(token=token, user=request.user)
        except services.InvitationUnusable as unusable:  # a double click, or accepted in another tab
            return _unusable(request, unusable.state, invitation)
        messages.success(request, _welcome(invitation))
        return redirect("home")
    other_address = request.user.email.lower() != invitation.email.lower()
    return render(request, "join/invitation_accept.html", _about(invitation, other_address=other_address))


def _sign_up(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    form = InvitationSignUpForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up_and_accept(
                token=token,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
                language=translation.get_language(),
                time_zone=invitation.programme.time_zone,
            )
        except services.InvitationUnusable as unusable:
            return _unusable(request, unusable.state, invitation)
        except services.AccountExists:
            messages.info(request, _("There is already an account for this address. Please sign in to accept."))
            return render(request, "join/invitation_sign_in.html", _about(invitation))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _welcome(invitation))
        return redirect("home")
    return render(request, "join/invitation_sign_up.html", _about(invitation, form=form))


def _welcome(invitation: Invitation) -> str:
    return _("Welcome! You have joined %(programme)s as %(role)s.") % {
        "programme": invitation.programme.name,
        "role": Role(invitation.role).label,
    }


def _unusable(request: HttpRequest, state: str | None, invitation: Invitation) -> HttpResponse:
    if state is None:
        return render(request, "join/invitation_unknown.html", status=404)
    return render(request, "join/invitation_gone.html", _about(invitation, state=state), status=410)
