"""The translation catalogues stay complete, keep their placeholders, and are compiled.

Every language in ``settings.LANGUAGES`` other than the source language (English) has a catalogue in
``locale/<lang>/LC_MESSAGES/django.po``. After ``make messages`` a new or changed string arrives untranslated or
``#, fuzzy`` (a guess from a similar string, usually wrong); these tests fail until someone translates it, and
until the ``.mo`` that Django actually reads is compiled again.

The ``.po`` file is read with the small parser below, so the tests need nothing beyond the standard library.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter

import pytest
from django.conf import settings
from django.utils import translation

from conftest import UNDER_CI

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
COUNT_NAMES = {"count", "counter"}  # the number a plural is chosen by; msgstr[0] ("one …") may leave it out


# A small .po parser -----------------------------------------------------------------------------------------


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def is_translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted PO string: {text!r}")
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match.group(1), match.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file, without the header and without obsolete (``#~``) entries."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: str | None = None  # the keyword the next continuation line belongs to

    def finish() -> None:
        if entry is not None and (entry.msgid or entry.msgctxt is not None):
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:  # a blank line ends an entry
            finish()
            entry, target = None, None
            continue
        if line.startswith("#"):
            if target is not None and target != "comment":  # a comment starts the next entry
                finish()
                entry, target = None, None
            if entry is None:
                entry, target = Entry(line=number), "comment"
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            if entry is None or target in (None, "comment"):
                raise ValueError(f"{path}:{number}: a string continues nothing")
            value = _unquote(line)
            if target.startswith("msgstr["):
                index = int(target[7:-1])
                entry.msgstr_plural[index] += value
            else:
                setattr(entry, target, getattr(entry, target) + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and target not in (None, "comment", "msgctxt"):
            finish()
            entry = None
        if entry is None:
            entry = Entry(line=number)
        if keyword.startswith("msgstr["):
            entry.msgstr_plural[int(keyword[7:-1])] = _unquote(rest)
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            setattr(entry, keyword, _unquote(rest))
        else:
            raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
        target = keyword
    finish()
    return entries


# Placeholders ----------------------------------------------------------------------------------------------

_PYTHON_FORMAT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)


def python_placeholders(text: str) -> Counter:
    """``%(name)s`` placeholders by name (a translation may reorder them), ``%s`` ones by position."""
    found: Counter = Counter()
    position = 0
    for match in _PYTHON_FORMAT.finditer(text):
        if match.group("type") == "%":
            continue
        if match.group("name") is not None:
            found[(match.group("name"), match.group("type"))] = 1
        else:
            found[(position, match.group("type"))] += 1
            position += 1
    return found


def brace_placeholders(text: str) -> Counter:
    """``{name}`` / ``{0}`` replacement fields, by field name."""
    found: Counter = Counter()
    for _literal, name, _spec, _conversion in Formatter().parse(text):
        if name is not None:
            found[(name.split(".")[0].split("[")[0], "")] = 1
    return found


def placeholder_problems(entry: Entry) -> list[str]:
    """What is wrong with the placeholders of a python-format or python-brace-format entry (nothing: [])."""
    if "python-format" in entry.flags:
        extract = python_placeholders
    elif "python-brace-format" in entry.flags:
        extract = brace_placeholders
    else:
        return []
    if entry.msgid_plural is None:
        wanted, got = extract(entry.msgid), extract(entry.msgstr)
        return [] if got == wanted else [f"{entry}: msgstr has {_show(got)}, msgid has {_show(wanted)}"]
    wanted = extract(entry.msgid_plural)
    without_count = Counter({key: n for key, n in wanted.items() if key[0] not in COUNT_NAMES})
    problems = []
    for index, text in sorted(entry.msgstr_plural.items()):
        got = extract(text)
        if got == wanted or (index == 0 and got == without_count):
            continue
        problems.append(f"{entry}: msgstr[{index}] has {_show(got)}, msgid_plural has {_show(wanted)}")
    return problems


def _show(placeholders: Counter) -> list[str]:
    return sorted(f"{name}:{kind}" for name, kind in placeholders.elements())


# The tests --------------------------------------------------------------------------------------------------


def catalogue(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"


def entries_of(language: str) -> list[Entry]:
    path = catalogue(language)
    assert path.exists(), f"{path} is missing; run `make messages`."
    return parse_po(path)


SAMPLE_PO = r"""msgid ""
msgstr ""
"Language: de\n"

#: a.py:1
#, fuzzy, python-format
#| msgid "Old"
msgid ""
"Hello "
"%(name)s"
msgstr "Hallo %(name)s"

msgctxt "month"
msgid "May"
msgstr "Mai"

#, python-format
msgid "%(counter)s item"
msgid_plural "%(counter)s items"
msgstr[0] "ein Ding"
msgstr[1] ""
"%(counter)s Dinge"

#, fuzzy
#~ msgid "Gone"
#~ msgstr "Weg"

