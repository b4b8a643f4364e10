"""The worker's spider: NewsSpider fed from Redis, claiming each article URL once per round."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request
from scrapy_redis.spiders import RedisMixin

from crawler.discovery import Candidate
from crawler.relevance import RelevanceLexicon
from crawler.sources import KnownPage, SourceSpec
from crawler.spiders.news import NewsSpider
from monitor.distributed.queue import WorkMessage

logger = logging.getLogger(__name__)

# Start messages moved per look at Redis: they only become requests in the shared queue, so a
# large batch costs little and lets every worker start fetching at once.
MESSAGE_BATCH = 500


class DistributedNewsSpider(RedisMixin, NewsSpider):  # type: ignore[misc]
    """NewsSpider whose work comes from Redis (``defwatch enqueue``) instead of its arguments.

    scrapy-redis' ``RedisMixin`` pops work messages when the spider is idle; the scheduler
    (scrapy-redis, set by the worker) shares every request between the workers.
    """

    name = "news-distributed"
    redis_batch_size = MESSAGE_BATCH

    def __init__(
        self,
        sources: Sequence[SourceSpec],
        known: Sequence[KnownPage] = (),
        lexicon: RelevanceLexicon | None = None,
        *,
        start_key: str,
        seen_key: str,
        idle_timeout_s: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(sources=sources, known=known, lexicon=lexicon, **kwargs)
        self.redis_key = start_key
        self._seen_key = seen_key
        self._idle_timeout_s = idle_timeout_s
        self._busy_at = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        """Connect to Redis and to the signals that tell when this worker last had work."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup_redis(crawler)
        for busy in (signals.spider_opened, signals.response_received):
            crawler.signals.connect(spider._mark_busy, signal=busy)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        """The first batch of work messages; later ones are popped whenever the spider idles."""
        for request in self.next_requests():
            yield request

    def make_request_from_data(self, data: bytes) -> list[Request]:
        """The requests of one work message (none for a malformed one or an unknown source)."""
        try:
            message = WorkMessage.from_json(data)
        except ValueError as exc:
            logger.warning("Dropped a work message: %s", exc)
            return []
        self._mark_busy()
        return list(self._requests_for(message))

    def _requests_for(self, message: WorkMessage) -> Iterator[Request]:
        if message.source not in self.source_names:
            logger.warning(
                "Dropped work for source %r, which this worker's config does not have: %s",
                message.source,
                message.url,
            )
            return
        if message.kind == "article":
            yield from self._article_requests(
                message.source, [Candidate(message.url)], counted=False
            )
            return
        yield from self._discovery_requests(message.source, [message.url], message.kind)

    @property
    def source_names(self) -> frozenset[str]:
        """The sources this worker can crawl (its config's, plus watched URLs)."""
        return frozenset(self._sources)

    def _article_request(
        self, source: str, candidate: Candidate, *, discovered: bool
    ) -> Request | None:
        """NewsSpider's request, made only by the worker that claims the URL first this round."""
        request: Request | None = super()._article_request(
            source, candidate, discovered=discovered
        )
        if request is None:
            return None
        key = request.meta["defwatch_fetch"].key
        if not self.server.sadd(self._seen_key, key):
            logger.debug("Another worker has %s this round", request.url)
            return None
        return request

    def _mark_busy(self, *_args: Any, **_kwargs: Any) -> None:
        self._busy_at = time.monotonic()

    def spider_idle(self) -> None:
        """Pull more work; close only after the queues stayed empty for the idle timeout."""
        if self.count_size(self.redis_key) > 0:
            self._mark_busy()
        self.schedule_next_requests()
        idle_for = time.monotonic() - self._busy_at
        if self._idle_timeout_s > 0 and idle_for >= self._idle_timeout_s:
            logger.info("Queue empty for %.0f s: worker stops", idle_for)
            return
        raise DontCloseSpider
