"""The database itself refuses to change or delete an audit event, whatever code (or person at a SQL prompt) tries.

PostgreSQL, where the data lives: a trigger raises on every UPDATE and DELETE of a row. It is a row trigger, so
TRUNCATE, which only the table's owner may run, still empties the table: the test suite relies on it between
tests, and the owner could drop the trigger anyway; the guard is against mistakes, not against the owner.

SQLite (laptops and the quick test run): a trigger refuses UPDATE only. Django's test runner empties the tables
between browser tests with ``DELETE FROM``, which SQLite cannot tell apart from any other delete, so a DELETE
trigger would break those tests; the model and its queryset still refuse to delete.

On SQLite, Django alters most columns and constraints by copying the table into a new one, which loses the
trigger: a later migration that alters this table must run ``create_guard`` again after it.
"""

from django.db import migrations

MESSAGE = "audit events cannot be changed or deleted"


def _table(apps, schema_editor) -> str:
    return schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)


def create_guard(apps, schema_editor):
    table = _table(apps, schema_editor)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END; $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_refuse_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER audit_event_refuse_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def drop_guard(apps, schema_editor):
    table = _table(apps, schema_editor)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_event_refuse_change ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_event_refuse_change()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_refuse_update")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_guard, drop_guard, elidable=False)]
