"""Applications: the coordinator's pages (the application page's settings, the list, the decision) and the
applicant's (the programme's application page, the form, and their own applications)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outbox.services import absolute_url
from programmes.access import programme_for
from programmes.forms.applications import (
    ApplicationFilterForm,
    ApplicationForm,
    DecisionForm,
    RecruitmentForm,
    Sort,
)
from programmes.models import APPLICANT_ROLES, Application, ApplicationStatus, Programme, Role
from programmes.services.applications import (
    AlreadyMember,
    ApplicationLocked,
    ApplicationsClosed,
    GoalAreasInUse,
    InvalidDecision,
    ProgrammeArchived,
    decide,
    find_programme,
    initial_answers,
    member_roles,
    submit_application,
    update_recruitment,
    withdraw,
)

PAGE_SIZE = 50

_STATUS_ORDER = Case(
    *(When(status=status, then=position) for position, status in enumerate(ApplicationStatus.values)),
    output_field=IntegerField(),
)
ORDERINGS = {
    Sort.NEWEST: ("-submitted_at", "-pk"),
    Sort.OLDEST: ("submitted_at", "pk"),
    Sort.NAME: ("applicant__display_name", "applicant__email", "pk"),
    Sort.ROLE: ("role", "-submitted_at", "-pk"),
    Sort.STATUS: (_STATUS_ORDER, "-submitted_at", "-pk"),
}


# The coordinator's pages


@login_required
@require_http_methods(["GET", "POST"])
def recruitment(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        messages.error(request, _("This programme is closed. Its application page can no longer be changed."))
        return redirect("programmes:detail", pk=programme.pk)
    initial = {
        "intro": programme.application_intro,
        "goal_areas": "\n".join(area.name for area in programme.goal_areas.all()),
    }
    form = RecruitmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_recruitment(
                programme=programme, intro=form.cleaned_data["intro"], goal_areas=form.cleaned_data["goal_areas"]
            )
        except GoalAreasInUse as error:
            form.add_error(
                "goal_areas",
                ngettext(
                    "%(names)s cannot be removed: applications have already chosen it. Please add it back.",
                    "These areas cannot be removed, because applications have already chosen them: %(names)s. "
                    "Please add them back.",
                    len(error.names),
                )
                % {"names": ", ".join(f"“{name}”" for name in error.names)},
            )
        except ProgrammeArchived:
            messages.error(request, _("This programme is closed. Its application page can no longer be changed."))
            return redirect("programmes:detail", pk=programme.pk)
        else:
            messages.success(request, _("The application page has been saved."))
            return redirect("programmes:recruitment", pk=programme.pk)
    return render(
        request,
        "programmes/applications/recruitment.html",
        {
            "programme": programme,
            "form": form,
            "apply_url": absolute_url(reverse("join:apply", kwargs={"key": programme.application_key})),
        },
    )


@login_required
@require_GET
def application_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    filters = ApplicationFilterForm(request.GET, programme=programme)
    chosen = filters.values()
    applications = programme.applications.select_related("applicant").prefetch_related("goal_areas")
    if chosen["role"]:
        applications = applications.filter(role=chosen["role"])
    if chosen["status"]:
        applications = applications.filter(status=chosen["status"])
    if chosen["area"]:
        applications = applications.filter(goal_areas=chosen["area"])
    if chosen["support"]:
        applications = applications.filter(needs_language_support=True)
    applications = applications.order_by(*ORDERINGS[chosen["sort"]])
    counts = dict(programme.applications.order_by().values_list("status").annotate(count=Count("pk")))
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/applications/list.html",
        {
            "programme": programme,
            "page": page,
            "filters": ApplicationFilterForm.shown(chosen, programme=programme),
            "filtered": any(chosen[name] for name in ("role", "status", "area", "support")),
            "status_counts": [(status, label, counts.get(status, 0)) for status, label in ApplicationStatus.choices],
            "total": sum(counts.values()),
            "current_status": chosen["status"],
        },
    )


def _application(programme: Programme, application_pk: int) -> Application:
    return get_object_or_404(
        programme.applications.select_related("applicant", "decided_by").prefetch_related("goal_areas"),
        pk=application_pk,
    )


def _detail(request: HttpRequest, programme: Programme, application: Application, form: DecisionForm) -> HttpResponse:
    return render(
        request,
        "programmes/applications/detail.html",
        {
            "programme": programme,
            "application": application,
            "form": form,
            "message": application.decision_message,
        },
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    application = _application(programme, application_pk)
    return _detail(request, programme, application, DecisionForm(application=application))


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    application = _application(programme, application_pk)
    back = redirect("programmes:application", pk=programme.pk, application_pk=application.pk)
    if programme.is_archived:
        messages.error(request, _("This programme is closed. Its applications can no longer be changed."))
        return back
    form = DecisionForm(request.POST, application=application)
    if not form.is_valid():
        return _detail(request, programme, application, form)
    try:
        decided = decide(
            application=application,
            status=form.cleaned_data["status"],
            by=request.user,
            notify=form.cleaned_data["notify"],
            message=form.cleaned_data["message"],
            note=form.cleaned_data["note"],
        )
    except InvalidDecision:
        messages.error(request, _("Someone else has just decided on this application. Please look at it again."))
    except ProgrammeArchived:
        messages.error(request, _("This programme is closed. Its applications can no longer be changed."))
    else:
        messages.success(request, _decided_message(decided, notified=form.cleaned_data["notify"]))
    return back


def _decided_message(application: Application, *, notified: bool) -> str:
    name = application.applicant.display_name or application.applicant.email
    if application.status == ApplicationStatus.ACCEPTED:
        text = _("%(name)s is accepted and is now a %(role)s in the programme.") % {
            "name": name,
            "role": application.get_role_display().lower(),
        }
    elif application.status == ApplicationStatus.WAITLISTED:
        text = _("%(name)s is on the waiting list.") % {"name": name}
    else:
        text = _("%(name)s's application is declined.") % {"name": name}
    if notified:
        text += " " + _("They will get an email about it.")
    return text


# The applicant's pages


def _programme_for_key(key: str) -> Programme:
    programme = find_programme(key)
    if programme is None:
        raise Http404("No such application page.")
    return programme


@require_GET
def apply(request: HttpRequest, key: str) -> HttpResponse:
    return _apply_page(request, _programme_for_key(key))


def _apply_page(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The programme's application page: what it is, and the two ways in (or that applications are closed)."""
    choices = []
    if request.user.is_authenticated:
        mine = {application.role: application for application in request.user.applications.filter(programme=programme)}
        held = member_roles(programme=programme, user=request.user)
    else:
        mine, held = {}, set()
    for role, label in ((Role.MENTEE, _("Apply as a mentee")), (Role.MENTOR, _("Apply as a mentor"))):
        choices.append({"role": role, "label": label, "application": mine.get(role), "member": role in held})
    involved = any(choice["application"] or choice["member"] for choice in choices)
    return render(request, "join/apply.html", {"programme": programme, "choices": choices, "involved": involved})


