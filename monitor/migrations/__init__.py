"""Schema migrations (Alembic), configured in code: no alembic.ini, the scripts live in this package.

* ``upgrade_to_head(engine)`` brings any store to the current schema (``monitor.db.ensure_schema``
  calls it): an empty database gets every table, an older store gets the revisions it lacks.
* A store made before migrations existed (tables but no ``alembic_version``, made by
  ``create_all``) is stamped with the revision its tables match: head when they match the models,
  else the first revision; then it is upgraded.
* When ``monitor/models.py`` changes, add a revision with::

      python -m monitor.migrations revision "add articles.language"

  (autogenerate against a scratch SQLite database at head; read the file it writes before committing).

The same revisions run on SQLite and PostgreSQL: they use batch operations (``render_as_batch``),
which SQLite needs for ALTER and PostgreSQL runs as plain ALTER TABLE.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from monitor.models import Base

logger = logging.getLogger(__name__)

SCRIPT_LOCATION = Path(__file__).resolve().parent
VERSIONS = SCRIPT_LOCATION / "versions"
FIRST_REVISION = "0001"
# A table every defwatch store has had since the first revision: its presence without an
# alembic_version table means "made by create_all before migrations existed".
MARKER_TABLE = "articles"
# Any fixed number: concurrent first starts on PostgreSQL queue on this lock instead of racing.
PG_MIGRATION_LOCK = 0x64657677  # "devw"


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
    """The newest revision in this package."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration scripts in {VERSIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision a store is at (None: not a migrated store)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Run every missing revision, in one transaction (on PostgreSQL under an advisory lock)."""
    head = head_revision()
    if current_revision(engine) == head:
        return
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


def is_migrated_object(
    name: str | None, type_: str, _parent_names: object = None
) -> bool:
    """False for the full-text search objects, which monitor.search creates and keeps itself."""
    return not (name and "_fts" in name)


def upgrade_to(engine: Engine, revision: str) -> None:
    """Upgrade (or create) a store up to ``revision`` only: for tests of older stores."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
