"""Reading many invitees at once: a list pasted into a text box, or an uploaded CSV file.

Both parsers are pure (no database): they return the invitees, or every problem found with its line number, so
that the coordinator can fix the whole file in one go. Nothing is invited unless every row is valid: a caller
invites ``Parsed.invitees`` only when ``Parsed.errors`` is empty.

The caller passes the programme's active members as ``(email, role)`` pairs (emails in lower case) so that
people who are already in the programme in that role are reported rather than invited again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from programmes.models import Invitation, Role
from programmes.services.invitations import Invitee

MAX_ROWS = 1000
MAX_BYTES = 1024 * 1024  # 1 MB
MAX_NAME_LENGTH = 150  # Invitation.name
# What an invitation stores; Django's validator lets addresses of up to 320 characters through.
MAX_EMAIL_LENGTH = Invitation._meta.get_field("email").max_length
COLUMNS = ("name", "email", "role")
REQUIRED_COLUMNS = ("email", "role")

# "Ann Example <ann@example.org>", optionally followed by ", role" (or a tab or semicolon and the role).
_NAME_AND_ADDRESS = re.compile(r"^(?P<name>[^<>]*)<(?P<email>[^<>]*)>\s*(?:[,;\t]\s*(?P<role>[^<>]*))?$")


class LineError(NamedTuple):
    """One problem: where it is (``line`` None for the file as a whole) and what it is."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Parsed:
    invitees: list[Invitee] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.invitees)


# Roles ----------------------------------------------------------------------------------------------------


def role_names() -> dict[str, str]:
    """Every word that names a role, in lower case: its value and its label in each of the site's languages."""
    names = {role.value: role.value for role in Role}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.update({str(role.label).lower(): role.value for role in Role})
    return names


def _roles_hint() -> str:
    return ", ".join(role.value for role in (Role.MENTOR, Role.MENTEE, Role.COORDINATOR, Role.SUPERVISOR))


# One row, whichever way it came --------------------------------------------------------------------------


class _Checker:
    """Checks rows one by one and remembers what it has seen, for duplicates and the row limit."""

    def __init__(self, *, members: Collection[tuple[str, str]]):
        self.members = members
        self.roles = role_names()
        self.seen: dict[tuple[str, str], int] = {}
        self.parsed = Parsed()
        self.rows = 0

    def error(self, line: int | None, message: str) -> None:
        self.parsed.errors.append(LineError(line, message))

    def too_many(self) -> bool:
        self.rows += 1
        if self.rows > MAX_ROWS:
            self.parsed.invitees.clear()
            self.parsed.errors = [
                LineError(
                    None,
                    _("There are more than %(max)d people. Please split them into lists of up to %(max)d.")
                    % {"max": MAX_ROWS},
                )
            ]
            return True
        return False

    def row(self, line: int, *, name: str, email: str, role: str) -> None:
        name, email, role = name.strip().strip('"').strip(), email.strip(), role.strip()
        if not email:
            self.error(line, _("the email address is missing."))
            return
        try:
            validate_email(email)
        except ValidationError:
            self.error(line, _("“%(email)s” is not a valid email address.") % {"email": email})
            return
        if len(email) > MAX_EMAIL_LENGTH:
            self.error(line, _("the email address is longer than %(max)d characters.") % {"max": MAX_EMAIL_LENGTH})
            return
        email = email.lower()
        if not role:
            self.error(line, _("the role is missing. Use one of: %(roles)s.") % {"roles": _roles_hint()})
            return
        role_value = self.roles.get(role.lower())
        if role_value is None:
            self.error(
                line, _("“%(role)s” is not a role. Use one of: %(roles)s.") % {"role": role, "roles": _roles_hint()}
            )
            return
        role_label = Role(role_value).label
        if len(name) > MAX_NAME_LENGTH:
            self.error(line, _("the name is longer than %(max)d characters.") % {"max": MAX_NAME_LENGTH})
            return
        first = self.seen.get((email, role_value))
        if first is not None:
            self.error(
                line,
                _("%(email)s is already on line %(first)d as %(role)s.")
                % {"email": email, "first": first, "role": role_label},
            )
            return
        self.seen[(email, role_value)] = line
        if (email, role_value) in self.members:
            self.error(
                line,
                _("%(email)s is already taking part in this programme as %(role)s.")
                % {"email": email, "role": role_label},
            )
            return
        self.parsed.invitees.append(Invitee(email=email, role=role_value, name=name))

    def result(self, *, empty_message: str) -> Parsed:
        if not self.parsed.errors and not self.parsed.invitees:
            self.error(None, empty_message)
        if self.parsed.errors:
            self.parsed.invitees = []
        return self.parsed