msgid "Say \"hi\"\n"
msgstr ""
"""


def test_the_parser_reads_plurals_contexts_flags_and_continuations(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(SAMPLE_PO, encoding="utf-8")
    hello, may, items, quoted = parse_po(po)
    assert (hello.msgid, hello.msgstr, hello.is_fuzzy) == ("Hello %(name)s", "Hallo %(name)s", True)
    assert (may.msgctxt, may.msgid, may.msgstr) == ("month", "May", "Mai")
    assert items.msgstr_plural == {0: "ein Ding", 1: "%(counter)s Dinge"}
    assert placeholder_problems(items) == []  # msgstr[0] may leave the count out
    assert (quoted.msgid, quoted.is_translated, quoted.is_fuzzy) == ('Say "hi"\n', False, False)


def test_the_placeholder_check_catches_a_lost_or_renamed_placeholder():
    assert placeholder_problems(Entry(line=1, msgid="Hi %(name)s", msgstr="Hallo", flags={"python-format"}))
    assert placeholder_problems(Entry(line=1, msgid="Hi %(name)s", msgstr="Hallo %(nom)s", flags={"python-format"}))
    assert not placeholder_problems(
        Entry(line=1, msgid="%(a)s to %(b)s", msgstr="%(b)s ← %(a)s 100%%", flags={"python-format"})
    )
    assert placeholder_problems(Entry(line=1, msgid="{0} of {1}", msgstr="{0} von", flags={"python-brace-format"}))
    plural = Entry(
        line=1,
        msgid="%(counter)s file in %(folder)s",
        msgid_plural="%(counter)s files in %(folder)s",
        msgstr_plural={0: "Eine Datei", 1: "%(counter)s Dateien in %(folder)s"},
        flags={"python-format"},
    )
    assert placeholder_problems(plural)  # msgstr[0] may drop the count, not %(folder)s


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated(language):
    missing = [str(entry) for entry in entries_of(language) if not entry.is_translated]
    assert not missing, f"{len(missing)} untranslated entries in {catalogue(language)}:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy(language):
    fuzzy = [str(entry) for entry in entries_of(language) if entry.is_fuzzy]
    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries in {catalogue(language)}; check each guess, correct it and remove "
        "the `#, fuzzy` line:\n" + "\n".join(fuzzy)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_original(language):
    problems = [problem for entry in entries_of(language) for problem in placeholder_problems(entry)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(language):
    """Django reads the .mo. If someone translates in the .po and forgets `compilemessages`, this fails."""
    stale = []
    with translation.override(language):
        for entry in entries_of(language):
            if entry.is_fuzzy or not entry.is_translated:
                continue  # reported by the tests above; msgfmt leaves them out of the .mo
            context = entry.msgctxt
            if entry.msgid_plural is None:
                expected = {None: entry.msgstr}
                single = (
                    translation.gettext(entry.msgid) if context is None else translation.pgettext(context, entry.msgid)
                )
                got = {None: single}
            else:
                # n=1 picks msgstr[0] and n=2 msgstr[1] under the Plural-Forms of every language we have so far.
                expected = {1: entry.msgstr_plural[0], 2: entry.msgstr_plural[1]}
                got = {
                    n: translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    if context is None
                    else translation.npgettext(context, entry.msgid, entry.msgid_plural, n)
                    for n in expected
                }
            if got != expected:
                stale.append(f"{entry}: the .mo gives {got}, the .po says {expected}")
    assert not stale, (
        f"locale/{language}/LC_MESSAGES/django.mo is out of date; run "
        "`DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv`:\n" + "\n".join(stale[:20])
    )


# The catalogue and the sources --------------------------------------------------------------------------------

COPIED = shutil.ignore_patterns(".git", ".venv", "var", "node_modules", "__pycache__", "*.pyc", "*.mo", "static")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_has_every_message_of_the_sources_and_no_other(language, tmp_path):
    """``make messages`` run on a copy of the sources finds the catalogue's messages, no more and no fewer: a
    message the sources use but the catalogue lacks is shown in English (for example a ``gettext`` inside an f-string,
    which makemessages cannot see), and one the catalogue keeps but no source uses is a leftover."""
    if shutil.which("xgettext") is None:
        message = "xgettext (GNU gettext) is not installed; `make messages` needs it"
        if UNDER_CI:
            pytest.fail(f"{message}, and CI requires it")
        pytest.skip(message)
    copy = tmp_path / "project"
    shutil.copytree(settings.BASE_DIR, copy, ignore=COPIED)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", language, "--ignore=.venv", "--ignore=var"],
        cwd=copy,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr

    def messages(path: Path) -> set[tuple]:
        return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in parse_po(path) if entry.msgid}

    found = messages(copy / "locale" / language / "LC_MESSAGES" / "django.po")
    kept = messages(catalogue(language))
    assert found - kept == set(), "messages of the sources missing from the catalogue: run `make messages`"
    assert kept - found == set(), "messages in the catalogue that no source uses: run `make messages`"
