"""What an operator checks: is a crawl running, when each source runs next, how the last runs went,
which alerts are stuck, which sources are in trouble. Read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from monitor.config import AppConfig
from monitor.health import health_of_sources
from monitor.lock import LockHolder, is_locked, read_holder
from monitor.models import Change, CrawlIssue, CrawlRun, Delivery, HealthAlert
from monitor.triggers import (
    describe_schedule,
    due_for_recheck,
    last_run_starts,
    next_discovery_at,
)

RECENT_RUNS = 10
ISSUES_PER_RUN = 3
FAILED_ALERTS_SHOWN = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStatus:
    """One source: its schedule, last run, next run, re-check queue and health."""

    name: str
    schedule: str
    last_run_id: int | None
    last_run_status: str | None
    last_run_at: datetime | None
    last_success_at: datetime | None
    next_run_at: datetime
    due_rechecks: int
    health: str  # ok | unhealthy | unknown
    health_reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RunStatus:
    """One recent crawl run with its counts and first errors."""

    id: int
    scope: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    pages: int
    articles_new: int
    versions_new: int
    changes: int
    errors: int
    held: int
    first_errors: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FailedAlert:
    """An alert that could not be delivered (for good, or still retrying)."""

    kind: str  # change | health
    id: int
    channel: str
    status: str
    attempts: int
    last_error: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusReport:
    """Everything ``defwatch status`` shows."""

    now: datetime
    crawling: LockHolder | None
    sources: tuple[SourceStatus, ...]
    runs: tuple[RunStatus, ...]
    alerts: dict[str, int]  # change alert deliveries by status
    health_alerts: dict[str, int]  # health alerts by status
    failed_alerts: tuple[FailedAlert, ...]

    @property
    def trouble(self) -> tuple[str, ...]:
        """Names of the unhealthy sources."""
        return tuple(s.name for s in self.sources if s.health == "unhealthy")


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _sources(
    session: Session, config: AppConfig, now: datetime
) -> tuple[SourceStatus, ...]:
    names = [s.spec.name for s in config.sources]
    starts = last_run_starts(session, names)
    due = due_for_recheck(session, names, now)
    healths = {h.source: h for h in health_of_sources(session, config, now)}
    result = []
    for source in config.sources:
        name = source.spec.name
        health = healths[name]
        last = health.last_run
        result.append(
            SourceStatus(
                name=name,
                schedule=describe_schedule(source),
                last_run_id=last.run_id if last else None,
                last_run_status=last.status if last else None,
                last_run_at=starts.get(name),
                last_success_at=health.last_success_at,
                next_run_at=next_discovery_at(source, starts.get(name), now),
                due_rechecks=due.get(name, 0),
                health=health.state,
                health_reason=health.reason,
            )
        )
    return tuple(result)


def _runs(session: Session) -> tuple[RunStatus, ...]:
    runs = list(
        session.scalars(
            select(CrawlRun).order_by(CrawlRun.id.desc()).limit(RECENT_RUNS)
        )
    )
    ids = [r.id for r in runs]
    changes = dict(
        session.execute(
            select(Change.run_id, func.count())
            .where(Change.run_id.in_(ids))
            .group_by(Change.run_id)
        ).all()
    )
    result = []
    for run in runs:
        errors = session.scalars(
            select(CrawlIssue)
            .where(CrawlIssue.run_id == run.id, CrawlIssue.severity == "error")
            .order_by(CrawlIssue.id)
            .limit(ISSUES_PER_RUN)
        )
        result.append(
            RunStatus(
                id=run.id,
                scope=run.scope,
                status=run.status,
                started_at=_aware(run.started_at) or run.started_at,
                finished_at=_aware(run.finished_at),
                pages=run.pages,
                articles_new=run.articles_new,
                versions_new=run.versions_new,
                changes=changes.get(run.id, 0),
                errors=run.errors,
                held=run.warnings,
                first_errors=tuple(f"{i.url}: {i.message}" for i in errors),
            )
        )
    return tuple(result)


def _counts(
    session: Session, status_column: InstrumentedAttribute[str]
) -> dict[str, int]:
    rows = session.execute(select(status_column, func.count()).group_by(status_column))
    return {str(status): int(count) for status, count in rows}


def _failed_alerts(session: Session) -> tuple[FailedAlert, ...]:
    troubled = ("failed",)
    deliveries = session.scalars(
        select(Delivery)
        .where(
            Delivery.status.in_(troubled)
            | (Delivery.last_error.is_not(None) & (Delivery.status != "sent"))
        )
        .order_by(Delivery.id.desc())
        .limit(FAILED_ALERTS_SHOWN)
    )
    health = session.scalars(
        select(HealthAlert)
        .where(
            HealthAlert.status.in_(troubled)
            | (HealthAlert.last_error.is_not(None) & (HealthAlert.status != "sent"))
        )
        .order_by(HealthAlert.id.desc())
        .limit(FAILED_ALERTS_SHOWN)
    )
    return tuple(
        FailedAlert(
            kind="change",
            id=d.id,
            channel=d.channel,
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error or "",
        )
        for d in deliveries
    ) + tuple(
        FailedAlert(
            kind="health",
            id=h.id,
            channel=h.channel,
            status=h.status,
            attempts=h.attempts,
            last_error=h.last_error or "",
        )
        for h in health
    )


def collect_status(
    session: Session, config: AppConfig, lock_file: Path, now: datetime | None = None
) -> StatusReport:
    """The operator's view of the monitor now."""
    now = now or datetime.now(UTC)
    return StatusReport(
        now=now,
        crawling=read_holder(lock_file) if is_locked(lock_file) else None,
        sources=_sources(session, config, now),
        runs=_runs(session),
        alerts=_counts(session, Delivery.status),
        health_alerts=_counts(session, HealthAlert.status),
        failed_alerts=_failed_alerts(session),
    )
