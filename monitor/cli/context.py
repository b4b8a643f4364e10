"""AppContext: the config, the database and the environment every command works with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from monitor.config import (
    AppConfig,
    default_database_path,
    find_config_path,
    load_config,
)
from monitor.db import ensure_schema, make_engine, session_factory, sqlite_url


@dataclass(slots=True)
class AppContext:
    """Built once per command by the CLI group and handed to each command."""

    config: AppConfig
    db_url: str
    environ: Mapping[str, str]
    cwd: Path
    db_explicit: bool = False  # the user named the database with --db
    _engine: Engine | None = field(default=None, repr=False)

    @staticmethod
    def default_db_url(environ: Mapping[str, str]) -> str:
        """The database used when nothing names one."""
        return sqlite_url(default_database_path(environ))

    def engine(self) -> Engine:
        """The database engine; the schema is created on first use."""
        if self._engine is None:
            self._engine = make_engine(self.db_url)
            ensure_schema(self._engine)
        return self._engine

    def sessions(self) -> sessionmaker[Session]:
        """A session factory on the database."""
        return session_factory(self.engine())


def resolve_db_url(
    option: str | None, config: AppConfig, environ: Mapping[str, str]
) -> str:
    """``--db``, else ``DEFWATCH_DB``, else the config's database.url, else the default file."""
    if option:
        return option
    if environ.get("DEFWATCH_DB"):
        return environ["DEFWATCH_DB"]
    if config.database_url:
        return config.database_url
    return AppContext.default_db_url(environ)


def load_context(
    db_option: str | None,
    config_option: str | None,
    environ: Mapping[str, str],
    cwd: Path,
) -> AppContext:
    """Find and load the config (if any) and decide which database to use."""
    path = find_config_path(config_option, environ, cwd)
    config = load_config(path) if path else AppConfig()
    return AppContext(
        db_explicit=bool(db_option),
        config=config,
        db_url=resolve_db_url(db_option, config, environ),
        environ=environ,
        cwd=cwd,
    )
