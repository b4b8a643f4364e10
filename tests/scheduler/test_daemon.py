"""``defwatch run`` end to end: scheduled crawls of a loopback site, a change, an alert, SIGTERM."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from newsdesk import NewsDesk
from sched_workspace import FAST_CRAWL, Workspace, config_text, wait_for
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from monitor.cli import main
from monitor.db import make_engine, session_factory, session_scope
from monitor.models import Article, Change, CrawlRun, Delivery, Version

CARRIER = "pla-navy-carrier-group-drills-western-pacific"

FAST_SCHEDULE = """
[schedule]
recheck_every_s = 2
alerts_every_s = 1
health_every_s = 2
jitter_s = 0
max_parallel_crawls = 1

[[alerts.channels]]
name = "console"
kind = "console"
"""


def _read(workspace: Workspace, query: object) -> object:
    """Run ``query(session)`` on the daemon's database (0 until the daemon has created it)."""
    engine = make_engine(workspace.db_url, read_only=True)
    try:
        with session_scope(session_factory(engine)) as session:
            return query(session)  # type: ignore[operator]
    except OperationalError:
        return 0
    finally:
        engine.dispose()


def _finished_runs(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(CrawlRun).where(CrawlRun.status == "ok")
        )
        or 0
    )


def _started_runs(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CrawlRun)) or 0


def _edits(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Change).where(Change.kind != "new")
        )
        or 0
    )


def _sent(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
        )
        or 0
    )


def assert_consistent(session: Session) -> None:
    """No run left open; versions 1..n per article; every change's versions exist."""
    statuses = set(session.scalars(select(CrawlRun.status)))
    assert "running" not in statuses
    for article in session.scalars(select(Article)):
        numbers = list(
            session.scalars(
                select(Version.number)
                .where(Version.article_id == article.id)
                .order_by(Version.number)
            )
        )
        assert numbers == list(range(1, len(numbers) + 1)), article.canonical_url
        assert article.version_count == len(numbers)
    for change in session.scalars(select(Change)):
        for version_id in (change.from_version_id, change.to_version_id):
            if version_id is not None:
                version = session.get(Version, version_id)
                assert version is not None and version.article_id == change.article_id


@pytest.mark.slow
def test_daemon_crawls_detects_alerts_and_stops_cleanly(
    workspace: Workspace,
    desk: NewsDesk,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workspace.config.write_text(
        config_text(desk.base, "discover_every_min = 0.05", FAST_SCHEDULE), "utf-8"
    )
    out, err = tmp_path / "daemon.out", tmp_path / "daemon.err"
    daemon = workspace.start(
        "-v", "run", *FAST_CRAWL, stdout=out.open("w"), stderr=err.open("w")
    )
    try:
        wait_for(
            lambda: _read(workspace, _finished_runs), 60, "the first scheduled crawl"
        )
        desk.edit(CARRIER, title="PLA carrier group holds second round of drills")
        wait_for(lambda: _read(workspace, _edits), 30, "the edit to be detected")
        wait_for(lambda: _read(workspace, _sent), 15, "the alert to be sent")
        wait_for(
            lambda: "PLA carrier group holds second round of drills" in out.read_text(),
            10,
            "the console alert on the daemon's stdout",
        )
        wait_for(
            lambda: _read(workspace, _started_runs) >= 3,  # type: ignore[operator]
            30,
            "a third crawl to start",
        )
    finally:
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(40)
    log = err.read_text()
    assert code == 0, log[-3000:]
    assert "stopped" in log
    _read(workspace, assert_consistent)
    statuses = _read(
        workspace,
        lambda s: list(s.scalars(select(CrawlRun.status).order_by(CrawlRun.id))),
    )
    assert statuses[:2] == ["ok", "ok"]  # type: ignore[index]
    assert len(statuses) >= 3  # type: ignore[arg-type]
    main(
        [
            "--db",
            workspace.db_url,
            "--config",
            str(workspace.config),
            "status",
            "--json",
        ]
    )
    status = json.loads(capsys.readouterr().out)
    assert status["crawling"] is None  # the daemon released the lock
    assert status["alerts"] == {"sent": 1}
    (source,) = status["sources"]
    assert (source["name"], source["health"], source["schedule"]) == (
        "desk",
        "ok",
        "every 3 s",
    )
    assert source["last_run_id"] == len(statuses)  # type: ignore[arg-type]
