"""``defwatch crawl`` under cron: one crawl at a time, stale locks recovered, quiet when fine."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from newsdesk import NewsDesk
from sched_workspace import FAST_CRAWL, Workspace, wait_for
from sqlalchemy import select

from monitor.cli import EXIT_LOCKED, EXIT_OK
from monitor.db import make_engine, session_factory, session_scope
from monitor.lock import crawl_lock, is_locked, lock_path, read_holder
from monitor.models import CrawlRun


def _lock_file(workspace: Workspace) -> Path:
    return lock_path(workspace.db_url, {})


def _run_statuses(workspace: Workspace) -> list[str]:
    factory = session_factory(make_engine(workspace.db_url, read_only=True))
    with session_scope(factory) as session:
        return list(session.scalars(select(CrawlRun.status).order_by(CrawlRun.id)))


def _start_held_crawl(
    workspace: Workspace, desk: NewsDesk, tmp_path: Path
) -> subprocess.Popen[str]:
    """A crawl that stays inside the lock until the site is released."""
    desk.hold()
    first = workspace.start(
        "-v",
        "crawl",
        *FAST_CRAWL,
        stdout=(tmp_path / "first.out").open("w"),
        stderr=(tmp_path / "first.err").open("w"),
    )
    lock = _lock_file(workspace)
    holder = wait_for(
        lambda: is_locked(lock) and read_holder(lock),
        30,
        "the first crawl to take the lock",
    )
    assert holder and holder.pid == first.pid  # type: ignore[union-attr]
    wait_for(lambda: desk.asked, 30, "the first crawl to reach the site")
    return first


@pytest.mark.slow
def test_second_crawl_exits_at_once_with_the_locked_code(
    workspace: Workspace, desk: NewsDesk, tmp_path: Path
) -> None:
    first = _start_held_crawl(workspace, desk, tmp_path)
    try:
        second = workspace.run("crawl", *FAST_CRAWL, timeout=60)
        # it did not wait for the lock: the first crawl is still stuck on the held site
        assert first.poll() is None
        assert second.returncode == EXIT_LOCKED, second.stderr
        assert "another crawl is running" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert second.stdout == ""
    finally:
        desk.release()
    assert first.wait(60) == EXIT_OK, (tmp_path / "first.err").read_text()
    assert _run_statuses(workspace) == ["ok"]  # the locked run recorded nothing


@pytest.mark.slow
def test_lock_of_a_killed_crawl_is_recovered(
    workspace: Workspace, desk: NewsDesk, tmp_path: Path
) -> None:
    first = _start_held_crawl(workspace, desk, tmp_path)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    desk.release()
    assert (
        read_holder(_lock_file(workspace)) is not None
    )  # the dead run's file is still there
    again = workspace.run("-v", "crawl", *FAST_CRAWL)
    assert again.returncode == EXIT_OK, again.stderr
    assert "recovered the crawl lock" in again.stderr
    assert f"pid {first.pid}" in again.stderr
    assert _run_statuses(workspace) == ["interrupted", "ok"]
    assert not is_locked(_lock_file(workspace))


@pytest.mark.slow
def test_clean_crawl_prints_nothing_when_not_on_a_terminal(
    workspace: Workspace, desk: NewsDesk
) -> None:
    quiet = workspace.run("crawl", *FAST_CRAWL)
    assert quiet.returncode == EXIT_OK, quiet.stderr
    assert quiet.stdout == ""
    assert quiet.stderr == ""
    chatty = workspace.run("-v", "crawl", *FAST_CRAWL, "--log-file", "crawl.log")
    assert chatty.returncode == EXIT_OK, chatty.stderr
    assert "crawl ok:" in chatty.stdout
    log = (workspace.folder / "crawl.log").read_text("utf-8")
    assert "crawl ok:" in log


@pytest.mark.slow
def test_failed_pages_are_printed_with_exit_code_3(
    workspace: Workspace, desk: NewsDesk
) -> None:
    broken = f"{desk.base}/news/asia/article/no-such-story"
    done = workspace.run("crawl", *FAST_CRAWL, "--url", broken)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert any(line.startswith("error:") and "no-such-story" in line for line in lines)
    assert lines[-1].startswith("crawl partial:")


@pytest.mark.slow
def test_crawl_while_the_daemon_holds_the_lock_is_refused(workspace: Workspace) -> None:
    with crawl_lock(_lock_file(workspace), "defwatch run"):
        done = workspace.run("crawl", *FAST_CRAWL)
    assert done.returncode == EXIT_LOCKED
    assert "defwatch run" in done.stderr
    assert f"pid {os.getpid()}" in done.stderr
