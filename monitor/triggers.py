"""When each source's discovery crawl runs: APScheduler 3 triggers from the config, and the next
run of a source computed from its last run (so a restarted daemon continues the old rhythm).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import SourceConfig, crontab_fields
from monitor.models import Article, CrawlRun, Source


def describe_schedule(source: SourceConfig) -> str:
    """``cron */30 * * * *``, ``every 60 min`` or ``every 5 s``."""
    if source.schedule:
        return f"cron {source.schedule}"
    if source.discover_every_min < 1:
        return f"every {source.discover_every_min * 60:.0f} s"
    return f"every {source.discover_every_min:g} min"


def _cron(source: SourceConfig, jitter_s: float) -> CronTrigger:
    assert source.schedule is not None
    return CronTrigger(
        **crontab_fields(source.schedule),
        timezone=UTC,
        jitter=int(jitter_s) or None,
    )


def next_discovery_at(
    source: SourceConfig, last_started: datetime | None, now: datetime
) -> datetime:
    """When the source's next discovery crawl is due (``now`` when overdue or never run)."""
    if last_started is None:
        return now
    if source.schedule:
        # the first slot after the last run (a slot at the very second it started is that run)
        due = _cron(source, 0).get_next_fire_time(
            None, last_started + timedelta(seconds=1)
        )
    else:
        due = last_started + timedelta(minutes=source.discover_every_min)
    return now if due is None or due <= now else due


def discovery_trigger(
    source: SourceConfig, jitter_s: float, first_run: datetime
) -> BaseTrigger:
    """The trigger of a source's discovery job; interval runs are spaced from ``first_run``."""
    if source.schedule:
        return _cron(source, jitter_s)
    return IntervalTrigger(
        seconds=source.discover_every_min * 60,
        start_date=first_run,
        timezone=UTC,
        jitter=int(jitter_s) or None,
    )


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def last_run_starts(session: Session, names: Sequence[str]) -> dict[str, datetime]:
    """When each source's last discovery-capable crawl started (any run whose scope names it)."""
    starts: dict[str, datetime] = {}
    rows = session.execute(
        select(CrawlRun.scope, func.max(CrawlRun.started_at)).group_by(CrawlRun.scope)
    )
    for scope, started in rows:
        moment = _aware(started)
        for name in scope.split(","):
            if (
                name in names
                and moment
                and (name not in starts or moment > starts[name])
            ):
                starts[name] = moment
    return starts


def due_for_recheck(
    session: Session, names: Sequence[str], now: datetime
) -> dict[str, int]:
    """How many monitored articles of each source are due for a re-check now."""
    rows = session.execute(
        select(Source.name, func.count(Article.id))
        .join(Source)
        .where(
            Source.name.in_(list(names)),
            Article.status == "active",
            Article.is_relevant.is_(True),
            Article.next_check_at <= now,
        )
        .group_by(Source.name)
    )
    return {name: count for name, count in rows if count}
