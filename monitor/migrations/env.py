"""Alembic environment: runs on the connection handed in by monitor.migrations (never a URL of its own)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from alembic import context
from alembic.operations import ops
from sqlalchemy import Connection

from monitor.migrations import is_migrated_object
from monitor.models import Base

logger = logging.getLogger("monitor.migrations.env")
# JSON columns with default=list / default=dict start empty in the rows a revision upgrades.
EMPTY_JSON = {"list": "[]", "dict": "{}"}


def _added_columns(container: Any) -> Iterator[ops.AddColumnOp]:
    for op in getattr(container, "ops", ()):
        if isinstance(op, ops.AddColumnOp):
            yield op
        else:
            yield from _added_columns(op)


def _server_defaults(_context: Any, _revision: Any, directives: list[Any]) -> None:
    """Give a new NOT NULL column the database default its model default implies.

    The models set defaults in Python (``default=0``); adding such a column to a table that
    holds rows needs a default in the database too, or the upgrade fails on the existing rows.
    """
    for script in directives:
        for op in _added_columns(script.upgrade_ops):
            column = op.column
            if column.nullable or column.server_default is not None:
                continue
            default = column.default
            value = getattr(default, "arg", None) if default is not None else None
            empty = EMPTY_JSON.get(getattr(value, "__name__", ""))
            if callable(value) and empty is not None:
                column.server_default = empty  # type: ignore[assignment]
            elif isinstance(value, bool):
                column.server_default = "1" if value else "0"  # type: ignore[assignment]
            elif isinstance(value, int | float | str):
                column.server_default = str(value)  # type: ignore[assignment]
            else:
                logger.warning(
                    "%s.%s is NOT NULL without a scalar default: give it a server_default in "
                    "the revision, or existing rows cannot be upgraded",
                    op.table_name,
                    column.name,
                )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        # database defaults exist only for upgrading rows (see _server_defaults); the ORM always
        # writes its own values, so they are not compared with the models
        compare_server_default=False,
        process_revision_directives=_server_defaults,
        include_name=is_migrated_object,  # full-text search objects belong to monitor.search
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "monitor.migrations runs on a connection: use monitor.migrations.upgrade_to_head(engine)"
        )
    _run(connection)


_main()
