"""Reading many invitees at once: the pasted list and the CSV file, row by row, with line numbers."""

from __future__ import annotations

import pytest
from django.utils import translation

from programmes.imports import MAX_BYTES, MAX_ROWS, LineError, parse_csv, parse_list
from programmes.models import Role
from programmes.services.invitations import Invitee


def messages(parsed) -> list[str]:
    return [str(error) for error in parsed.errors]


# The CSV file: what is read --------------------------------------------------------------------------------


def test_a_good_file_gives_every_invitee_with_a_normalised_address():
    parsed = parse_csv(
        b"name,email,role\n"
        b"Ann Example,Ann@Example.org,mentee\n"
        b"Bo Sample,bo@example.org,Mentor\n"
        b",cy@example.org,mentee\n"
    )
    assert parsed.errors == []
    assert parsed.invitees == [
        Invitee(email="ann@example.org", role="mentee", name="Ann Example"),
        Invitee(email="bo@example.org", role="mentor", name="Bo Sample"),
        Invitee(email="cy@example.org", role="mentee", name=""),  # a name is optional
    ]


def test_columns_come_in_any_order_and_case_and_name_may_be_left_out():
    assert parse_csv(b"ROLE,Email\nmentor,ann@example.org\n").invitees == [
        Invitee(email="ann@example.org", role="mentor")
    ]


def test_a_utf8_bom_and_windows_line_ends_are_fine():
    parsed = parse_csv("\ufeffname,email,role\r\nJosé Núñez,jose@example.org,mentee\r\n".encode())
    assert parsed.invitees == [Invitee(email="jose@example.org", role="mentee", name="José Núñez")]


def test_semicolons_as_some_spreadsheets_write_them():
    parsed = parse_csv(b"name;email;role\nAnn;ann@example.org;mentee\n")
    assert parsed.invitees == [Invitee(email="ann@example.org", role="mentee", name="Ann")]


def test_quoted_names_with_commas_blank_lines_and_empty_trailing_cells_are_fine():
    parsed = parse_csv(b'name,email,role,,\n\n"Example, Ann",ann@example.org,mentee,,\n\n')
    assert parsed.invitees == [Invitee(email="ann@example.org", role="mentee", name="Example, Ann")]


@pytest.mark.parametrize("role", ["mentee", "MENTEE", "Mentor", " coordinator "])
def test_roles_by_value_in_any_case(role):
    parsed = parse_csv(f"email,role\nann@example.org,{role}\n".encode())
    assert parsed.invitees[0].role == role.strip().lower()


@pytest.mark.parametrize("language", ["en", "de"])
def test_roles_by_their_label_in_each_of_the_sites_languages(language):
    with translation.override(language):
        label = str(Role.COORDINATOR.label)
    assert parse_csv(f"email,role\nann@example.org,{label.upper()}\n".encode()).invitees[0].role == "coordinator"


def test_the_same_address_in_two_roles_is_two_invitations():
    parsed = parse_csv(b"email,role\nann@example.org,mentor\nann@example.org,mentee\n")
    assert [invitee.role for invitee in parsed.invitees] == ["mentor", "mentee"]


# The CSV file: what is refused, always as a whole ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", ["The file is empty."], id="empty"),
        pytest.param(b"  \n\n", ["The file is empty."], id="blank"),
        pytest.param(b"name,email,role\n", ["The file has a header line but no people in it."], id="header-only"),
        pytest.param(
            "name,email,role\nJosé,jose@example.org,mentee\n".encode("latin-1"),
            ["The file is not in UTF-8 text."],
            id="latin-1",
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["The file is not in UTF-8 text."], id="binary"),
        pytest.param(
            "email,role\nann@example.org,mentee\n".encode("utf-16"), ["The file is not in UTF-8"], id="utf-16"
        ),
        pytest.param(
            b"name,email\nAnn,ann@example.org\n", ["Line 1: a column is missing: “role”."], id="missing-column"
        ),
        pytest.param(
            b"name,email,role,phone\nAnn,ann@example.org,mentee,123\n",
            ["Line 1: these columns are not known: “phone”."],
            id="unknown-column",
        ),
        pytest.param(
            b"email,role,email\nann@example.org,mentee,ann@example.org\n",
            ["Line 1: the column email appears more than once."],
            id="repeated-column",
        ),
        pytest.param(b"Ann,ann@example.org,mentee\n", ["Line 1: the first line must name the columns"], id="no-header"),
        pytest.param(
            b"name,email,role\nAnn,ann@example.org,mentee\nBob,bob@,mentee\n",
            ["Line 3: “bob@” is not a valid email address."],
            id="bad-address",
        ),
        pytest.param(
            b"name,email,role\nAnn,,mentee\n", ["Line 2: the email address is missing."], id="missing-address"
        ),
        pytest.param(
            b"name,email,role\nAnn,ann@example.org,boss\n",
            ["Line 2: “boss” is not a role. Use one of: mentor, mentee, coordinator, supervisor."],
            id="unknown-role",
        ),
        pytest.param(b"name,email,role\nAnn,ann@example.org,\n", ["Line 2: the role is missing."], id="missing-role"),
        pytest.param(
            b"name,email,role\nAnn,ann@example.org,mentee\nBo,bo@example.org,mentor\nAnn E.,ANN@example.org,Mentee\n",
            ["Line 4: ann@example.org is already on line 2 as Mentee."],
            id="duplicate",
        ),
        pytest.param(
            b"name,email,role\nAnn,ann@example.org,mentee,extra\n",
            ["Line 2: there are 4 values, but the first line names only 3 columns."],
            id="too-many-values",
        ),
        pytest.param(
            ("name,email,role\n" + "A" * 151 + ",ann@example.org,mentee\n").encode(),
            ["Line 2: the name is longer than 150 characters."],
            id="long-name",
        ),
    ],
)
def test_a_bad_file_is_refused_as_a_whole_with_line_numbers(data, expected):
    parsed = parse_csv(data)
    assert parsed.invitees == []
    assert len(parsed.errors) == len(expected)
    for message, start in zip(messages(parsed), expected, strict=True):
        assert message.startswith(start), message


