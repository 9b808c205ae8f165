"""``{% load programme_tabs %}``: ``{% programme_tabs %}`` writes the tabs of a programme's pages (through
``programmes/_tabs.html``, which every programme page includes).

The tabs are data here rather than thirteen hand-written links in a template: the template's conditions on the
current page took a noticeable share of every programme page's time."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

register = template.Library()


@dataclass(frozen=True)
class Tab:
    url_name: str  # the tab's link, which takes the programme's id
    label: str
    active: frozenset[str] = frozenset()  # the pages (URL names) that belong to the tab
    namespace: str = ""  # or every page of this URL namespace belongs to it

    @property
    def name(self) -> str:
        return self.url_name.split(":")[1]

    def is_active(self, namespace: str, current: str) -> bool:
        return namespace == self.namespace if self.namespace else current in self.active | {self.name}

    def is_current(self, namespace: str, current: str) -> bool:
        """The tab's own page, which the link then marks as the current one."""
        return current == self.name and (not self.namespace or namespace == self.namespace)


TABS = (
    Tab("programmes:detail", gettext_lazy("Overview")),
    Tab("reports:dashboard", gettext_lazy("Dashboard"), namespace="reports"),
    Tab("programmes:recruitment", gettext_lazy("Application page")),
    Tab("programmes:invitations", gettext_lazy("Invitations"), frozenset({"invite"})),
    Tab("programmes:applications", gettext_lazy("Applications"), frozenset({"application"})),
    Tab("grouping:groups", gettext_lazy("Groups"), frozenset({"proposal", "circle_create", "settings"})),
    Tab(
        "grouping:matching",
        pgettext_lazy("finding mentors for groups", "Matching"),
        frozenset({"suggestions", "propose_all"}),
    ),
    Tab("grouping:contracts", gettext_lazy("Contracts"), frozenset({"contract_template"})),
    Tab("grouping:goals", gettext_lazy("Goals")),
    Tab("grouping:sessions", gettext_lazy("Sessions"), frozenset({"concerns"})),
    Tab("surveys:rounds", gettext_lazy("Feedback"), namespace="surveys"),
    Tab("programmes:events", gettext_lazy("Events"), frozenset({"event_create", "event_edit", "event_attendance"})),
    Tab("programmes:people", gettext_lazy("People"), frozenset({"person_erase"})),
)


@register.simple_tag(takes_context=True)
def programme_tabs(context) -> SafeString:
    """The tabs of ``programme``, the one of the current page marked active (and as the current page on its own
    page)."""
    match = context["request"].resolver_match
    namespace, current = match.namespace, match.url_name
    programme_pk = context["programme"].pk
    items = []
    for tab in TABS:
        active = " active" if tab.is_active(namespace, current) else ""
        aria = ' aria-current="page"' if tab.is_current(namespace, current) else ""
        link = escape(reverse(tab.url_name, args=[programme_pk]))
        items.append(
            f'<li class="nav-item"><a class="nav-link{active}"{aria} href="{link}">{escape(tab.label)}</a></li>'
        )
    label = escape(gettext("Programme sections"))
    return mark_safe(
        f'<nav aria-label="{label}" class="mb-4">'
        f'<ul class="nav nav-pills flex-wrap gap-1 programme-tabs">{"".join(items)}</ul></nav>'
    )
