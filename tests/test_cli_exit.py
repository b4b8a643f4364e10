"""How the ``defwatch`` command leaves: exit codes kept, output flushed, the database closed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e import REPO, defwatch


def test_a_command_leaves_its_output_whole_and_its_database_closed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.sqlite3"
    done = defwatch("--db", f"sqlite:///{db}", "info")
    assert done.returncode == 0, done.stderr
    assert str(db) in done.stdout  # printed, and flushed before the process left
    # the connection was closed: SQLite folded its write-ahead log back into the file
    assert not (tmp_path / "store.sqlite3-wal").exists()
    assert db.exists()


def test_exit_codes_are_kept(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    unknown = defwatch("--db", db, "history", "https://example.com/no-such-article")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("defwatch: no stored article for")
    usage = defwatch("--db", db, "crawl", "--no-such-option")
    assert usage.returncode == 2


def test_output_cut_short_by_a_pipe_is_no_error(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    pipeline = subprocess.run(
        f"{sys.executable} -m monitor --db {db} --help | head -c 10",
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert pipeline.stdout == "Usage: def"
    assert "Traceback" not in pipeline.stderr
