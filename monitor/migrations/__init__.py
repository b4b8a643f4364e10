"""Schema migrations (Alembic), configured in code: no alembic.ini, the scripts live in this package.

* ``upgrade_to_head(engine)`` brings any store to the current schema (``monitor.db.ensure_schema``
  calls it): an empty database gets every table, an older store gets the revisions it lacks.
  A store already at ``HEAD_REVISION`` is recognised with one plain query: Alembic (in
  ``monitor.migrations.runner``) is imported only when there is something to upgrade.
* A store made before migrations existed (tables but no ``alembic_version``, made by
  ``create_all``) is stamped with the revision its tables match: head when they match the models,
  else the first revision; then it is upgraded.
* When ``monitor/models.py`` changes, add a revision with::

      python -m monitor.migrations revision "add articles.language"

  (autogenerate against a scratch SQLite database at head; read the file it writes before committing),
  and set ``HEAD_REVISION`` below to its id (a test checks it is Alembic's head).

The same revisions run on SQLite and PostgreSQL: they use batch operations (``render_as_batch``),
which SQLite needs for ALTER and PostgreSQL runs as plain ALTER TABLE.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

SCRIPT_LOCATION = Path(__file__).resolve().parent
VERSIONS = SCRIPT_LOCATION / "versions"
FIRST_REVISION = "0001"
# The newest revision in versions/ (tests/db checks it against Alembic's head; an upgrade refuses
# to run when they differ): a store at this revision needs no migration and no Alembic import.
HEAD_REVISION = "0004"
VERSION_TABLE = "alembic_version"
# A table every defwatch store has had since the first revision: its presence without an
# alembic_version table means "made by create_all before migrations existed".
MARKER_TABLE = "articles"
# Any fixed number: concurrent first starts on PostgreSQL queue on this lock instead of racing.
PG_MIGRATION_LOCK = 0x64657677  # "devw"


def current_revision(engine: Engine) -> str | None:
    """The revision a store is at (None: not a migrated store)."""
    with engine.connect() as connection:
        return stored_revision(connection)


def stored_revision(connection: Connection) -> str | None:
    """The revision in the store's alembic_version table, read without Alembic."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    if len(rows) > 1:
        raise RuntimeError(f"{VERSION_TABLE} holds {len(rows)} revisions; expected one")
    return str(rows[0][0]) if rows else None


def upgrade_to_head(engine: Engine) -> None:
    """Run every missing revision (nothing, and no Alembic import, when the store is at head).

    An empty database gets the models' tables and is stamped at head, as Alembic's own advice
    for building a new database goes (tests/db checks that this gives the very schema the
    revisions build); only an existing store runs revisions, through Alembic.
    """
    if current_revision(engine) == HEAD_REVISION:
        return
    if _create_if_empty(engine):
        return
    # imported here: Alembic is needed only when there is something to upgrade
    from monitor.migrations.runner import migrate_to_head

    migrate_to_head(engine)


def _create_if_empty(engine: Engine) -> bool:
    """Create every table of an empty database and stamp it at head; False if it is not empty."""
    from monitor.models import Base

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
            )
        tables = inspect(connection).get_table_names()
        if tables:
            return (
                stored_revision(connection) == HEAD_REVISION
            )  # another process made it
        Base.metadata.create_all(connection)
        connection.execute(
            text(
                f"CREATE TABLE {VERSION_TABLE} (version_num VARCHAR(32) NOT NULL, "
                f"CONSTRAINT {VERSION_TABLE}_pkc PRIMARY KEY (version_num))"
            )
        )
        connection.execute(
            text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (:head)"),
            {"head": HEAD_REVISION},
        )
    return True


def is_migrated_object(
    name: str | None, type_: str, _parent_names: object = None
) -> bool:
    """False for the full-text search objects, which monitor.search creates and keeps itself."""
    return not (name and "_fts" in name)
