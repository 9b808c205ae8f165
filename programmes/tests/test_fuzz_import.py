"""Inviting people from an uploaded CSV file, fed generated files: never a server error, everyone or nobody
invited, and every problem of a row reported at its line.

The files are what spreadsheets and careless hands produce: columns in any order and case, unknown and missing
columns, commas, semicolons or tabs, quotes and line breaks inside cells, cells that look like formulas
(``=1+1``), right-to-left names and emoji, too-long names, broken addresses, unknown roles, repeated people, files
in Latin-1, UTF-16 with a byte order mark or not text at all, empty files, only a header, 5,000 rows.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mentoring.tests.fuzz import EMOJI, RTL, changed_tables, db_state, rolled_back, shorten
from programmes.forms.invitations import active_members
from programmes.imports import MAX_NAME_LENGTH, MAX_ROWS, parse_csv, role_names
from programmes.models import Invitation

pytestmark = pytest.mark.django_db

LINE = re.compile(r"^Line (\d+): ")
# The problems of the file as a whole, which have no line (the start of each message).
FILE_PROBLEMS = (
    "The file is not in UTF-8 text.",
    "The file is empty.",
    "The file is larger than 1 MB.",
    f"There are more than {MAX_ROWS} people.",
    "The file has a header line but no people in it.",
    "Please choose a CSV file.",
    "…and ",  # "…and 12 more problems": the rest of a long list
)

ROLES = [
    "mentee",
    "mentor",
    "coordinator",
    "supervisor",
    "Mentee",
    " MENTOR ",
    "Koordinator",
]  # the last: a label in German
BAD_ROLES = ["", "boss", "=1+1", "mentee mentor", RTL]
BAD_EMAILS = ["", "not-an-address", "@example.org", "ann@", "ann example@example.org", '=HYPERLINK("x")']


# What goes into the files ------------------------------------------------------------------------------------

# Addresses Django accepts, of every length up to the 254 characters that an email field stores.
emails = st.builds(
    lambda local, domain, n: f"{local}{n}@{domain}",
    st.from_regex(r"\A[a-z][a-z0-9_+-]{0,15}(\.[a-z0-9_+-]{1,10}){0,2}\Z"),
    st.sampled_from(["example.org", "exämple.org", "mail." + "sub." * 5 + "example.org", "b" * 63 + ".example.org"]),
    st.integers(min_value=0, max_value=999),
)
names = st.one_of(
    st.sampled_from(
        ["", "Ann Example", 'Ann "the boss" Example', "Line one\nline two", "Smith, Ann", "=1+1", "@SUM(A1:A2)"]
    ),
    st.sampled_from([RTL, EMOJI, "Zoë Ñandú", "+49 30 1234"]),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=MAX_NAME_LENGTH),
)
valid_row = st.fixed_dictionaries({"name": names, "email": emails, "role": st.sampled_from(ROLES)})


@st.composite
def valid_people(draw, max_size: int = 25) -> list[dict]:
    """People to invite, each address and role once."""
    return draw(st.lists(valid_row, min_size=1, max_size=max_size, unique_by=lambda row: row["email"].lower()))


@st.composite
def layouts(draw) -> dict:
    """How a spreadsheet writes the file: column order and case, separator, quoting, line ends."""
    columns = draw(st.permutations(["name", "email", "role"]))
    if draw(st.booleans()):
        columns = [column for column in columns if column != "name"]
    return {
        "columns": columns,
        "header": [draw(st.sampled_from([column, column.upper(), f" {column.title()} "])) for column in columns],
        "delimiter": draw(st.sampled_from([",", ";", "\t"])),
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        "lineterminator": draw(st.sampled_from(["\n", "\r\n"])),
        "bom": draw(st.booleans()),
    }


def write(layout: dict, people: list[dict], *, extra_rows: list[list[str]] = ()) -> bytes:
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=layout["delimiter"], quoting=layout["quoting"], lineterminator=layout["lineterminator"]
    )
    writer.writerow(layout["header"])
    for person in people:
        writer.writerow([person[column] for column in layout["columns"]])
    writer.writerows(extra_rows)
    return out.getvalue().encode("utf-8-sig" if layout["bom"] else "utf-8")


def line_of(layout: dict, people: list[dict], index: int) -> int:
    """The line on which the row of ``people[index]`` starts: after the header and every line break written before
    it (quoted cells may hold line breaks)."""
    return write(layout, people[:index]).count(b"\n") + 1


@st.composite
def any_file(draw) -> bytes:
    """Anything at all: a file written by a spreadsheet with random columns and cells, in any encoding, or bytes."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=500))
    header = draw(
        st.lists(
            st.one_of(st.sampled_from(["name", "email", "role", "Email", " ROLE ", "", "phone", "e-mail"]), st.text()),
            max_size=5,
        )
    )
    cell = st.one_of(st.sampled_from(ROLES + BAD_ROLES + BAD_EMAILS), emails, names, st.text(max_size=20))
    rows = draw(st.lists(st.lists(cell, max_size=5), max_size=15))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t", "|"])), quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue() if draw(st.booleans()) else out.getvalue().replace('"', "")  # unbalanced quotes too
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]))
    return text.encode(encoding, errors="replace")


