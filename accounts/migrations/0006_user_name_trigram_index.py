"""A trigram index on the people's names, on PostgreSQL only: the mentor bank's free-text search looks for each word
anywhere in a name (``display_name__icontains``, which PostgreSQL runs as ``UPPER(display_name) LIKE``), and without
it the database reads every person to find the few it wants. SQLite reads its small tables as fast without one.

``pg_trgm`` ships with PostgreSQL and is a trusted extension (PostgreSQL 13 on), so the database's owner, the site's
role, may create it (docs/deploy.md)."""

from django.db import migrations

INDEX = "accounts_user_name_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON accounts_user USING gin (UPPER(display_name) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_user_name_and_erased_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