def test_an_active_member_in_that_role_is_refused_but_may_be_invited_in_another():
    members = {("ann@example.org", "mentee")}
    assert messages(parse_csv(b"email,role\nAnn@example.org,mentee\n", members=members)) == [
        "Line 2: ann@example.org is already taking part in this programme as Mentee."
    ]
    assert parse_csv(b"email,role\nann@example.org,mentor\n", members=members).errors == []


def test_every_problem_is_reported_at_once():
    parsed = parse_csv(b"email,role\nbob@,mentee\n,mentee\nann@example.org,boss\ncy@example.org,mentee\n")
    assert [error.line for error in parsed.errors] == [2, 3, 4]
    assert parsed.invitees == []


def test_line_numbers_count_blank_lines_and_lines_inside_quotes():
    parsed = parse_csv(b'name,email,role\n\n"Ann\nExample",ann@example.org,mentee\nBo,bo@,mentee\n')
    assert parsed.errors == [LineError(5, parsed.errors[0].message)]


def test_more_than_the_maximum_number_of_rows_is_refused():
    rows = "".join(f"person{n}@example.org,mentee\n" for n in range(MAX_ROWS + 1))
    parsed = parse_csv(f"email,role\n{rows}".encode())
    assert messages(parsed) == ["There are more than 1000 people. Please split them into lists of up to 1000."]
    assert parsed.invitees == []


def test_exactly_the_maximum_number_of_rows_is_fine():
    rows = "".join(f"person{n}@example.org,mentee\n" for n in range(MAX_ROWS))
    assert len(parse_csv(f"email,role\n{rows}".encode()).invitees) == MAX_ROWS


def test_a_file_over_one_megabyte_is_refused_unread():
    parsed = parse_csv(b"email,role\n" + b"x" * MAX_BYTES)
    assert messages(parsed) == ["The file is larger than 1 MB. Please split it into smaller files."]


def test_a_line_error_reads_as_a_sentence():
    assert str(LineError(4, "“bob@” is not a valid email address.")) == "Line 4: “bob@” is not a valid email address."
    assert str(LineError(None, "The file is empty.")) == "The file is empty."


# The pasted list -------------------------------------------------------------------------------------------


def test_each_way_of_writing_a_person_in_a_list():
    parsed = parse_list(
        "ann@example.org\n"
        "Bo Sample <bo@example.org>\n"
        "Cem Example, cem@example.org\n"
        "Dana Example, dana@example.org, mentor\n"
        '"Example, Eve" <eve@example.org>, coordinator\n'
        "fay@example.org, mentor\n"
        "Gus\tgus@example.org\tmentor\n"
        "\n",
        role="mentee",
    )
    assert parsed.errors == []
    assert parsed.invitees == [
        Invitee(email="ann@example.org", role="mentee", name=""),
        Invitee(email="bo@example.org", role="mentee", name="Bo Sample"),
        Invitee(email="cem@example.org", role="mentee", name="Cem Example"),
        Invitee(email="dana@example.org", role="mentor", name="Dana Example"),
        Invitee(email="eve@example.org", role="coordinator", name="Example, Eve"),
        Invitee(email="fay@example.org", role="mentor", name=""),
        Invitee(email="gus@example.org", role="mentor", name="Gus"),
    ]


def test_a_list_pasted_with_its_header_line_skips_it():
    parsed = parse_list("Name, Email, Role\nAnn, ann@example.org, mentor\n", role="mentee")
    assert parsed.invitees == [Invitee(email="ann@example.org", role="mentor", name="Ann")]


def test_a_bad_list_is_refused_as_a_whole_with_line_numbers():
    parsed = parse_list(
        "ann@example.org\nBob <bob@>\n\nCy, cy@example.org, boss\nann@example.org\nA, b@example.org, mentor, extra\n",
        role="mentee",
        members={("dee@example.org", "mentee")},
    )
    assert parsed.invitees == []
    assert messages(parsed) == [
        "Line 2: “bob@” is not a valid email address.",
        "Line 4: “boss” is not a role. Use one of: mentor, mentee, coordinator, supervisor.",
        "Line 5: ann@example.org is already on line 1 as Mentee.",
        "Line 6: there are too many commas. Write one person a line as: Name, email, role.",
    ]


def test_a_list_with_an_active_member_is_refused():
    parsed = parse_list("dee@example.org", role="mentee", members={("dee@example.org", "mentee")})
    assert messages(parsed) == ["Line 1: dee@example.org is already taking part in this programme as Mentee."]


def test_an_empty_list_is_refused():
    assert messages(parse_list("\n  \n", role="mentee")) == ["Please enter at least one person."]


def test_a_list_of_more_than_the_maximum_is_refused():
    text = "\n".join(f"person{n}@example.org" for n in range(MAX_ROWS + 1))
    assert messages(parse_list(text, role="mentee")) == [
        "There are more than 1000 people. Please split them into lists of up to 1000."
    ]
