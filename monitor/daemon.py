"""``defwatch run``: the long-running monitor on APScheduler 3.

Jobs (a BackgroundScheduler with a thread pool; every job coalesces missed runs, runs at most once
at a time, and is skipped when later than the misfire grace):

* ``discover:<source>`` per source - discovery crawl (feeds, sitemaps, listings) plus the source's
  due re-checks; every ``discover_every_min`` or on the source's cron ``schedule``, with jitter.
* ``recheck`` - the age-based re-check queue: sources with articles whose ``next_check_at`` has
  passed get a re-check-only crawl.
* ``alerts`` - the outbox sweep (change alerts, then health alerts); also run after every crawl.
* ``health`` - judges every source and queues site_broken / site_recovered alerts.

Each crawl runs in a spawned child process (Scrapy's reactor cannot restart; memory stays with the
child). A source is never crawled by two jobs at once, and at most ``max_parallel_crawls`` children
run together. On stop (SIGTERM/SIGINT set ``stop``) running children get SIGTERM, Scrapy finishes
cleanly, each item already fetched is in the store (one transaction per item) and the run is
closed 'interrupted'. The database is the only state: a restart continues from the last runs.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from monitor.config import AppConfig, SourceConfig
from monitor.crawl import CrawlRequest, CrawlSummary, run_crawl_in_child
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.errors import CrawlFailedError
from monitor.health import check_health, send_health_pending
from monitor.notify import ChannelFactory, send_pending
from monitor.runs import interrupt_open_runs
from monitor.triggers import (
    describe_schedule,
    discovery_trigger,
    due_for_recheck,
    last_run_starts,
    next_discovery_at,
)

logger = logging.getLogger(__name__)

SLOT_WAIT_S = 1.0
# crawl children fork from a server that imported Scrapy once (see run_crawl_in_child)
START_METHOD = (
    "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
)  # a crawl waiting for a free slot looks at the stop event this often


class Daemon:
    """The scheduler and its jobs; ``run()`` blocks until ``stop`` is set."""

    def __init__(
        self,
        config: AppConfig,
        db_url: str,
        make_channel: ChannelFactory,
        stop: threading.Event,
        settings: Sequence[tuple[str, object]] = (),
    ) -> None:
        self._config = config
        self._db_url = db_url
        self._make_channel = make_channel
        self._stop = stop
        self._settings = tuple(settings)
        self._engine = make_engine(db_url)
        ensure_schema(self._engine)
        self._factory: sessionmaker[Session] = session_factory(self._engine)
        self._busy: set[str] = set()  # sources being crawled now
        self._busy_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(config.schedule.max_parallel_crawls)
        self._sweep_lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------

    def run(self) -> None:
        """Schedule the jobs, run until ``stop`` is set, then shut down cleanly."""
        recovered = interrupt_open_runs(self._factory)
        if recovered:
            logger.warning(
                "marked %d crawl run(s) left open by a stopped process as interrupted",
                recovered,
            )
        scheduler = self._scheduler()
        scheduler.start()
        logger.info(
            "daemon started: %d sources; jobs: %s",
            len(self._config.sources),
            ", ".join(job.id for job in scheduler.get_jobs()),
        )
        while not self._stop.wait(1.0):
            pass
        logger.info("stopping: interrupting running crawls")
        scheduler.shutdown(
            wait=True
        )  # running jobs see ``stop`` and end their children
        interrupt_open_runs(self._factory)
        self._engine.dispose()
        logger.info("stopped")

    def _scheduler(self) -> BackgroundScheduler:
        plan = self._config.schedule
        workers = (
            len(self._config.sources) + 3
        )  # a thread per job; crawls wait for slots
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(plan.misfire_grace_s),
            },
            timezone=UTC,
        )
        now = datetime.now(UTC)
        names = [s.spec.name for s in self._config.sources]
        with session_scope(self._factory) as session:
            starts = last_run_starts(session, names)
        for source in self._config.sources:
            first = next_discovery_at(source, starts.get(source.spec.name), now)
            scheduler.add_job(
                self.discover,
                discovery_trigger(source, plan.jitter_s, first),
                args=(source.spec.name,),
                id=f"discover:{source.spec.name}",
                name=f"discover {source.spec.name} ({describe_schedule(source)})",
                next_run_time=first,
            )
        for job_id, function, every in (
            ("recheck", self.recheck, plan.recheck_every_s),
            ("alerts", self.sweep, plan.alerts_every_s),
            ("health", self.health, plan.health_every_s),
        ):
            scheduler.add_job(
                function, IntervalTrigger(seconds=every, timezone=UTC), id=job_id
            )
        return scheduler

    # -- jobs -----------------------------------------------------------------------------

    def discover(self, name: str) -> None:
        """Discovery crawl of one source (with its due re-checks)."""
        request = CrawlRequest(source_names=(name,), settings=self._settings)
        self._crawl((name,), request, "discovery")

    def recheck(self) -> None:
        """A re-check-only crawl of the sources that have articles due and are not busy."""
        names = [s.spec.name for s in self._config.sources]
        with session_scope(self._factory) as session:
            due = due_for_recheck(session, names, datetime.now(UTC))
        with self._busy_lock:
            free = tuple(n for n in due if n not in self._busy)
        if free:
            logger.info(
                "re-check due: %s",
                ", ".join(f"{n} ({due[n]} articles)" for n in free),
            )
            request = CrawlRequest(
                source_names=free, discover=False, settings=self._settings
            )
            self._crawl(free, request, "re-check")

    def sweep(self) -> None:
        """Send what the outboxes hold (one sweep at a time)."""
        if not self._sweep_lock.acquire(blocking=False):
            return
        try:
            report = send_pending(self._factory, self._config, self._make_channel)
            health = send_health_pending(
                self._factory, self._config, self._make_channel
            )
            if report.sent or report.failed or health.sent or health.failed:
                logger.info(
                    "alerts sent=%d retrying=%d failed=%d; health alerts sent=%d failed=%d",
                    report.sent,
                    report.retrying,
                    report.failed,
                    health.sent,
                    health.failed,
                )
        finally:
            self._sweep_lock.release()

    def health(self) -> None:
        """Judge the sources, queue health alerts on changes, send them."""
        check_health(self._factory, self._config)
        self.sweep()

    # -- crawling -------------------------------------------------------------------------

    def _claim(self, names: Sequence[str]) -> bool:
        with self._busy_lock:
            if any(n in self._busy for n in names):
                return False
            self._busy.update(names)
            return True

    def _release(self, names: Sequence[str]) -> None:
        with self._busy_lock:
            self._busy.difference_update(names)

    def _crawl(self, names: Sequence[str], request: CrawlRequest, why: str) -> None:
        if self._stop.is_set():
            return
        if not self._claim(names):
            logger.info(
                "%s of %s skipped: a crawl of it is running", why, ", ".join(names)
            )
            return
        try:
            while not self._slots.acquire(timeout=SLOT_WAIT_S):
                if self._stop.is_set():
                    return
            try:
                summary = self._run_child(request)
            finally:
                self._slots.release()
        finally:
            self._release(names)
        if summary is not None:
            _log_summary(why, names, summary)
            self.sweep()

    def _run_child(self, request: CrawlRequest) -> CrawlSummary | None:
        try:
            return run_crawl_in_child(
                self._config,
                self._db_url,
                request,
                self._config.schedule.crawl_timeout_s,
                stop=self._stop,
                recover_open=False,
                start_method=START_METHOD,
                factory=self._factory,
            )
        except CrawlFailedError as exc:
            logger.error("crawl of %s failed: %s", ",".join(request.source_names), exc)
            return None


def _log_summary(why: str, names: Sequence[str], summary: CrawlSummary) -> None:
    level = logging.WARNING if summary.errors else logging.INFO
    logger.log(
        level,
        "%s crawl of %s: run %d %s, %d pages, %d new articles, %d new versions, "
        "%d changes, %d errors",
        why,
        ",".join(names),
        summary.run_id,
        summary.status,
        summary.pages,
        summary.articles_new,
        summary.versions_new,
        summary.changes_new,
        summary.errors,
    )
    for line in summary.issues:
        if line.startswith("error:"):
            logger.warning("  %s", line)


def sources_named(config: AppConfig, names: Sequence[str]) -> list[SourceConfig]:
    """The configured sources with these names (all when ``names`` is empty)."""
    return [config.source(n) for n in names] if names else list(config.sources)
