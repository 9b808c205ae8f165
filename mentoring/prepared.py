"""Prepared statements on PostgreSQL, for the few hand-written queries that a busy page makes on every view and that
the database takes longer to plan than to run (the dashboard's figures: about 3 ms to plan, 2 ms to run).

The first time such a query runs on a database connection, it is prepared there, in the same round trip, under a
name made of its own and a checksum of its text; from then on it is executed by that name, and PostgreSQL plans it
once per connection rather than once per request. Django's persistent connections (``CONN_MAX_AGE``) keep the plan
as long as they live; a new connection prepares it again. Either way the query is one query, as the tests that
count queries see it.

A connection pooler that lets clients share a database session between transactions (PgBouncer in transaction
mode) would send ``EXECUTE`` to a session that never saw the ``PREPARE``: behind one, set
``DATABASE_PREPARED_STATEMENTS=0`` (docs/deploy.md), and the queries run as they are, as on SQLite.
"""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection

PLACEHOLDER = re.compile(r"%s")


@dataclass
class _Session:
    """The statements prepared on one driver connection, by name, and how many were tried."""

    driver_connection: object
    names: dict[str, str] = field(default_factory=dict)
    tried: int = 0


def _session() -> _Session:
    """This thread's connection's statements. Django may have reconnected since the last query (``CONN_MAX_AGE``,
    an error): a new connection starts with none."""
    connection.ensure_connection()
    session = getattr(connection, "prepared_statements", None)
    if session is None or session.driver_connection is not connection.connection:
        session = connection.prepared_statements = _Session(connection.connection)
    return session


@functools.lru_cache(maxsize=128)
def _statement(name: str, sql: str) -> tuple[str, str]:
    """The statement's name (``name`` and a checksum of its text) and its text with numbered placeholders ($1, $2,
    ...), worked out once per text rather than on every run."""
    if "%" in PLACEHOLDER.sub("", sql):
        raise ValueError("A prepared statement's SQL has %s placeholders and no other percent sign.")
    numbers = itertools.count(1)
    return f"{name}_{zlib.crc32(sql.encode()):08x}", PLACEHOLDER.sub(lambda _match: f"${next(numbers)}", sql)


@contextmanager
def prepared(name: str, sql: str, params: list) -> Iterator[tuple[str, list]]:
    """The SQL and parameters that run ``sql`` (``%s`` placeholders for ``params``, and no other percent sign) on
    the default database, to be run inside the block: on PostgreSQL the statement prepared on this connection,
    elsewhere ``sql`` as it is.

    When the query fails, the statement is prepared afresh next time under a new name: its ``PREPARE`` may or may
    not have happened (it outlives a rollback), and a name is prepared once per connection."""
    if connection.vendor != "postgresql" or not connection.settings_dict.get("PREPARED_STATEMENTS", True):
        yield sql, params
        return
    key, numbered = _statement(name, sql)
    session = _session()
    statement = session.names.get(key)
    prepare = ""
    if statement is None:
        session.tried += 1
        statement = f"{key}_{session.tried}"
        prepare = f"PREPARE {statement} AS {numbered};\n"
    run = f"EXECUTE {statement} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {statement}"
    try:
        yield prepare + run, params
    except BaseException:
        session.names.pop(key, None)
        raise
    session.names[key] = statement
