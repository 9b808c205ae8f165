"""The emails of a programme that could not be delivered, for its coordinators: which, to whom, why, and sending
them again once the cause is fixed (a mistyped address corrected, the mail server back)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from outbox.services import label_of, send_again, undelivered
from programmes.access import programme_for

PAGE_SIZE = 50


@login_required
@require_safe
def undelivered_emails(request: HttpRequest, pk: int) -> HttpResponse:
    programme = programme_for(request, pk).programme
    page = Paginator(undelivered(programme.pk).select_related("recipient"), PAGE_SIZE).get_page(request.GET.get("page"))
    for email in page:
        email.label = label_of(email.kind)
    return render(request, "programmes/emails/undelivered.html", {"programme": programme, "page": page})


@login_required
@require_POST
def send_emails_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Every undelivered email of the programme, or the one named by ``email``, queued for a fresh round of
    attempts. Each is written anew when it is sent, so one that no longer applies is dropped then."""
    programme = programme_for(request, pk).programme
    if programme.is_archived:
        messages.error(request, _("This programme is closed: it sends no more emails."))
        return redirect("programmes:undelivered", pk=programme.pk)
    emails = undelivered(programme.pk)
    one = request.POST.get("email", "")
    if one:
        emails = emails.filter(pk=int(one)) if one.isdigit() else emails.none()
    count = send_again(emails)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s email will be sent again in the next minute.",
                "%(count)s emails will be sent again in the next minute.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There was nothing to send again: the emails were sent or queued meanwhile."))
    return redirect("programmes:undelivered", pk=programme.pk)
