"""Engines and sessions: SQLite pragmas, read-only connections, schema creation by migrations."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import StorageError
from monitor.migrations import upgrade_to_head
from monitor.search import ensure_search_index

logger = logging.getLogger(__name__)

# How long a SQLite write waits for another writer before "database is locked"; a database URL can
# set its own: sqlite:///store.sqlite3?timeout=5 (seconds, as the sqlite3 module's timeout).
SQLITE_BUSY_TIMEOUT_MS = 30_000


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def _set_sqlite_pragmas(read_only: bool, busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if read_only:
            cursor.execute("PRAGMA query_only=1")
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _busy_timeout_ms(value: str | tuple[str, ...] | None, url: str) -> int:
    """How long a write waits for another writer's lock: ``?timeout=SECONDS`` in the URL."""
    if value is None:
        return SQLITE_BUSY_TIMEOUT_MS
    try:
        seconds = float(value if isinstance(value, str) else value[-1])
    except ValueError:
        raise StorageError(
            f"invalid database URL {url!r}: timeout must be a number of seconds"
        ) from None
    return max(0, int(seconds * 1000))


# Every engine this process made, so the command line can close them all before it exits.
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def dispose_engines() -> None:
    """Close every pooled connection of every engine made here (SQLite folds its WAL back)."""
    for engine in list(_ENGINES):
        engine.dispose()


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url`` (see ``_make_engine``), remembered for ``dispose_engines``."""
    engine = _make_engine(url, read_only=read_only)
    _ENGINES.add(engine)
    return engine


def _make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"invalid database URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not read_only:
            # literally: SQLite opens the path as written, so "~" is not expanded here either
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        busy_ms = _busy_timeout_ms(parsed.query.get("timeout"), url)
        engine = create_engine(
            parsed.difference_update_query(["timeout"]),
            connect_args={"timeout": busy_ms / 1000},
        )
        event.listen(engine, "connect", _set_sqlite_pragmas(read_only, busy_ms))
        return engine
    if parsed.get_backend_name() == "postgresql":
        # timestamps come back in UTC whatever the server's TimeZone is (as SQLite stores them)
        return create_engine(
            parsed, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"}
        )
    return create_engine(parsed, pool_pre_ping=True)


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema by running the migrations to head (first use creates it).

    A store made before migrations existed is stamped with the first revision and upgraded, so
    it keeps its data. See monitor.migrations for adding a revision when the models change.
    """
    try:
        upgrade_to_head(engine)
        ensure_search_index(engine)
    except OperationalError as exc:
        raise StorageError(
            f"cannot open database {engine.url.render_as_string()}: {exc.orig}"
        ) from exc


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
