"""What the property-based tests throw at the forms and uploads, and how they tell that nothing was saved.

- The hypothesis profiles: ``ci`` (the default) is derandomised, so every run, on a laptop or in CI, tries the same
  inputs and a failure can be reproduced; ``explore`` (``HYPOTHESIS_PROFILE=explore``) tries new random inputs and
  more of them, to look for new bugs by hand.
- ``weird_values()``: what a careless or hostile visitor types into a field: nothing, blanks, 10,000 characters,
  right-to-left text, emoji, NUL bytes, HTML, numbers far out of range, dates that do not exist, several values where
  one is expected.
- ``db_state()`` and ``changed_tables()``: every row of every table of the project's apps, to compare before and
  after a request; ``rolled_back()`` sends a request in a savepoint that is rolled back, so that every example
  starts from the same world.
"""

from __future__ import annotations

import copy
import hashlib
import os

from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    # No shrinking in CI: it can take minutes for a form of twenty fields, and the failure message already
    # names the input and the exception. ``explore`` shrinks, for a minimal example to fix.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore",
    parent=settings.get_profile("ci"),
    derandomize=False,
    max_examples=200,
    phases=list(Phase),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The apps whose tables must not change when a form comes back with its errors.
OUR_APPS = ("accounts", "programmes", "groups", "feedback", "outbox", "reports")

LONG = "x" * 10_000
RTL = "مرحبا بالعالم שלום"
EMOJI = "😀🎉👩🏽‍💻🏳️‍🌈"
HTML = '<script>alert("x")</script><b onmouseover="alert(1)">bold</b>'

# Text of any kind except lone surrogates, which cannot be sent over HTTP at all.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)

GENERAL = [
    "",
    " ",
    "   \t\n ",
    "\x00",
    "a\x00b",
    LONG,
    RTL,
    EMOJI,
    "\u202etxt.exe",
    HTML,
    "{{ 7|add:1 }} {% now 'Y' %} %s %(name)s",
    "' OR 1=1; --",
    "=1+1",
    "-1",
    "0",
    "99999999999999999999999999999999",
    "-99999999999999999999999999999999",
    "1e308",
    "NaN",
    "1.5",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "31/12/2026",
    "99:99",
    "24:00",
    "2026-09-01T25:61",
    "not-a-choice",
    "true",
    "on",
]

# What is worth trying for one kind of field, beyond GENERAL.
BY_KIND = {
    "integer": ["2147483648", "-2147483649", "9223372036854775808", "1_000", " 7 ", "٣", "0x10"],
    "number": ["1e999", "-0", "Infinity", "1,5", "3." + "1" * 400],
    "date": ["2026-13-01", "2026-00-10", "10000-01-01", "2026-2-3", "1900-02-29", "2026-09-01 00:00"],
    "time": ["23:60", "-01:00", "12:00:00.9999999", "7pm", "00:00"],
    "datetime": ["2026-02-30 18:00", "2026-09-01 99:99", "2026-03-29 02:30", "10000-01-01T00:00"],
    "choice": ["", "999999999", "-1", "None", "null", "3150673567303416676352"],
    "multiple": ["", "999999999", "-1", "None", "3150673567303416676352", "1,2"],
    "email": [
        "a@b",
        "@example.org",
        "x" * 300 + "@example.org",  # valid for Django's validator (up to 320), longer than an email field stores
        f"{'a' * 60}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example.org",
        "ünï@exämple.org",
        "a@example.org\x00",
    ],
    "boolean": ["off", "false", "0", "no"],
    "url": ["javascript:alert(1)", "http://", "https://exa mple.org", "https://" + "a" * 300 + ".org", "//x"],
}


def weird_values(kind: str = "text") -> st.SearchStrategy:
    """One generated value for a field of this kind: a string, or a list of strings where one is expected."""
    scalar = st.one_of(
        st.sampled_from(BY_KIND.get(kind) or GENERAL),  # what is worth trying for this kind comes up more often
        st.sampled_from(GENERAL),
        any_text,
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
    )
    return st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))


# The database, before and after --------------------------------------------------------------------------------


def _tables() -> list[str]:
    tables = []
    for label in OUR_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        tables += [model._meta.db_table for model in config.get_models(include_auto_created=True)]
    return sorted(set(tables))


def db_state() -> dict[str, tuple[int, str]]:
    """Every table of our apps: its number of rows and a checksum of all of them, in any order."""
    state = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            state[table] = (len(rows), hashlib.sha1("\n".join(rows).encode(), usedforsecurity=False).hexdigest())
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return [
        f"{table} ({before.get(table, (0,))[0]} → {after.get(table, (0,))[0]} rows)"
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]


class _RolledBack(Exception):
    pass


def rolled_back(client, work):
    """Runs ``work()`` in a savepoint that is rolled back, and gives the client its cookies back: every example
    starts from the same world, signed in as the same person. Returns what ``work()`` returned."""
    cookies = copy.deepcopy(client.cookies)
    result = None
    try:
        with transaction.atomic():
            result = work()
            raise _RolledBack
    except _RolledBack:
        pass
    finally:
        client.cookies = cookies
    return result


def shorten(value, limit: int = 120) -> str:
    """A readable repr of generated input: 10,000 characters are shown as their start and their length."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"
