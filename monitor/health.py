"""Source health: is each source still being crawled successfully? Alert when it stops, and again
when it recovers.

Representation: health is about a source, not an article, so it never becomes a Change. A source
that turns unhealthy opens an *episode*: one ``health_alerts`` row of kind ``site_broken`` per
channel that receives the source; when it is healthy again the same episode gets ``site_recovered``
rows. Those rows are their own small outbox (pending → sending → sent / failed, with backoff), sent
by ``send_health_pending`` as ``alerts.ChangeAlert`` values of kind ``site_broken`` /
``site_recovered`` (no versions, no diff), so every channel can deliver them unchanged.

A source is unhealthy when (thresholds in the ``[health]`` table):
* its last finished crawl failed on at least ``error_rate`` of its pages (with ``min_pages`` pages
  or more, so one flaky page of three does not count), or
* it has been crawled for ``no_success_hours`` and had no successful crawl in that time
  (successful: finished 'ok' or 'partial' with an error share below ``error_rate``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts import AlertChannel, AlertConfigError, AlertDeliveryError, ChangeAlert
from monitor.config import AppConfig, ChannelConfig, HealthConfig, SourceConfig
from monitor.db import session_scope
from monitor.models import CrawlIssue, CrawlRun, HealthAlert
from monitor.notify import ChannelFactory, SendReport, backoff
from monitor.outbox import configured_channels

logger = logging.getLogger(__name__)

RECENT_RUNS = 500  # runs read to judge health; enough for weeks of a busy daemon
FINISHED = ("ok", "partial", "failed", "interrupted")


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOutcome:
    """One finished run as seen from one source."""

    run_id: int
    started_at: datetime
    status: str
    pages: int
    errors: int  # error issues of this source in the run

    def error_share(self) -> float:
        """Failed share of the run's pages (1.0 for errors without pages)."""
        if self.pages:
            return self.errors / self.pages
        return 1.0 if self.errors else 0.0

    def succeeded(self, rules: HealthConfig) -> bool:
        """Finished and mostly fetched."""
        return (
            self.status in ("ok", "partial") and self.error_share() < rules.error_rate
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceHealth:
    """The health of one source now."""

    source: str
    state: str  # ok | unhealthy | unknown (never crawled)
    reason: str
    last_run: RunOutcome | None
    last_success_at: datetime | None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def source_runs(session: Session, names: Sequence[str]) -> dict[str, list[RunOutcome]]:
    """Recent finished runs of each source, newest first (a run counts for every source in scope)."""
    runs = list(
        session.scalars(
            select(CrawlRun)
            .where(CrawlRun.status.in_(FINISHED))
            .order_by(CrawlRun.id.desc())
            .limit(RECENT_RUNS)
        )
    )
    errors = {
        (run_id, source): count
        for run_id, source, count in session.execute(
            select(CrawlIssue.run_id, CrawlIssue.source, func.count())
            .where(
                CrawlIssue.severity == "error",
                CrawlIssue.run_id.in_([r.id for r in runs]),
            )
            .group_by(CrawlIssue.run_id, CrawlIssue.source)
        )
    }
    result: dict[str, list[RunOutcome]] = {name: [] for name in names}
    for run in runs:
        for name in run.scope.split(","):
            if name in result:
                result[name].append(
                    RunOutcome(
                        run_id=run.id,
                        started_at=_aware(run.started_at),
                        status=run.status,
                        pages=run.pages,
                        errors=errors.get((run.id, name), 0),
                    )
                )
    return result


def judge(
    name: str, runs: Sequence[RunOutcome], rules: HealthConfig, now: datetime
) -> SourceHealth:
    """The health of a source from its recent runs (newest first)."""
    if not runs:
        return SourceHealth(
            source=name,
            state="unknown",
            reason="never crawled",
            last_run=None,
            last_success_at=None,
        )
    last = runs[0]
    success = next((r for r in runs if r.succeeded(rules)), None)
    success_at = success.started_at if success else None
    window = timedelta(hours=rules.no_success_hours)
    state, reason = "ok", f"last crawl {last.status}"
    if last.pages >= rules.min_pages and last.error_share() >= rules.error_rate:
        state = "unhealthy"
        reason = (
            f"{last.errors} of {last.pages} pages failed in crawl run {last.run_id}"
        )
    elif now - runs[-1].started_at >= window and (
        success_at is None or now - success_at >= window
    ):
        state = "unhealthy"
        since = (
            f"since {success_at.isoformat(timespec='minutes')}"
            if success_at
            else "ever"
        )
        reason = (
            f"no successful crawl for {rules.no_success_hours:g} h ({since}); "
            f"last crawl run {last.run_id} {last.status}"
        )
    return SourceHealth(
        source=name,
        state=state,
        reason=reason,
        last_run=last,
        last_success_at=success_at,
    )


def health_of_sources(
    session: Session, config: AppConfig, now: datetime
) -> list[SourceHealth]:
    """The health of every configured source."""
    names = [s.spec.name for s in config.sources]
    runs = source_runs(session, names)
    return [judge(name, runs[name], config.health, now) for name in names]


def _open_episode(session: Session, source: str) -> str | None:
    """The episode of the source's outage still open (its last health alert says broken)."""
    last = session.scalars(
        select(HealthAlert)
        .where(HealthAlert.source == source)
        .order_by(HealthAlert.id.desc())
        .limit(1)
    ).first()
    return last.episode if last is not None and last.kind == "site_broken" else None


def check_health(
    factory: sessionmaker[Session], config: AppConfig, now: datetime | None = None
) -> list[SourceHealth]:
    """Judge every source; queue ``site_broken`` / ``site_recovered`` alerts on state changes."""
    now = now or datetime.now(UTC)
    with session_scope(factory) as session:
        healths = health_of_sources(session, config, now)
        for health in healths:
            episode = _open_episode(session, health.source)
            if health.state == "unhealthy" and episode is None:
                _queue(
                    session,
                    config,
                    health,
                    "site_broken",
                    f"{health.source}:{now.isoformat()}",
                    now,
                )
            elif health.state == "ok" and episode is not None:
                _queue(session, config, health, "site_recovered", episode, now)
    return healths


def _queue(
    session: Session,
    config: AppConfig,
    health: SourceHealth,
    kind: str,
    episode: str,
    now: datetime,
) -> None:
    verb = "is unhealthy" if kind == "site_broken" else "has recovered"
    logger.warning("source %s %s: %s", health.source, verb, health.reason)
    for channel in configured_channels(config):
        if channel.sources and health.source not in channel.sources:
            continue
        session.add(
            HealthAlert(
                source=health.source,
                episode=episode,
                kind=kind,
                channel=channel.name,
                summary=f"source {health.source} {verb}: {health.reason}",
                detected_at=now,
                status="pending",
                attempts=0,
                next_attempt_at=now,
            )
        )


def health_alert_message(row: HealthAlert, source: SourceConfig | None) -> ChangeAlert:
    """The ChangeAlert a channel renders for a health alert (no versions, no diff)."""
    spec = source.spec if source else None
    urls = (
        (*spec.feeds, *spec.sitemaps, *spec.listing_pages, *spec.article_urls)
        if spec
        else ()
    )
    broken = row.kind == "site_broken"
    return ChangeAlert(
        change_id=0,  # not a change of an article
        source=row.source,
        url=urls[0] if urls else "",
        title=f"Source {row.source} {'is not being crawled successfully' if broken else 'is crawled successfully again'}",
        kind=row.kind,
        kinds=(row.kind,),
        summary=row.summary,
        detected_at=_aware(row.detected_at),
        from_version=None,
        to_version=None,
        diff_text="",
        article_key=f"source-{row.source}",
    )


def send_health_pending(
    factory: sessionmaker[Session],
    config: AppConfig,
    make_channel: ChannelFactory,
    now: datetime | None = None,
) -> SendReport:
    """Deliver every due health alert once; record each outcome (retries with backoff)."""
    now = now or datetime.now(UTC)
    channels = {c.name: c for c in configured_channels(config)}
    sources = {s.spec.name: s for s in config.sources}
    built: dict[str, AlertChannel] = {}
    outcomes: list[str] = []
    with session_scope(factory) as session:
        due = list(
            session.scalars(
                select(HealthAlert.id)
                .where(
                    HealthAlert.status.in_(("pending", "sending")),
                    HealthAlert.next_attempt_at <= now,
                )
                .order_by(HealthAlert.id)
            )
        )
    for row_id in due:
        with session_scope(factory) as session:
            row = session.get_one(HealthAlert, row_id)
            row.status, row.attempts = "sending", row.attempts + 1
            message = health_alert_message(row, sources.get(row.source))
            name, attempts = row.channel, row.attempts
        error, retryable = _send(channels, built, make_channel, name, message, row_id)
        outcomes.append(_record(factory, row_id, error, retryable, attempts, config))
    for channel in built.values():
        channel.close()
    return SendReport(
        outcomes.count("sent"), outcomes.count("pending"), outcomes.count("failed")
    )


def _send(
    channels: Mapping[str, ChannelConfig],
    built: dict[str, AlertChannel],
    make_channel: ChannelFactory,
    name: str,
    message: ChangeAlert,
    row_id: int,
) -> tuple[str | None, bool]:
    try:
        config = channels.get(name)
        if config is None:
            raise AlertConfigError(f"channel {name!r} is no longer configured")
        if name not in built:
            built[name] = make_channel(config)
        built[name].send(message, idempotency_key=f"defwatch-health-{row_id}-{name}")
    except AlertDeliveryError as exc:
        return str(exc), exc.retryable
    except AlertConfigError as exc:
        return f"{name}: {exc}", False
    return None, True


def _record(
    factory: sessionmaker[Session],
    row_id: int,
    error: str | None,
    retryable: bool,
    attempts: int,
    config: AppConfig,
) -> str:
    now = datetime.now(UTC)
    with session_scope(factory) as session:
        row = session.get_one(HealthAlert, row_id)
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
        elif retryable and attempts < config.max_delivery_attempts:
            row.status, row.last_error = "pending", error
            row.next_attempt_at = now + backoff(attempts)
            logger.warning("health alert delivery failed, will retry: %s", error)
        else:
            row.status, row.last_error = "failed", error
            logger.error("health alert delivery failed for good: %s", error)
        return row.status
