"""StorePipeline: the Scrapy item pipeline that records every fetch in the store.

Scrapy finds it by its dotted name in the crawler's settings; it is the only place the crawler's
output enters the monitor.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any, Self

from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.task import LoopingCall

from crawler.items import ArticleItem, PageEventItem
from monitor.config import database_url_from_environment
from monitor.db import ensure_schema, make_engine, session_factory
from monitor.errors import StorageError
from monitor.ingest import AlertRules, Recorder
from monitor.runs import finish_run, start_run

logger = logging.getLogger(__name__)

# Items are recorded in batches: when this many wait, when their pages hold this many bytes, or
# when the oldest has waited this long. A batch of 256 new articles costs about 10 % less to
# record than four of 64 (fewer statements and commits); the bytes bound what waits in memory.
BATCH_SIZE = 256
BATCH_MAX_BYTES = 16 * 1024 * 1024
BATCH_WAIT_S = 1.0
# Crawler stat holding the first storage error of a crawl (monitor.crawl raises it after the run).
STORAGE_ERROR_STAT = "defwatch/storage_error"


class StorePipeline:
    """Record each ArticleItem / PageEventItem in the database, in batches.

    A batch is recorded when ``BATCH_SIZE`` items wait, when their raw pages hold
    ``BATCH_MAX_BYTES``, when the oldest has waited ``BATCH_WAIT_S`` (checked as items arrive
    and every second while crawling), and when the spider closes. A crash loses at most the
    waiting fetches, never part of one: nothing of them was written, and the next run fetches
    them again.

    Settings: ``DEFWATCH_DB_URL`` (default: the user's defwatch database), ``DEFWATCH_RUN_ID``
    (a crawl run opened by the caller; otherwise the pipeline opens and closes its own),
    ``DEFWATCH_ALERT_RULES`` (an ``AlertRules``; default: no channels).
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        rules: AlertRules,
        run_id: int | None,
        crawler: Any = None,
    ) -> None:
        self._crawler = crawler
        self._factory = factory
        self._rules = rules
        self._run_id = run_id
        self._owns_run = run_id is None
        self.counts: Counter[str] = Counter()
        self._recorder: Recorder | None = None
        self._pending: list[ArticleItem | PageEventItem] = []
        self._pending_bytes = 0
        self._pending_since = 0.0
        self._ticker: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        """Build from the crawler's settings."""
        settings = crawler.settings
        url = settings.get("DEFWATCH_DB_URL") or database_url_from_environment(
            os.environ
        )
        engine = make_engine(url)
        ensure_schema(engine)
        rules = settings.get("DEFWATCH_ALERT_RULES") or AlertRules()
        run_id = settings.getint("DEFWATCH_RUN_ID") or None
        return cls(session_factory(engine), rules, run_id, crawler)

    def open_spider(self, spider: Any = None) -> None:
        """Open the crawl run this pipeline records into."""
        if self._run_id is None:
            self._run_id = start_run(
                self._factory, scope=getattr(spider, "name", "scrapy")
            )
        self._recorder = Recorder(self._factory, self._rules, self._run_id)
        if self._crawler is not None:
            # under a running crawl: record waiting items in lulls too
            self._ticker = LoopingCall(self._flush_if_due)
            self._ticker.start(BATCH_WAIT_S, now=False)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Record the item; the item passes on unchanged."""
        if not isinstance(item, ArticleItem | PageEventItem) or self._recorder is None:
            return item
        self._record(item)
        return item

    def _record(self, item: ArticleItem | PageEventItem) -> None:
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append(item)
        if isinstance(item, ArticleItem):
            self._pending_bytes += len(item.raw_html)
        if (
            len(self._pending) >= BATCH_SIZE
            or self._pending_bytes >= BATCH_MAX_BYTES
            or self._batch_due()
        ):
            self._flush()

    def _batch_due(self) -> bool:
        return time.monotonic() - self._pending_since >= BATCH_WAIT_S

    def _flush_if_due(self) -> None:
        if self._pending and self._batch_due():
            self._flush()

    def _count(self, outcome: str) -> None:
        self.counts[outcome] += 1
        self.counts["pages"] += 1

    def _flush(self, *, closing: bool = False) -> None:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        if not pending or self._recorder is None:
            return
        try:
            outcomes = self._recorder.record_batch(pending)
        except OperationalError as exc:
            self._stop_on_storage_error(exc, pending[0].url, closing=closing)
            return
        for outcome in outcomes:
            self._count(outcome)
        logger.debug("recorded %d items", len(pending))

    def _stop_on_storage_error(
        self, exc: OperationalError, url: str, *, closing: bool = False
    ) -> None:
        """The store cannot be written (disk full, locked past the busy timeout): stop the crawl.

        The batch's transaction was rolled back (no partial row); its pages are fetched again
        next run.
        Fetching on would only lose more pages, so the crawl closes and the caller reports
        ``STORAGE_ERROR_STAT`` as a StorageError (one line, exit 1).
        """
        message = f"cannot write to the database ({exc.orig}); stopped at {url}"
        if self._crawler is None:
            raise StorageError(message) from exc
        if self._crawler.stats.get_value(STORAGE_ERROR_STAT) is None:
            logger.info("%s", message)  # the caller reports it, once
            self._crawler.stats.set_value(STORAGE_ERROR_STAT, message)
            if closing:
                return
            deferred_from_coro(
                self._crawler.engine.close_spider_async(reason="storage_error")
            )

    def close_spider(self, spider: Any = None) -> None:
        """Write the run's counts; the caller finishes a run it opened itself."""
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        if self._run_id is None:
            return
        self._flush(closing=True)
        try:
            finish_run(
                self._factory,
                self._run_id,
                self.counts,
                datetime.now(UTC),
                close=self._owns_run,
            )
        except OperationalError as exc:
            if self._crawler is None:
                raise
            if self._crawler.stats.get_value(STORAGE_ERROR_STAT) is None:
                self._crawler.stats.set_value(
                    STORAGE_ERROR_STAT,
                    f"cannot write to the database ({exc.orig}) at the end of the crawl",
                )
            logger.debug("run counts not written: %s", exc.orig)
