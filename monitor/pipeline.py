"""StorePipeline: the Scrapy item pipeline that records every fetch in the store.

Scrapy finds it by its dotted name in the crawler's settings; it is the only place the crawler's
output enters the monitor.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from datetime import UTC, datetime
from typing import Any, Self

from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from crawler.items import ArticleItem, PageEventItem
from monitor.config import database_url_from_environment
from monitor.db import ensure_schema, make_engine, session_factory
from monitor.errors import StorageError
from monitor.ingest import AlertRules, Recorder
from monitor.runs import finish_run, start_run

logger = logging.getLogger(__name__)

CHEAP_OUTCOMES = ("not_modified", "unchanged")
BATCH_SIZE = 200
# Crawler stat holding the first storage error of a crawl (monitor.crawl raises it after the run).
STORAGE_ERROR_STAT = "defwatch/storage_error"


class StorePipeline:
    """Record each ArticleItem / PageEventItem in the database, one transaction per item.

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
        self._pending: list[PageEventItem] = []

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

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Record the item; the item passes on unchanged."""
        if not isinstance(item, ArticleItem | PageEventItem) or self._recorder is None:
            return item
        try:
            self._record(item, self._recorder)
        except OperationalError as exc:
            self._stop_on_storage_error(exc, item.url)
        return item

    def _record(self, item: ArticleItem | PageEventItem, recorder: Recorder) -> None:
        if isinstance(item, PageEventItem) and item.outcome in CHEAP_OUTCOMES:
            # an unchanged page only moves its check times: batch those writes
            self._pending.append(item)
            if len(self._pending) >= BATCH_SIZE:
                self._flush()
            return
        self._count(recorder.record(item))
        logger.debug("recorded url=%s", item.url)

    def _count(self, outcome: str) -> None:
        self.counts[outcome] += 1
        self.counts["pages"] += 1

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending and self._recorder is not None:
            for outcome in self._recorder.record_many(pending):
                self._count(outcome)

    def _stop_on_storage_error(self, exc: OperationalError, url: str) -> None:
        """The store cannot be written (disk full, locked past the busy timeout): stop the crawl.

        The page's transaction was rolled back (no partial row); it is fetched again next run.
        Fetching on would only lose more pages, so the crawl closes and the caller reports
        ``STORAGE_ERROR_STAT`` as a StorageError (one line, exit 1).
        """
        message = f"cannot write to the database ({exc.orig}); stopped at {url}"
        if self._crawler is None:
            raise StorageError(message) from exc
        if self._crawler.stats.get_value(STORAGE_ERROR_STAT) is None:
            logger.info("%s", message)  # the caller reports it, once
            self._crawler.stats.set_value(STORAGE_ERROR_STAT, message)
            deferred_from_coro(
                self._crawler.engine.close_spider_async(reason="storage_error")
            )

    def close_spider(self, spider: Any = None) -> None:
        """Write the run's counts; the caller finishes a run it opened itself."""
        if self._run_id is None:
            return
        try:
            self._flush()
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
