"""A hot hand-written query is prepared once per PostgreSQL connection and executed by name after that, in one
query either way; a failure or a new connection prepares it afresh; elsewhere, or when the settings say not to,
the query runs as it is."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from mentoring.prepared import prepared

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")

SQL = "SELECT %s::integer + %s::integer AS total, 'kept' AS note"


def run(sql=SQL, params=(1, 2), name="sum"):
    with prepared(name, sql, list(params)) as (query, values), connection.cursor() as cursor:
        cursor.execute(query, values)
        return cursor.fetchall()


def statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


@on_postgresql
def test_the_first_run_prepares_the_statement_and_runs_it_in_one_query():
    with CaptureQueriesContext(connection) as first:
        assert run(params=(1, 2)) == [(3, "kept")]
    with CaptureQueriesContext(connection) as second:
        assert run(params=(40, 2)) == [(42, "kept")]
    assert len(first) == len(second) == 1
    assert first[0]["sql"].startswith("PREPARE sum_") and "EXECUTE sum_" in first[0]["sql"]
    assert second[0]["sql"].startswith("EXECUTE sum_")
    assert len([name for name in statements() if name.startswith("sum_")]) == 1


@on_postgresql
def test_a_different_text_under_the_same_name_is_another_statement():
    assert run() == [(3, "kept")]
    assert run(sql=SQL.replace("kept", "other")) == [(3, "other")]
    assert len([name for name in statements() if name.startswith("sum_")]) == 2


@on_postgresql
def test_after_a_failure_the_statement_is_prepared_again_under_a_new_name():
    with pytest.raises(DatabaseError), transaction.atomic():
        run(params=("not a number", 2))  # prepared, then the execution fails
    assert run(params=(1, 2)) == [(3, "kept")]
    with CaptureQueriesContext(connection) as again:
        assert run(params=(2, 2)) == [(4, "kept")]
    assert again[0]["sql"].startswith("EXECUTE sum_")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_it_again():
    assert run() == [(3, "kept")]
    connection.close()
    with CaptureQueriesContext(connection) as captured:
        assert run() == [(3, "kept")]
    assert captured[0]["sql"].startswith("PREPARE sum_")


@on_postgresql
def test_a_setting_turns_them_off(monkeypatch):  # DATABASE_PREPARED_STATEMENTS=0
    monkeypatch.setitem(connection.settings_dict, "PREPARED_STATEMENTS", False)
    with CaptureQueriesContext(connection) as captured:
        assert run() == [(3, "kept")]
    assert captured[0]["sql"].startswith("SELECT 1::integer")


def test_elsewhere_the_query_runs_as_it_is(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with prepared("sum", SQL, [1, 2]) as (query, values):
        assert (query, values) == (SQL, [1, 2])


@on_postgresql
def test_a_percent_sign_other_than_the_placeholders_is_refused():
    with pytest.raises(ValueError, match="no other percent sign"), prepared("like", "SELECT 'a%' LIKE %s", ["a"]):
        pass
