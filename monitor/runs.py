"""Crawl runs: open one, write its counts, close it, recover ones a crash left open."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import session_scope
from monitor.models import CrawlIssue, CrawlRun


def start_run(
    factory: sessionmaker[Session], scope: str, *, recover_open: bool = True
) -> int:
    """Open a crawl run; runs left 'running' by a killed process are marked 'interrupted' first.

    A caller that runs several crawls at once (the daemon, distributed workers) passes
    ``recover_open=False`` (the daemon calls ``interrupt_open_runs`` once at start), so one
    crawl never marks a sibling as interrupted.
    """
    now = datetime.now(UTC)
    if recover_open:
        interrupt_open_runs(factory)
    with session_scope(factory) as session:
        run = CrawlRun(scope=scope, started_at=now, status="running")
        session.add(run)
        session.flush()
        return run.id


def interrupt_open_runs(factory: sessionmaker[Session]) -> int:
    """Mark runs still 'running' as 'interrupted' (their process is gone); returns how many."""
    with session_scope(factory) as session:
        result = session.execute(
            update(CrawlRun)
            .where(CrawlRun.status == "running")
            .values(status="interrupted", finished_at=datetime.now(UTC))
        )
        return int(getattr(result, "rowcount", 0) or 0)


def finish_run(
    factory: sessionmaker[Session],
    run_id: int,
    counts: Mapping[str, int],
    now: datetime,
    *,
    close: bool = True,
) -> CrawlRun:
    """Store a run's counts; with ``close`` also its end time and final status."""
    with session_scope(factory) as session:
        run = session.get_one(CrawlRun, run_id)
        run.pages = counts.get("pages", 0)
        run.articles_new = counts.get("new_article", 0)
        run.versions_new = counts.get("new_version", 0)
        run.unchanged = counts.get("unchanged", 0)
        run.skipped_irrelevant = counts.get("irrelevant", 0)
        issues = dict(
            session.execute(
                select(CrawlIssue.severity, func.count())
                .where(CrawlIssue.run_id == run_id)
                .group_by(CrawlIssue.severity)
            ).all()
        )
        run.errors = issues.get("error", 0)
        run.warnings = issues.get("warning", 0)
        if close:
            run.finished_at = now
            run.status = "partial" if run.errors else "ok"
        return run


def close_run(
    factory: sessionmaker[Session], run_id: int, status: str | None = None
) -> None:
    """End a run still open: 'partial' if pages failed, else 'ok' (or the status given)."""
    with session_scope(factory) as session:
        run = session.get_one(CrawlRun, run_id)
        if run.finished_at is not None and status is None:
            return
        run.finished_at = datetime.now(UTC)
        run.status = status or ("partial" if run.errors else "ok")
