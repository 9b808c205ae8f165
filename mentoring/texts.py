"""Texts written in Python for templates that would be slow to loop over (``{% question_result %}`` of the survey
results, ``{% group_row %}`` of the dashboard), with the message ids of the template tags they replace."""

from django.utils import formats


def counted(text: str, number: int) -> str:
    """A template's ``{% blocktranslate count counter=number %}``: ``text`` is ``ngettext(singular, plural, number)``
    with the template's message ids (``{{ counter }}`` in the template is ``%(counter)s`` here), called where it is
    written so that makemessages finds them."""
    return text % {"counter": formats.localize(number)}
