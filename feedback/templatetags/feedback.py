"""``{% load feedback %}``: ``{{ question.text|shown }}`` shows a text of the product's default questionnaires in
the reader's language, and any other text as it is (``feedback.defaults.shown``).

The results page's questions (``{% question_result %}``, with their answer options) are written here rather than in
loops of the template: a survey has two dozen questions and a hundred options or more, each option shown three times
(in the chart's summary for screen readers, as a bar and as a table row), and the template's loops took most of the
page's time. The texts are the template's, with the same message ids (a ``blocktranslate`` of ``{{ counter }}`` is
``%(counter)s``); every text from the data is escaped. Counts and shares are whole numbers, written as they are (as
the template wrote them: the project does not group thousands)."""

from django import template
from django.template.defaultfilters import floatformat, linebreaksbr
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from feedback.defaults import shown as shown_text
from mentoring.texts import counted

register = template.Library()


@register.filter
def shown(text) -> str:
    return shown_text(text) if isinstance(text, str) else text


def _chart_summary(options) -> str:
    """What the chart shows, for its ``aria-label``: "Yes 12 (40%); No 18 (60%)"."""
    return "; ".join(f"{option.label} {option.count} ({option.whole_percent}%)" for option in options)


def _chart_rows(options) -> str:
    """One bar per option: its label, the bar (hidden from screen readers: the summary and the table say it) and
    its count and share."""
    return "\n".join(
        f'<div class="result-chart-row">\n<span class="result-chart-label">{escape(option.label)}</span>\n'
        '<svg class="result-bar" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false" aria-hidden="true">'
        f'<rect class="result-bar-track" width="100" height="10"/><rect class="result-bar-fill" width="{option.bar}" '
        f'height="10"/></svg>\n<span class="result-chart-value">{option.count} · {option.whole_percent}%</span>\n</div>'
        for option in options
    )


def _table_rows(options) -> str:
    """One table row per option: its label, count and share."""
    return "\n".join(
        f'<tr>\n<th scope="row" class="fw-normal">{escape(option.label)}</th>\n<td class="text-end">{option.count}'
        f'</td>\n<td class="text-end">{option.whole_percent}%</td>\n</tr>'
        for option in options
    )


def _text_answers(result, programme_pk: int, round_pk: int) -> str:
    if not result.texts:
        nobody = escape(gettext("Nobody has written an answer to this question."))
        return f'<p class="text-body-secondary">{nobody}</p>'
    items = []
    for answer in result.texts:
        signature = ""
        if answer.name:
            group = f", {escape(answer.group)}" if answer.group else ""
            when = ""
            if answer.submitted_at:
                when = ", " + escape(
                    formats.date_format(timezone.localtime(answer.submitted_at), "SHORT_DATETIME_FORMAT")
                )
            signature = f'<p class="small text-body-secondary mb-0">{escape(answer.name)}{group}{when}</p>'
        text = linebreaksbr(answer.text, autoescape=True)
        items.append(
            f'<li class="text-answer border-start border-3 ps-3 mb-3"><p class="mb-1">{text}</p>{signature}</li>'
        )
    more = ""
    if result.more_texts:
        link = escape(reverse("surveys:results_text", args=[programme_pk, round_pk, result.question.pk]))
        label = escape(
            counted(
                ngettext("Show all %(counter)s answer", "Show all %(counter)s answers", result.answered),
                result.answered,
            )
        )
        to, question = escape(gettext("to")), escape(shown(result.question.text))
        more = f'<p><a href="{link}">{label}<span class="visually-hidden"> {to} “{question}”</span></a></p>'
    return f'<ul class="list-unstyled text-answers mb-2">{"".join(items)}</ul>{more}'


def _answer_numbers(result) -> str:
    caption = gettext("Answers to “%(question)s”") % {"question": escape(shown(result.question.text))}
    mean = ""
    if result.mean is not None:
        label = escape(gettext("Mean"))
        mean = (
            f'<tr><th scope="row">{label}</th><td class="text-end">{escape(floatformat(result.mean, 1))}</td>'
            "<td></td></tr>"
        )
    words = {  # each gettext written out, for makemessages
        "chart": escape(gettext("Chart of the answers")),
        "show": escape(gettext("Show the numbers as a table")),
        "answer": escape(gettext("Answer")),
        "people": escape(gettext("People")),
        "share": escape(gettext("Share")),
        "answered": escape(gettext("Answered this question")),
    }
    return (
        f'<div class="result-chart" role="img" aria-label="{words["chart"]}: {escape(_chart_summary(result.options))}">'
        f"{_chart_rows(result.options)}</div>"
        f'<details class="result-numbers mt-2"><summary>{words["show"]}</summary><div class="table-responsive" '
        f'tabindex="0"><table class="table table-sm w-auto mt-2"><caption class="caption-top">{caption}</caption>'
        f'<thead><tr><th scope="col">{words["answer"]}</th><th scope="col" class="text-end">{words["people"]}</th>'
        f'<th scope="col" class="text-end">{words["share"]}</th></tr></thead><tbody>{_table_rows(result.options)}'
        f'</tbody><tfoot><tr><th scope="row">{words["answered"]}</th><td class="text-end">'
        f"{escape(formats.localize(result.answered))}</td><td></td></tr>{mean}</tfoot></table></div></details>"
    )


@register.simple_tag
def question_result(result, number: int, programme_pk: int, round_pk: int) -> SafeString:
    """One question's results: its heading, how many answered (and the mean), then the written answers, or the chart
    and the table of the options, or a line saying nobody answered."""
    facts = [counted(ngettext("%(counter)s answer", "%(counter)s answers", result.answered), result.answered)]
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
        nobody = escape(gettext("Nobody has answered this question."))
        body = f'<p class="text-body-secondary">{nobody}</p>'
    pk = result.question.pk
    return mark_safe(
        f'<article class="result-question border-top pt-3 mb-4" aria-labelledby="question-{pk}">'
        f'<h3 class="h6" id="question-{pk}">{number}. {escape(shown(result.question.text))}</h3>'
        f'<p class="small text-body-secondary mb-2">{escape(" · ".join(facts))}</p>{body}</article>'
    )
