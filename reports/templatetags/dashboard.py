"""``{% load dashboard %}``: ``{% group_rows page %}`` writes the rows of the dashboard's groups table.

Written here rather than in the template's loop: a page shows up to fifty groups, and the loop's nine cells of tags,
links, dates and plurals took most of the dashboard's time. The texts are the template's, with the same message ids
(``mentoring.texts.counted`` for a ``blocktranslate count``); every text from the data is escaped, and numbers are
written as they are (the project does not group thousands)."""

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from groups.models import VersionStatus
from mentoring.texts import counted
from reports.services.health import GroupHealth

register = template.Library()

NONE = "–"


@register.simple_tag
def group_rows(rows: Iterable[GroupHealth]) -> SafeString:
    """Each group (a link to its page, its mentors and mentees), its risks and its figures."""
    words = {
        "no mentor": escape(gettext("no mentor")),
        "no": escape(gettext("no")),
        "none yet": escape(gettext("none yet")),
        VersionStatus.IN_FORCE: escape(gettext("in force")),
        VersionStatus.PROPOSED: escape(gettext("waiting for agreement")),
        VersionStatus.DRAFT: escape(gettext("draft")),
    }
    return mark_safe("".join(_row(row, words) for row in rows))


def _row(row: GroupHealth, words: dict[str, str]) -> str:
    mentors = escape(", ".join(row.mentors)) if row.mentors else words["no mentor"]
    mentees = escape(counted(ngettext("%(counter)s mentee", "%(counter)s mentees", row.mentees), row.mentees))
    if row.risks:
        risks = "".join(f'<li><span aria-hidden="true">⚠</span> {escape(label)}</li>' for label in row.risk_labels)
        risks = f'<ul class="list-unstyled mb-0 small text-danger-emphasis">{risks}</ul>'
    else:
        risks = f'<span class="text-body-secondary">{words["no"]}</span>'
    sessions = f"{row.held} / {row.planned}"
    if row.scheduled:
        to_come = escape(counted(ngettext("%(counter)s to come", "%(counter)s to come", row.scheduled), row.scheduled))
        sessions += f'<br><span class="small text-body-secondary">{to_come}</span>'
    attendance = f"{row.attendance_percent}%" if row.attendance_percent is not None else NONE
    if row.last_held:
        last = escape(formats.date_format(timezone.localtime(row.last_held), "SHORT_DATE_FORMAT"))
    else:
        last = words["none yet"]
    contract = words.get(row.contract, words["none yet"])
    goals = f"{row.goals_achieved} / {row.goals_total}" if row.goals_total else NONE
    answered = f"{row.answered} / {row.asked}" if row.asked else NONE
    satisfaction = f"{escape(formats.localize(row.satisfaction))} / 5" if row.satisfaction is not None else NONE
    link = escape(reverse("groups:detail", args=[row.group.pk]))
    return (
        f'<tr><th scope="row"><a href="{link}">{escape(row.group.name)}</a><br>'
        f'<span class="small fw-normal text-body-secondary">{mentors} · {mentees}</span></th>'
        f"<td>{risks}</td><td>{sessions}</td><td>{attendance}</td><td>{last}</td><td>{contract}</td>"
        f"<td>{goals}</td><td>{answered}</td><td>{satisfaction}</td></tr>"
    )
