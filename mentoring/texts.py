"""Texts written in Python for templates that would be slow to loop over (``{% question_result %}`` of the survey
results, ``{% group_row %}`` of the dashboard), with the message ids of the template tags they replace."""

from django.utils import formats
from django.utils.translation import ngettext


def counted(singular: str, plural: str, number: int) -> str:
    """A template's ``{% blocktranslate count counter=number %}``, with the same message ids: ``{{ counter }}`` in
    the template is ``%(counter)s`` here."""
    return ngettext(singular, plural, number) % {"counter": formats.localize(number)}
