"""``{% load feedback %}``: ``{{ question.text|shown }}`` shows a text of the product's default questionnaires in
the reader's language, and any other text as it is (``feedback.defaults.shown``)."""

from django import template

from feedback.defaults import shown as shown_text

register = template.Library()


@register.filter
def shown(text) -> str:
    return shown_text(text) if isinstance(text, str) else text