def _text(*lines: str) -> bytes:
    return "\n".join(lines).encode()


EMPTY = b""
ONLY_A_HEADER = _text("name,email,role")
LATIN_1 = "name,email,role\nZoë,zoe@example.org,mentee\n".encode("latin-1")
UTF_16 = "name,email,role\nZoë,zoe@example.org,mentee\n".encode("utf-16")  # with its byte order mark
NOT_UTF_8 = b"name,email,role\n\xff\xfe\xfa,ann@example.org,mentee\n"
FIVE_THOUSAND = _text("name,email,role", *(f"Person {n},person{n}@example.org,mentee" for n in range(5000)))
QUOTES_AND_FORMULAS = _text(
    "name,email,role", '"=1+1","ann@example.org",mentee', '"Bo ""B"" \nBig",bo@example.org,mentor'
)
# 255 to 320 characters: a valid address for Django's validator, but longer than an email field stores.
TOO_LONG_ADDRESS = _text("email,role", f"{'a' * 60}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example.org,mentee")


# Sending a file ---------------------------------------------------------------------------------------------


def upload(client, world, content: bytes):
    """Posts the file in a savepoint that is rolled back; returns the answer, its errors, the invitations it made
    and the tables it changed."""
    url = reverse("programmes:invite_csv", kwargs={"pk": world.programme.pk})

    def attempt():
        before = db_state()
        try:
            response = client.post(url, {"csv-file": SimpleUploadedFile("people.csv", content, "text/csv")})
        except Exception as error:  # the test client re-raises what the view raised: a server error
            pytest.fail(f"{shorten(content, 300)} raised {error!r}")
        assert response.status_code != 500, shorten(content, 300)
        form = response.context["csv_form"] if response.status_code == 200 else None
        errors = [str(error) for error in form.errors.get("file", [])] if form is not None else []
        invited = sorted(Invitation.objects.values_list("email", "role", "name"))
        return response.status_code, errors, invited, changed_tables(before, db_state())

    return rolled_back(client, attempt)


def assert_every_problem_has_its_line(errors: list[str], content: bytes) -> None:
    lines = max(1, content.count(b"\n") + 1)
    for error in errors:
        found = LINE.match(error)
        if found:
            assert 1 <= int(found[1]) <= lines, f"{error!r} points past the end of the file"
        else:
            assert error.startswith(FILE_PROBLEMS), f"{error!r} has no line number"


# The properties ---------------------------------------------------------------------------------------------


