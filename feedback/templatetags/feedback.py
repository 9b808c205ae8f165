"""``{% load feedback %}``: ``{{ question.text|shown }}`` shows a text of the product's default questionnaires in
the reader's language, and any other text as it is (``feedback.defaults.shown``).

The results page's questions (``{% question_result %}``) and their answer options (``{% chart_summary %}``,
``{% chart_rows %}``, ``{% table_rows %}``) are written here rather than in loops of the template: a survey has two
dozen questions and a hundred options or more, each option shown three times (in the chart's summary for screen
readers, as a bar and as a table row), and the template's loops took most of the page's time. The texts are the
template's, with the same message ids (a ``blocktranslate`` of ``{{ counter }}`` is ``%(counter)s``). Counts and
shares are whole numbers, written as they are (as the template wrote them: the project does not group thousands)."""

from django import template
from django.template.defaultfilters import floatformat, linebreaksbr
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from feedback.defaults import shown as shown_text
from mentoring.texts import counted

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


def _text_answers(result, programme_pk: int, round_pk: int) -> SafeString:
    if not result.texts:
        return format_html(
            '<p class="text-body-secondary">{}</p>', gettext("Nobody has written an answer to this question.")
        )
    items = []
    for answer in result.texts:
        signature = ""
        if answer.name:
            signature = format_html(
                '<p class="small text-body-secondary mb-0">{}{}{}</p>',
                answer.name,
                format_html(", {}", answer.group) if answer.group else "",
                format_html(
                    ", {}", formats.date_format(timezone.localtime(answer.submitted_at), "SHORT_DATETIME_FORMAT")
                )
                if answer.submitted_at
                else "",
            )
        items.append(
            format_html(
                '<li class="text-answer border-start border-3 ps-3 mb-3"><p class="mb-1">{}</p>{}</li>',
                linebreaksbr(answer.text, autoescape=True),
                signature,
            )
        )
    more = ""
    if result.more_texts:
        more = format_html(
            '<p><a href="{}">{}<span class="visually-hidden"> {} “{}”</span></a></p>',
            reverse("surveys:results_text", args=[programme_pk, round_pk, result.question.pk]),
            counted("Show all %(counter)s answer", "Show all %(counter)s answers", result.answered),
            gettext("to"),
            shown(result.question.text),
        )
    return format_html('<ul class="list-unstyled text-answers mb-2">{}</ul>{}', mark_safe("".join(items)), more)


def _answer_numbers(result) -> SafeString:
    caption = mark_safe(gettext("Answers to “%(question)s”") % {"question": escape(shown(result.question.text))})
    mean = ""
    if result.mean is not None:
        mean = format_html(
            '<tr><th scope="row">{}</th><td class="text-end">{}</td><td></td></tr>',
            gettext("Mean"),
            floatformat(result.mean, 1),
        )
    return format_html(
        '<div class="result-chart" role="img" aria-label="{}: {}">{}</div>'
        '<details class="result-numbers mt-2"><summary>{}</summary><div class="table-responsive" tabindex="0">'
        '<table class="table table-sm w-auto mt-2"><caption class="caption-top">{}</caption><thead><tr>'
        '<th scope="col">{}</th><th scope="col" class="text-end">{}</th><th scope="col" class="text-end">{}</th>'
        "</tr></thead><tbody>{}</tbody><tfoot>"
        '<tr><th scope="row">{}</th><td class="text-end">{}</td><td></td></tr>{}'
        "</tfoot></table></div></details>",
        gettext("Chart of the answers"),
        chart_summary(result.options),
        chart_rows(result.options),
        gettext("Show the numbers as a table"),
        caption,
        gettext("Answer"),
        gettext("People"),
        gettext("Share"),
        table_rows(result.options),
        gettext("Answered this question"),
        formats.localize(result.answered),
        mean,
    )


@register.simple_tag
def question_result(result, number: int, programme_pk: int, round_pk: int) -> SafeString:
    """One question's results: its heading, how many answered (and the mean), then the written answers, or the chart
    and the table of the options, or a line saying nobody answered."""
    facts = [counted("%(counter)s answer", "%(counter)s answers", result.answered)]
    if result.mean is not None:
        facts.append(
            gettext("Mean: %(mean)s out of %(top)s")
            % {"mean": floatformat(result.mean, 1), "top": formats.localize(result.scale_max)}
        )
    if result.question.kind == "multiple":
        facts.append(gettext("People could choose more than one answer, so the shares add up to more than 100%."))
    if result.is_text:
        body = _text_answers(result, programme_pk, round_pk)
    elif result.answered:
        body = _answer_numbers(result)
    else:
        body = format_html('<p class="text-body-secondary">{}</p>', gettext("Nobody has answered this question."))
    return format_html(
        '<article class="result-question border-top pt-3 mb-4" aria-labelledby="question-{}">'
        '<h3 class="h6" id="question-{}">{}. {}</h3><p class="small text-body-secondary mb-2">{}</p>{}</article>',
        result.question.pk,
        result.question.pk,
        number,
        shown(result.question.text),
        " · ".join(facts),
        body,
    )
