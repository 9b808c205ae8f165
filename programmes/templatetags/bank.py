"""``{% load bank %}``: ``{% mentor_rows page.object_list %}`` writes the rows of the bank's search results, and
``{% mentor_rating profile %}`` a mentor's feedback (on each row, and on the mentor's page).

Written here rather than in the template's loop: the search shows twenty-five mentors a page, and the loop's cells
took most of the page's time. The texts are the template's, with the same message ids; every text from the data is
escaped, and numbers are written as they are (the project does not group thousands)."""

from collections.abc import Iterable

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from programmes.models import MentorProfile

register = template.Library()

NONE = "–"


@register.simple_tag
def mentor_rating(profile: MentorProfile) -> SafeString:
    """The average of the coordinators' ratings and how many there are, or that there are none yet. ``profile``
    carries ``average_rating`` and ``feedback_count`` (``programmes.services.bank.with_figures``)."""
    if profile.average_rating is None:
        none_yet = escape(gettext("None yet"))
        return mark_safe(f'<span class="text-body-secondary">{none_yet}</span>')
    text = ngettext(
        "%(rating)s of 5 (%(counter)s entry)", "%(rating)s of 5 (%(counter)s entries)", profile.feedback_count
    ) % {"rating": floatformat(profile.average_rating, 1), "counter": formats.localize(profile.feedback_count)}
    return mark_safe(escape(text))


@register.simple_tag
def mentor_rows(profiles: Iterable[MentorProfile]) -> SafeString:
    """A row per mentor: the name (a link to the mentor's page), how they mentor and whether they are open to new
    programmes; expertise, languages, when they are free, how many groups they take, their history and feedback."""
    closed = escape(gettext("Not open to new programmes"))
    return mark_safe("".join(_row(profile, closed) for profile in profiles))


def _listed(items: Iterable[str]) -> str:
    return escape(", ".join(str(item) for item in items)) or NONE


def _row(profile: MentorProfile, closed: str) -> str:
    link = escape(reverse("bank:mentor", args=[profile.user_id]))
    badge = "" if profile.open_to_invitations else f'<br><span class="badge text-bg-light border">{closed}</span>'
    return (
        f'<tr><th scope="row"><a href="{link}">{escape(profile.user.display_name)}</a>'
        f'<br><span class="small text-body-secondary">{escape(profile.get_engagement_display())}</span>{badge}</th>'
        f"<td>{_listed(profile.expertise_list)}</td><td>{_listed(profile.language_list)}</td>"
        f"<td>{_listed(profile.get_availability_display())}</td>"
        f'<td class="text-end">{profile.max_groups}</td><td class="text-end">{profile.programmes_mentored}</td>'
        f'<td class="text-end">{profile.groups_mentored}</td><td>{mentor_rating(profile)}</td></tr>'
    )
