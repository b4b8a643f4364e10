"""``defwatch db upgrade`` and ``defwatch db current``: the store's schema revision."""

from __future__ import annotations

import click
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError

from monitor.cli.context import AppContext
from monitor.cli.output import echo_mapping
from monitor.db import ensure_schema, make_engine
from monitor.errors import StorageError
from monitor.migrations import HEAD_REVISION, MARKER_TABLE, current_revision


@click.group()
def db() -> None:
    """The database schema: which revision a store is at, and upgrading it."""


@db.command()
@click.pass_obj
def upgrade(app: AppContext) -> None:
    """Create the schema, or upgrade it to the newest revision, keeping every row."""
    engine = make_engine(app.db_url)
    try:
        before = current_revision(engine)
        ensure_schema(engine)
        after = current_revision(engine)
    except OperationalError as exc:
        raise StorageError(f"cannot open database {_shown(app)}: {exc.orig}") from exc
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"{_shown(app)}: already at revision {after} (newest)")
    else:
        click.echo(f"{_shown(app)}: upgraded from {before or 'nothing'} to {after}")


@db.command()
@click.pass_obj
def current(app: AppContext) -> None:
    """Show the store's revision and the newest one, without changing anything."""
    engine = make_engine(app.db_url, read_only=True)
    try:
        revision = current_revision(engine)
        has_tables = inspect(engine).has_table(MARKER_TABLE)
    except OperationalError as exc:
        raise StorageError(f"cannot open database {_shown(app)}: {exc.orig}") from exc
    finally:
        engine.dispose()
    head = HEAD_REVISION
    if revision == head:
        state = "up to date"
    elif revision is None:
        state = (
            "made before migrations: run defwatch db upgrade"
            if has_tables
            else "empty: defwatch db upgrade creates the schema"
        )
    else:
        state = "behind: run defwatch db upgrade"
    echo_mapping(
        {
            "database": _shown(app),
            "revision": revision or "none",
            "newest": head,
            "state": state,
        }
    )


def _shown(app: AppContext) -> str:
    return make_engine(app.db_url).url.render_as_string(hide_password=True)
