"""``defwatch worker``: crawl from the shared Redis queue into the shared store until idle."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import replace

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.relevance import RelevanceLexicon
from crawler.sources import SourceSpec
from monitor.config import URLS_SOURCE, AppConfig
from monitor.crawl import (
    CrawlRequest,
    CrawlSummary,
    known_pages,
    relearn_quietly,
    scrapy_settings,
    select_sources,
    summarise_run,
    with_learned_lines,
)
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.distributed.queue import QueueKeys
from monitor.distributed.spider import DistributedNewsSpider
from monitor.runs import start_run

logger = logging.getLogger(__name__)

# NewsSpider wants a URL for every source it is given; the worker's watched-URLs source gets its
# articles from work messages only, so this address (reserved TLD) is never requested.
WATCHED_PLACEHOLDER = "https://watched-urls.invalid/"


def lexicon_for(config: AppConfig) -> RelevanceLexicon:
    """The relevance lexicon of the config (as ``defwatch crawl`` builds it)."""
    lexicon = RelevanceLexicon.default().extended(config.relevance_terms)
    if config.relevance_threshold is not None:
        lexicon = replace(lexicon, threshold=config.relevance_threshold)
    return lexicon


def worker_specs(config: AppConfig) -> list[SourceSpec]:
    """Every configured source, plus the watched-URLs source."""
    specs = select_sources(config, CrawlRequest())
    watched = SourceSpec(
        name=URLS_SOURCE, article_urls=(WATCHED_PLACEHOLDER,), all_relevant=True
    )
    return [*specs, watched]


def worker_settings(
    config: AppConfig,
    db_url: str,
    redis_url: str,
    keys: QueueKeys,
    run_id: int,
    overrides: Sequence[tuple[str, object]] = (),
) -> Settings:
    """The crawl settings of ``defwatch crawl`` plus scrapy-redis' shared scheduler."""
    settings = scrapy_settings(
        config, db_url, run_id, CrawlRequest(settings=tuple(overrides))
    )
    shared = {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        # never flush the shared queue when one worker stops: the others are still using it
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "REDIS_URL": redis_url,
        "REDIS_START_URLS_KEY": keys.start,
    }
    for name, value in shared.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_worker(
    config: AppConfig,
    db_url: str,
    redis_url: str,
    *,
    keys: QueueKeys,
    idle_timeout_s: float,
    overrides: Sequence[tuple[str, object]] = (),
) -> CrawlSummary:
    """Crawl from the queue until it stays empty for ``idle_timeout_s`` (0: never stop).

    Once per process, like ``run_crawl`` (Twisted's reactor cannot restart).
    """
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    specs = worker_specs(config)
    with session_scope(factory) as session:
        known = known_pages(session, [s.name for s in specs], due_before=None)
        specs = with_learned_lines(session, specs)
    run_id = start_run(
        factory,
        scope=f"worker {socket.gethostname()}:{os.getpid()}",
        recover_open=False,
    )
    process = CrawlerProcess(
        worker_settings(config, db_url, redis_url, keys, run_id, overrides),
        install_root_handler=False,
    )
    process.crawl(
        DistributedNewsSpider,
        sources=specs,
        known=known,
        lexicon=lexicon_for(config),
        start_key=keys.start,
        seen_key=keys.seen,
        idle_timeout_s=idle_timeout_s,
    )
    process.start()
    relearn_quietly(factory, run_id)
    return summarise_run(factory, run_id)