@login_required
@require_http_methods(["GET", "POST"])
def apply_as(request: HttpRequest, key: str, role: str) -> HttpResponse:
    if role not in APPLICANT_ROLES:
        raise Http404("Nobody applies in that role.")
    programme = _programme_for_key(key)
    if role in member_roles(programme=programme, user=request.user):
        return render(request, "join/apply_member.html", {"programme": programme, "role": Role(role)})
    application = (
        request.user.applications.filter(programme=programme, role=role)
        .select_related("programme")
        .prefetch_related("goal_areas")
        .first()
    )
    if application is not None and not (application.is_open and programme.is_recruiting):
        return _show(request, application)
    if not programme.is_recruiting:
        return _apply_page(request, programme)
    form = ApplicationForm(
        request.POST or None,
        programme=programme,
        role=role,
        instance=application,
        initial=None if application else initial_answers(programme=programme, applicant=request.user, role=role),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = submit_application(
                programme=programme,
                applicant=request.user,
                role=role,
                answers=form.answers(),
                goal_areas=form.cleaned_data.get("goal_areas", ()),
                availability=form.cleaned_data["availability"],
            )
        except ApplicationsClosed:
            messages.error(request, _("Sorry, this programme has just stopped taking applications."))
            return redirect("join:apply", key=programme.application_key)
        except (ApplicationLocked, AlreadyMember):
            messages.error(request, _("Your application has just been decided on, so it can no longer be changed."))
            return redirect("join:apply", key=programme.application_key)
        if application is None:
            messages.success(request, _("Thank you! Your application has been sent to the coordinators."))
        else:
            messages.success(request, _("Your changes have been saved."))
        return redirect("join:my_application", application_pk=saved.pk)
    return render(
        request,
        "join/apply_form.html",
        {"programme": programme, "role": Role(role), "form": form, "application": application},
    )


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = request.user.applications.select_related("programme").order_by("-submitted_at", "-pk")
    return render(request, "join/my_applications.html", {"applications": applications})


def _own(request: HttpRequest, application_pk: int) -> Application:
    return get_object_or_404(
        request.user.applications.select_related("programme").prefetch_related("goal_areas"), pk=application_pk
    )


@login_required
@require_GET
def my_application(request: HttpRequest, application_pk: int) -> HttpResponse:
    return _show(request, _own(request, application_pk))


def _show(request: HttpRequest, application: Application) -> HttpResponse:
    """The applicant's own application, read-only, with its status and what they can still do with it."""
    programme = application.programme
    return render(
        request,
        "join/my_application.html",
        {
            "application": application,
            "programme": programme,
            "can_edit": application.is_open and programme.is_recruiting,
            "can_withdraw": application.is_open and not programme.is_archived,
        },
    )


@login_required
@require_POST
def withdraw_application(request: HttpRequest, application_pk: int) -> HttpResponse:
    application = _own(request, application_pk)
    try:
        withdraw(application=application)
    except ApplicationLocked:
        messages.error(request, _("This application has a final decision and can no longer be withdrawn."))
    except ProgrammeArchived:
        messages.error(request, _("This programme is closed. Its applications can no longer be changed."))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("join:my_application", application_pk=application.pk)
