"""Every page in the second language: switched to German, no page shows English text of ours.

Each page of the permission matrix that a coordinator, a mentor, a mentee or a signed-out visitor may open is
rendered in German, and its visible text (and the text of its labels, titles and placeholders) is checked twice:

- no piece of text is an English string of the catalogue whose German differs (a string marked for translation
  but translated too early, before the language was known, or not at all);
- no piece of text has English words that German never uses ("the", "your", "with" and the like), once the data
  of the test world (names, titles, texts typed by people) is taken out: that finds text never marked for
  translation, which the catalogue cannot know about.
"""

from __future__ import annotations

import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from mentoring.tests.matrix import PERSONAS
from mentoring.tests.test_permission_matrix import MATRIX

pytestmark = pytest.mark.django_db

READERS = ("anonymous", "mentee", "mentor", "coordinator")
OUR_APPS = ("accounts", "programmes", "groups", "feedback", "outbox")
# Words of English that are not German words, and that almost every English sentence has one of.
ENGLISH_ONLY = {
    "the", "and", "your", "you", "with", "this", "that", "what", "which", "when", "from", "have", "has", "will",
    "should", "there", "their", "they", "yet", "not", "of", "to", "is", "are", "for", "or", "been", "here", "who",
    "can", "how", "our", "each", "every", "please", "after", "before", "about", "no", "none", "than", "then",
}  # fmt: skip
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+")  # web and email addresses
ZONES = {zone.replace("_", " ") for zone in zoneinfo.available_timezones()}  # "Europe/Isle of Man" is a name


class _Text(HTMLParser):
    """The page's visible text, piece by piece, and the text of the attributes people hear or read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        self.pieces.extend(values[name] for name in ATTRIBUTES if values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.pieces.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden:
            self.pieces.append(text)


def texts_of(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.pieces


def english_catalogue() -> dict[str, str]:
    """The catalogue's English strings (whole, without placeholders) whose German differs, by their English."""
    catalogue = translation.trans_real.translation("de")._catalog
    strings = {}
    germans = set()
    for key, german in catalogue.items():
        germans.add(" ".join(str(german).split()))
        english = key[0] if isinstance(key, tuple) else key  # plural forms are keyed (msgid, index)
        if isinstance(english, str) and "%" not in english and "{" not in english and english != german:
            strings[" ".join(english.split())] = german
    for german in germans:  # "Programme" is English for one thing and German for another
        strings.pop(german, None)
    strings.pop("", None)
    for _code, name in settings.LANGUAGES:  # the language switcher names each language in its own words
        strings.pop(name, None)
    return strings


def world_data() -> list[str]:
    """Every text the test world holds (names, titles, emails, texts people wrote), longest first."""
    values = set()
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField | models.EmailField)
            ]
            for row in model.objects.values_list(*fields):
                values.update(value for value in row if isinstance(value, str) and value.strip())
    return sorted(values, key=len, reverse=True)


def without_data(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


PAGES = [
    case
    for case in MATRIX
    if case.method == "get" and any(case.expected[PERSONAS.index(reader)] == "200" for reader in READERS)
]


@pytest.mark.parametrize("case", PAGES, ids=lambda case: case.name)
def test_the_page_has_no_english_left_in_german(client, world, case):
    for person in (world.coordinator, world.mentor, world.mentee):
        person.language = "de"
        person.save(update_fields=["language"])
    catalogue = english_catalogue()
    url = reverse(case.name, kwargs=case.kwargs(world))
    for reader in READERS:
        if case.expected[PERSONAS.index(reader)] != "200":
            continue
        client.logout()
        if reader == "anonymous":
            client.cookies["django_language"] = "de"
        else:
            client.force_login(getattr(world, reader))
        response = client.get(url, case.data)
        assert response.status_code == 200
        if not response["Content-Type"].startswith("text/html"):
            continue  # a download (CSV, calendar): its headings follow the language too, tested with each export
        data = world_data()
        texts = [text for text in texts_of(response.content.decode()) if text not in data and text not in ZONES]
        untranslated = [text for text in texts if text in catalogue]
        assert untranslated == [], f"{reader}: shown in English: {untranslated}"
        english = []
        for text in texts:
            words = {word.lower() for word in WORD.findall(NOT_WORDS.sub(" ", without_data(text, data)))}
            if words & ENGLISH_ONLY:
                english.append(text)
        assert english == [], f"{reader}: English words in the German page: {english}"
