"""The crawl lock file: where it lives, who holds it, and that a second holder is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitor.errors import CrawlLockedError
from monitor.lock import crawl_lock, is_locked, lock_path, read_holder


def test_lock_file_sits_next_to_sqlite_or_in_the_state_folder(tmp_path: Path) -> None:
    database = tmp_path / "watch.sqlite3"
    assert lock_path(f"sqlite:///{database}", {}) == tmp_path / "watch.sqlite3.lock"
    environ = {"XDG_STATE_HOME": str(tmp_path / "state")}
    postgres = lock_path("postgresql+psycopg://defwatch:secret@db/defwatch", environ)
    assert postgres.parent == tmp_path / "state" / "defwatch"
    assert "secret" not in str(postgres)
    other = lock_path("postgresql+psycopg://defwatch@db/other", environ)
    assert other != postgres  # one lock per database


def test_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    path = tmp_path / "watch.sqlite3.lock"
    with crawl_lock(path, "defwatch run") as holder:
        assert holder.pid == os.getpid()
        assert is_locked(path)
        with (
            pytest.raises(CrawlLockedError) as refused,
            crawl_lock(path, "defwatch crawl"),
        ):
            pytest.fail("a second holder got the lock")
        assert f"pid {os.getpid()}, defwatch run, started {holder.started_at}" in str(
            refused.value
        )
        assert str(path) in str(refused.value)
    assert not is_locked(path)
    assert read_holder(path) is None  # released cleanly: no stale holder left
    with crawl_lock(path, "defwatch crawl"):  # and it can be taken again
        assert is_locked(path)
