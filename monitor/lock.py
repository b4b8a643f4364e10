"""The crawl lock: one crawler (``defwatch crawl`` or the daemon) per database at a time.

An OS file lock (``fcntl.flock``) on a small file next to the SQLite database, or in the user's
state folder for other databases. The kernel releases it when the process ends, however it ends,
so a lock left by a killed run never blocks the next one; the file keeps the holder's pid and start
time only to tell the user who holds it.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from monitor.errors import CrawlLockedError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LockHolder:
    """What a lock file says about the process that holds (or last held) it."""

    pid: int | None
    started_at: str
    command: str

    def describe(self) -> str:
        """``pid 123, defwatch crawl, started 2026-...``."""
        pid = f"pid {self.pid}" if self.pid else "unknown pid"
        return f"{pid}, {self.command or 'defwatch'}, started {self.started_at or '?'}"


def lock_path(db_url: str, environ: Mapping[str, str]) -> Path:
    """``<database file>.lock`` for SQLite; else a file named after the URL in the state folder."""
    url = make_url(db_url)
    database = url.database or ""
    on_disk = database not in ("", ":memory:") and not database.startswith("file:")
    if url.get_backend_name() == "sqlite" and on_disk:
        path = Path(database).expanduser()
        return path.with_name(path.name + ".lock")
    base = environ.get("XDG_STATE_HOME") or os.path.join(
        environ.get("HOME", "."), ".local", "state"
    )
    key = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()
    return Path(base) / "defwatch" / f"crawl-{key[:16]}.lock"


def read_holder(path: Path) -> LockHolder | None:
    """The holder recorded in a lock file (None when there is no file or it is empty)."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    if not fields:
        return None
    pid = fields.get("pid", "")
    return LockHolder(
        pid=int(pid) if pid.isdigit() else None,
        started_at=fields.get("started", ""),
        command=fields.get("command", ""),
    )


def is_locked(path: Path) -> bool:
    """True when a live process holds the lock now (a test: the lock is released at once)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock this test took
    return False


@contextmanager
def crawl_lock(path: Path, command: str) -> Iterator[LockHolder]:
    """Hold the crawl lock for the ``with`` block; CrawlLockedError at once if it is taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(path)
            who = holder.describe() if holder else "another process"
            raise CrawlLockedError(
                f"another crawl is running ({who}); lock file {path}. "
                "This run did nothing; the running one continues."
            ) from None
        previous = read_holder(path)
        if previous is not None and previous.pid is not None:
            logger.info(
                "recovered the crawl lock %s left by %s (that process has ended)",
                path,
                previous.describe(),
            )
        holder = LockHolder(
            os.getpid(),
            datetime.now(UTC).isoformat(timespec="seconds"),
            command,
        )
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            f"pid={holder.pid}\nstarted={holder.started_at}\ncommand={command}\n".encode(),
            0,
        )
        try:
            yield holder
        finally:
            os.ftruncate(fd, 0)  # released cleanly: no holder to report
    finally:
        os.close(fd)
