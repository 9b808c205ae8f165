"""``{% load feedback %}``: ``{{ question.text|shown }}`` shows a text of the product's default questionnaires in
the reader's language, and any other text as it is (``feedback.defaults.shown``).

The results page's answer options (``{% chart_summary %}``, ``{% chart_rows %}``, ``{% table_rows %}``) are written
here rather than in a loop of the template: a survey has a hundred options or more, each shown three times (in the
chart's summary for screen readers, as a bar and as a table row), and the template's loops took most of the page's
time. Counts and shares are whole numbers, written as they are (as the template wrote them: the project does not
group thousands)."""

from django import template
from django.utils.html import format_html_join

from feedback.defaults import shown as shown_text

register = template.Library()


@register.filter
def shown(text) -> str:
    return shown_text(text) if isinstance(text, str) else text


@register.simple_tag
def chart_summary(options) -> str:
    """What the chart shows, for its ``aria-label``: "Yes 12 (40%); No 18 (60%)"."""
    return "; ".join(f"{option.label} {option.count} ({option.whole_percent}%)" for option in options)


@register.simple_tag
def chart_rows(options) -> str:
    """One bar per option: its label, the bar (hidden from screen readers: the summary and the table say it) and
    its count and share."""
    return format_html_join(
        "\n",
        '<div class="result-chart-row">\n<span class="result-chart-label">{}</span>\n<svg class="result-bar" '
        'viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false" aria-hidden="true"><rect '
        'class="result-bar-track" width="100" height="10"/><rect class="result-bar-fill" width="{}" height="10"/>'
        '</svg>\n<span class="result-chart-value">{} · {}%</span>\n</div>',
        ((option.label, option.bar, option.count, option.whole_percent) for option in options),
    )


@register.simple_tag
def table_rows(options) -> str:
    """One table row per option: its label, count and share."""
    return format_html_join(
        "\n",
        '<tr>\n<th scope="row" class="fw-normal">{}</th>\n<td class="text-end">{}</td>\n'
        '<td class="text-end">{}%</td>\n</tr>',
        ((option.label, option.count, option.whole_percent) for option in options),
    )