# A pasted list -------------------------------------------------------------------------------------------


def parse_list(text: str, *, role: str, members: Collection[tuple[str, str]] = ()) -> Parsed:
    """One person a line: ``email``, ``Name <email>`` or ``Name, email``, each optionally followed by
    ``, role`` to override ``role``. Tabs (pasted from a spreadsheet) and semicolons work as commas.
    A first line that only names the columns is skipped."""
    checker = _Checker(members=members)
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line_number == 1 and _is_header(_split(line)):
            continue
        if checker.too_many():
            return checker.parsed
        found = _NAME_AND_ADDRESS.match(line)
        if found:
            name, email, row_role = found["name"], found["email"], found["role"] or ""
        else:
            fields = _split(line)
            if len(fields) == 1:
                name, email, row_role = "", fields[0], ""
            elif len(fields) == 2 and "@" in fields[0] and "@" not in fields[1]:
                name, email, row_role = "", fields[0], fields[1]  # "email, role"
            elif len(fields) in (2, 3):
                name, email, row_role = fields[0], fields[1], fields[2] if len(fields) == 3 else ""
            else:
                checker.error(
                    line_number,
                    _("there are too many commas. Write one person a line as: Name, email, role."),
                )
                continue
        checker.row(line_number, name=name, email=email, role=row_role.strip() or role)
    return checker.result(empty_message=_("Please enter at least one person."))


def _split(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ";" if ";" in line and "," not in line else ","
    return [value.strip() for value in next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))]


def _is_header(fields: Iterable[str]) -> bool:
    names = [value.strip().lower() for value in fields]
    return "email" in names and set(names) <= set(COLUMNS)


# A CSV file ----------------------------------------------------------------------------------------------


def parse_csv(data: bytes, *, members: Collection[tuple[str, str]] = ()) -> Parsed:
    """A CSV file whose first line names its columns: ``email`` and ``role``, optionally ``name``, in any order
    and any case. Commas, semicolons (as some spreadsheets write) or tabs separate the values."""
    if len(data) > MAX_BYTES:
        return _fails(_("The file is larger than 1 MB. Please split it into smaller files."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _fails(_not_utf8())
    if "\x00" in text:  # UTF-16, or not a text file at all
        return _fails(_not_utf8())
    if not text.strip():
        return _fails(_("The file is empty."))

    lines = text.splitlines()
    header_index = next(index for index, line in enumerate(lines) if line.strip())
    delimiter = _delimiter(lines[header_index])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)

    checker = _Checker(members=members)
    columns: list[str] | None = None
    last_line = 0
    try:
        for values in reader:
            line_number, last_line = last_line + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            if columns is None:
                columns = [value.strip().lower() for value in values]
                while columns and not columns[-1]:  # spreadsheets sometimes end lines with empty cells
                    columns.pop()
                problem = _column_problem(columns)
                if problem:
                    return _fails(problem, line=line_number)
                continue
            if checker.too_many():
                return checker.parsed
            if any(value.strip() for value in values[len(columns) :]):
                checker.error(
                    line_number,
                    _("there are %(found)d values, but the first line names only %(columns)d columns.")
                    % {"found": len(values), "columns": len(columns)},
                )
                continue
            row = dict(zip(columns, values, strict=False))
            checker.row(line_number, name=row.get("name", ""), email=row.get("email", ""), role=row.get("role", ""))
    except csv.Error as error:
        checker.error(last_line + 1, _("the file cannot be read here (%(error)s).") % {"error": error})
    return checker.result(empty_message=_("The file has a header line but no people in it."))


def _fails(message: str, *, line: int | None = None) -> Parsed:
    return Parsed(errors=[LineError(line, message)])


def _not_utf8() -> str:
    return _(
        "The file is not in UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” (or “CSV” with the "
        "character set UTF-8) and upload it again."
    )


def _delimiter(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _column_problem(columns: list[str]) -> str | None:
    if not set(columns) & set(COLUMNS):
        return _("the first line must name the columns (name, email, role), as in the sample.")
    unknown = [column for column in columns if column not in COLUMNS]
    if unknown:
        return _("these columns are not known: %(unknown)s. Use only the columns name, email and role.") % {
            "unknown": ", ".join(f"“{column}”" if column else _("(empty)") for column in unknown)
        }
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        return _("the column %(columns)s appears more than once.") % {"columns": ", ".join(repeated)}
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        return _(
            "a column is missing: %(missing)s. The first line must name the columns email and role (and name)."
        ) % {"missing": ", ".join(f"“{column}”" for column in missing)}
    return None
