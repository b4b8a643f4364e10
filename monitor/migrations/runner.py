"""The Alembic side of the migrations: upgrading a store, stamping an old one, comparing schemas.

Imported only when a store is not at head (or by tools and tests): Alembic costs a noticeable part
of a crawl's start-up, and a store at head needs none of it (see ``monitor.migrations``).
"""

from __future__ import annotations

import logging
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from monitor.migrations import (
    FIRST_REVISION,
    HEAD_REVISION,
    MARKER_TABLE,
    PG_MIGRATION_LOCK,
    SCRIPT_LOCATION,
    VERSIONS,
    is_migrated_object,
)
from monitor.models import Base

logger = logging.getLogger("monitor.migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at this package, optionally bound to an open connection."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(VERSIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision script in this package, as Alembic reads it."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration scripts in {VERSIONS}")
    return head


def migrate_to_head(engine: Engine) -> None:
    """Run every missing revision, in one transaction (on PostgreSQL under an advisory lock)."""
    head = head_revision()
    if head != HEAD_REVISION:
        raise RuntimeError(
            f"the newest migration is {head} but monitor.migrations.HEAD_REVISION is "
            f"{HEAD_REVISION}: set HEAD_REVISION = {head!r}"
        )
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
            )
        context = MigrationContext.configure(connection)
        current = context.get_current_revision()
        if current == head:
            return  # another process migrated while we waited for the lock
        config = alembic_config(connection)
        if current is None and inspect(connection).has_table(MARKER_TABLE):
            base = FIRST_REVISION if schema_differences(connection) else head
            logger.info("stamping a pre-migration store with revision %s", base)
            command.stamp(config, base)
        logger.info(
            "upgrading %s from %s to %s",
            engine.url.render_as_string(),
            current or "empty",
            head,
        )
        command.upgrade(config, "head")


def schema_differences(connection: Connection) -> list[Any]:
    """What differs between a database's schema and the models (empty: they match)."""
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": False,
            "include_name": is_migrated_object,
        },
    )
    return list(compare_metadata(context, Base.metadata))


def upgrade_to(engine: Engine, revision: str) -> None:
    """Upgrade (or create) a store up to ``revision`` only: for tests of older stores."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