@settings(max_examples=25)
@given(content=any_file())
@example(content=EMPTY)
@example(content=ONLY_A_HEADER)
@example(content=LATIN_1)
@example(content=UTF_16)
@example(content=NOT_UTF_8)
@example(content=FIVE_THOUSAND)
@example(content=QUOTES_AND_FORMULAS)
@example(content=TOO_LONG_ADDRESS)
def test_no_file_is_answered_with_a_server_error_or_half_imported(as_user, world, content):
    client = as_user(world.coordinator)
    status, errors, invited, changed = upload(client, world, content)
    expected = parse_csv(content, members=active_members(world.programme))
    if status == 302:
        assert not expected.errors
        assert invited == sorted((person.email, person.role, person.name) for person in expected.invitees)
    else:
        assert status == 200
        assert errors, "refused without saying why"
        assert changed == [], f"refused, yet saved: {changed}"
        assert_every_problem_has_its_line(errors, content)


@settings(max_examples=15)
@given(layout=layouts(), people=valid_people())
def test_a_good_file_invites_everyone_in_it(as_user, world, layout, people):
    status, errors, invited, _changed = upload(as_user(world.coordinator), world, write(layout, people))
    assert (status, errors) == (302, [])
    expected = {
        (
            person["email"].lower(),
            role_names()[person["role"].strip().lower()],
            person["name"].strip().strip('"').strip() if "name" in layout["columns"] else "",
        )
        for person in people
    }
    assert set(invited) == expected
    assert len(invited) == len(people)


BREAKAGES = {
    "a broken address": lambda person: {**person, "email": "ann.example.org"},
    "no address": lambda person: {**person, "email": ""},
    "an unknown role": lambda person: {**person, "role": "boss"},
    "no role": lambda person: {**person, "role": ""},
    "a name that is too long": lambda person: {**person, "name": "N" * (MAX_NAME_LENGTH + 1)},
}


@settings(max_examples=20)
@given(
    layout=layouts(),
    people=valid_people(max_size=12),
    breakage=st.sampled_from(sorted(BREAKAGES)),
    data=st.data(),
)
def test_one_bad_row_is_reported_at_its_line_and_nobody_is_invited(as_user, world, layout, people, breakage, data):
    if breakage == "a name that is too long" and "name" not in layout["columns"]:
        layout = {**layout, "columns": ["name", *layout["columns"]], "header": ["name", *layout["header"]]}
    index = data.draw(st.integers(min_value=0, max_value=len(people) - 1), label="index")
    people = [*people[:index], BREAKAGES[breakage](people[index]), *people[index + 1 :]]
    content = write(layout, people)
    status, errors, invited, changed = upload(as_user(world.coordinator), world, content)
    assert status == 200
    assert (invited, changed) == ([], [])
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"Line {line_of(layout, people, index)}: "), (errors, shorten(content, 400))


@settings(max_examples=15)
@given(
    layout=layouts(),
    people=valid_people(max_size=10),
    extra=st.lists(st.text(st.characters(exclude_categories=["Cs", "Cc"])), min_size=1),
)
def test_a_row_with_more_values_than_columns_is_reported_at_its_line(as_user, world, layout, people, extra):
    row = [people[-1][column] for column in layout["columns"]] + extra
    if not any(value.strip() for value in extra):
        row[-1] = "surplus"
    content = write(layout, people[:-1], extra_rows=[row])
    status, errors, invited, _changed = upload(as_user(world.coordinator), world, content)
    assert (status, invited) == (200, [])
    assert any(error.startswith(f"Line {line_of(layout, people, len(people) - 1)}: ") for error in errors), errors


# The parser alone, which is pure and fast, gets many more files.


@settings(max_examples=300)
@given(content=any_file())
def test_the_parser_never_raises_and_reports_every_row_problem_at_its_line(content):
    parsed = parse_csv(content)
    assert bool(parsed.errors) != bool(parsed.invitees)
    assert_every_problem_has_its_line([str(error) for error in parsed.errors], content)
