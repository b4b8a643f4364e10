"""Writing new revisions and checking that the revisions match the models (for developers and tests)."""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine

from monitor.migrations import VERSIONS, upgrade_to_head
from monitor.migrations.runner import alembic_config
from monitor.migrations.runner import schema_differences as differences_on

logger = logging.getLogger(__name__)


class NoSchemaChangeError(Exception):
    """The models match the migrations at head: there is nothing to write a revision for."""


def schema_differences(engine: Engine) -> list[Any]:
    """What differs between the database's schema and the models (empty: they match)."""
    with engine.connect() as connection:
        return differences_on(connection)


def next_revision_id() -> str:
    """Revisions are numbered 0001, 0002, ...: their order is readable in the file names."""
    script = ScriptDirectory.from_config(alembic_config())
    numbers = [int(r.revision) for r in script.walk_revisions() if r.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def write_revision(message: str) -> Path:
    """Autogenerate a revision for what the models add beyond head; returns the new file.

    Runs against a scratch SQLite database upgraded to head, so it needs no server and never
    touches a real store. Raises NoSchemaChangeError when the models already match head.
    """
    with tempfile.TemporaryDirectory(prefix="defwatch-revision-") as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'head.db'}")
        try:
            upgrade_to_head(engine)
            if not schema_differences(engine):
                raise NoSchemaChangeError(
                    "the models match the migrations at head; no revision written"
                )
            with engine.begin() as connection:
                script = command.revision(
                    alembic_config(connection),
                    message=message,
                    autogenerate=True,
                    rev_id=next_revision_id(),
                )
        finally:
            engine.dispose()
    if script is None or isinstance(script, list):
        raise RuntimeError("alembic wrote no single revision")
    path = Path(script.path)
    _tidy(path)
    logger.info(
        "wrote %s (check it before committing)", path.relative_to(VERSIONS.parents[2])
    )
    return path


def _tidy(path: Path) -> None:
    """Format the generated file with ruff when it is installed (the house style; best effort)."""
    for args in (["check", "--fix", "--quiet"], ["format", "--quiet"]):
        try:
            subprocess.run(
                [sys.executable, "-m", "ruff", *args, str(path)],
                check=False,
                timeout=60,
            )
        except OSError as exc:
            logger.warning("ruff not run on %s: %s", path, exc)
            return
