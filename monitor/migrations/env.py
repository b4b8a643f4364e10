"""Alembic environment: runs on the connection handed in by monitor.migrations (never a URL of its own)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from monitor.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        compare_server_default=True,
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
