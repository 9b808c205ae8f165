"""``{% load dashboard %}``: ``{% group_row row %}`` writes one row of the dashboard's groups table.

Written here rather than in the template's loop: a page shows up to fifty groups, and the loop's nine cells of tags,
links, dates and plurals took most of the dashboard's time. The texts are the template's, with the same message ids
(``mentoring.texts.counted`` for a ``blocktranslate count``)."""

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from groups.models import VersionStatus
from mentoring.texts import counted
from reports.services.health import GroupHealth

register = template.Library()

NONE = "–"


@register.simple_tag
def group_row(row: GroupHealth) -> SafeString:
    """The group (a link to its page, its mentors and mentees), its risks and its figures."""
    mentors = ", ".join(row.mentors) if row.mentors else gettext("no mentor")
    mentees = counted("%(counter)s mentee", "%(counter)s mentees", row.mentees)
    if row.risks:
        risks = format_html(
            '<ul class="list-unstyled mb-0 small text-danger-emphasis">{}</ul>',
            format_html_join(
                "", '<li><span aria-hidden="true">⚠</span> {}</li>', ((label,) for label in row.risk_labels)
            ),
        )
    else:
        risks = format_html('<span class="text-body-secondary">{}</span>', gettext("no"))
    sessions = format_html("{} / {}", formats.localize(row.held), formats.localize(row.planned))
    if row.scheduled:
        sessions = format_html(
            '{}<br><span class="small text-body-secondary">{}</span>',
            sessions,
            counted("%(counter)s to come", "%(counter)s to come", row.scheduled),
        )
    attendance = f"{row.attendance_percent}%" if row.attendance_percent is not None else NONE
    if row.last_held:
        last = formats.date_format(timezone.localtime(row.last_held), "SHORT_DATE_FORMAT")
    else:
        last = gettext("none yet")
    goals = f"{row.goals_achieved} / {row.goals_total}" if row.goals_total else NONE
    answered = f"{row.answered} / {row.asked}" if row.asked else NONE
    satisfaction = f"{formats.localize(row.satisfaction)} / 5" if row.satisfaction is not None else NONE
    return format_html(
        '<tr><th scope="row"><a href="{}">{}</a><br><span class="small fw-normal text-body-secondary">{} · {}</span>'
        "</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        reverse("groups:detail", args=[row.group.pk]),
        row.group.name,
        mentors,
        mentees,
        risks,
        sessions,
        attendance,
        last,
        _contract(row.contract),
        goals,
        answered,
        satisfaction,
    )


def _contract(status: str) -> str:
    if status == VersionStatus.IN_FORCE:
        return gettext("in force")
    if status == VersionStatus.PROPOSED:
        return gettext("waiting for agreement")
    if status == VersionStatus.DRAFT:
        return gettext("draft")
    return gettext("none yet")
