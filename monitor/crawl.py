"""One crawl pass: choose what to fetch, run the Scrapy spider in this process, sum up the run.

Scrapy's Twisted reactor runs once per process: ``run_crawl`` is for a process that crawls once
(``defwatch crawl``); ``run_crawl_in_child`` runs it in a fresh child process, for callers that
crawl many times (the demo, the daemon).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from crawler.sources import KnownPage, SourceSpec
from monitor.boilerplate import learned_by_source, relearn_after_run
from monitor.collector import collect_less_often, starting
from monitor.config import URLS_SOURCE, AppConfig
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.errors import CrawlFailedError, StorageError
from monitor.ingest import AlertRules
from monitor.logs import configure_logging
from monitor.models import Article, ArticleUrl, Change, CrawlIssue, CrawlRun, Source
from monitor.outbox import configured_channels
from monitor.pipeline import STORAGE_ERROR_STAT
from monitor.runs import close_run, start_run

logger = logging.getLogger(__name__)

SCRAPY_LOGGERS = ("scrapy", "twisted", "py.warnings")
# imported once by the fork server (no Twisted reactor is installed by importing them)
CHILD_PRELOAD = (
    "monitor.crawl",
    "monitor.pipeline",
    "crawler.spiders.news",
    "crawler.relevance",
)
CHILD_POLL_S = 0.5  # how often a waiting parent looks at the stop event
STOP_GRACE_S = (
    15.0  # how long a stopped crawl child may take to finish its in-flight pages
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlRequest:
    """What one crawl pass fetches."""

    source_names: tuple[str, ...] = ()  # empty with no urls: every configured source
    urls: tuple[str, ...] = ()  # article URLs to watch directly
    discover: bool = True  # read feeds, sitemaps and listing pages
    recheck_due: bool = True  # re-fetch known articles whose re-check is due
    settings: tuple[tuple[str, object], ...] = ()  # Scrapy setting overrides


@dataclass(frozen=True, slots=True, kw_only=True)
class CrawlSummary:
    """What a crawl pass did, for the CLI and the scheduler."""

    run_id: int
    status: str
    pages: int
    articles_new: int
    versions_new: int
    changes_new: int
    unchanged: int
    skipped_irrelevant: int
    errors: int
    warnings: int
    issues: tuple[str, ...]  # one line per failed or held page


def select_sources(config: AppConfig, request: CrawlRequest) -> list[SourceSpec]:
    """The source specs this pass crawls (ConfigError for an unknown name)."""
    if request.source_names:
        specs = [config.source(name).spec for name in request.source_names]
    elif request.urls:
        specs = []
    else:
        specs = [source.spec for source in config.sources]
    if not request.discover:
        specs = [replace(s, feeds=(), sitemaps=(), listing_pages=()) for s in specs]
    if request.urls:
        specs.append(
            SourceSpec(name=URLS_SOURCE, article_urls=request.urls, all_relevant=True)
        )
    return specs


def known_pages(
    session: Session, source_names: Sequence[str], *, due_before: datetime | None
) -> list[KnownPage]:
    """Stored articles of these sources (only those due for a re-check when ``due_before``)."""
    query = (
        select(
            Article.id,
            Article.canonical_url,
            Source.name,
            Article.raw_html_hash,
            Article.etag,
            Article.last_modified,
        )
        .join(Source)
        .where(Source.name.in_(list(source_names)), Article.is_relevant.is_(True))
    )
    if due_before is not None:
        query = query.where(
            Article.status == "active", Article.next_check_at <= due_before
        )
    rows = session.execute(query).all()
    aliases: dict[int, list[str]] = {}
    wanted = query.with_only_columns(Article.id).subquery()
    for article_id, url in session.execute(
        select(ArticleUrl.article_id, ArticleUrl.url).join(
            wanted, wanted.c.id == ArticleUrl.article_id
        )
    ).all():
        aliases.setdefault(article_id, []).append(url)
    return [
        KnownPage(
            url=url,
            source=source,
            raw_html_hash=raw_hash,
            etag=etag,
            last_modified=lm,
            aliases=tuple(a for a in aliases.get(article_id, ()) if a != url),
        )
        for article_id, url, source, raw_hash, etag, lm in rows
    ]


def due_urls(session: Session, source_names: Sequence[str], now: datetime) -> set[str]:
    """Canonical URLs of the stored articles of these sources whose re-check is due."""
    return set(
        session.scalars(
            select(Article.canonical_url)
            .join(Source)
            .where(
                Source.name.in_(list(source_names)),
                Article.is_relevant.is_(True),
                Article.status == "active",
                Article.next_check_at <= now,
            )
        )
    )


def alert_rules(config: AppConfig) -> AlertRules:
    """The alerting part of the config, as the recorder needs it."""
    return AlertRules(
        channels=configured_channels(config),
        alert_on_new=config.alert_on_new,
        alert_on_removed=config.alert_on_removed,
        policies={s.spec.name: s.alert_policy for s in config.sources},
    )


def scrapy_settings(
    config: AppConfig, db_url: str, run_id: int, request: CrawlRequest
) -> Settings:
    """The crawler's settings with the store pipeline and the user's crawl options."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set(
        "ITEM_PIPELINES", {"monitor.pipeline.StorePipeline": 800}, priority="project"
    )
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")  # our CLI logs
    settings.set("DEFWATCH_DB_URL", db_url, priority="cmdline")
    settings.set("DEFWATCH_RUN_ID", run_id, priority="cmdline")
    settings.set("DEFWATCH_ALERT_RULES", alert_rules(config), priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    settings.set("ROBOTSTXT_OBEY", config.obey_robots, priority="cmdline")
    settings.set("DOWNLOAD_TIMEOUT", config.download_timeout_s, priority="cmdline")
    settings.set(
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        config.concurrency_per_domain,
        priority="cmdline",
    )
    if config.user_agent:
        settings.set("USER_AGENT", config.user_agent, priority="cmdline")
    for name, value in request.settings:
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    config: AppConfig, db_url: str, request: CrawlRequest, run_id: int | None = None
) -> CrawlSummary:
    """Run one crawl pass in this process (once per process: Twisted's reactor cannot restart)."""
    collect_less_often()  # a daemon's crawl child does not start through the CLI's run()
    # the spider's imports and Scrapy's set-up make objects that last the whole run
    with starting():
        from crawler.relevance import (
            RelevanceLexicon,
        )  # imported late: keeps `defwatch --help` fast
        from crawler.spiders.news import NewsSpider

        engine = make_engine(db_url)
        ensure_schema(engine)
        factory = session_factory(engine)
        specs = select_sources(config, request)
        names = [s.name for s in specs]
        now = datetime.now(UTC)
        with session_scope(factory) as session:
            known = known_pages(session, names, due_before=None)
            due = due_urls(session, names, now) if request.recheck_due else set()
            recheck = [page for page in known if page.url in due]
            specs = with_learned_lines(session, specs)
        if run_id is None:
            run_id = start_run(factory, scope=",".join(names) or "nothing")
        lexicon = RelevanceLexicon.default().extended(config.relevance_terms)
        if config.relevance_threshold is not None:
            lexicon = replace(lexicon, threshold=config.relevance_threshold)
        # Scrapy's logging setup resets its loggers' levels: keep those the caller chose (-v/-q)
        levels = {name: logging.getLogger(name).level for name in SCRAPY_LOGGERS}
        disabled = logging.root.manager.disable
        wanted = logging.getLogger("scrapy").getEffectiveLevel()
        logging.disable(max(wanted - 1, disabled))  # its start-up banner too
        try:
            process = CrawlerProcess(scrapy_settings(config, db_url, run_id, request))
        finally:
            logging.disable(disabled)
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)
        _quiet_page_failures(logging.getLogger().getEffectiveLevel())
        crawler = process.create_crawler(NewsSpider)
        process.crawl(
            crawler, sources=specs, known=known, recheck=recheck, lexicon=lexicon
        )
    process.start()
    storage_error = crawler.stats.get_value(STORAGE_ERROR_STAT)
    if storage_error:
        _mark_failed(factory, run_id)
        raise StorageError(str(storage_error))
    relearn_quietly(factory, run_id)
    return summarise_run(factory, run_id)


def with_learned_lines(
    session: Session, specs: Sequence[SourceSpec]
) -> list[SourceSpec]:
    """The specs with each source's learned boilerplate lines, for the cleaner."""
    learned = learned_by_source(session, [s.name for s in specs])
    return [
        replace(s, learned_boilerplate=learned[s.name]) if s.name in learned else s
        for s in specs
    ]


def relearn_quietly(factory: sessionmaker[Session], run_id: int) -> None:
    """Relearn the boilerplate of the sources that stored new versions; a failure only logs."""
    try:
        relearn_after_run(factory, run_id)
    except OperationalError as exc:
        logger.warning(
            "learned boilerplate not updated after run %s: %s (defwatch boilerplate learn)",
            run_id,
            exc.orig,
        )


def _mark_failed(factory: sessionmaker[Session], run_id: int) -> None:
    """Best effort: the store that refused the pages may refuse this too."""
    try:
        close_run(factory, run_id, status="failed")
    except OperationalError as exc:
        logger.debug("run %s not marked failed: %s", run_id, exc.orig)


# Loggers that repeat, per failed page, what the run summary prints from the store (one line a
# page): Scrapy's retry give-up, robots.txt download tracebacks, size and data-loss warnings, and the
# spider's own "Fetch failed" line. Shown with -v; silenced otherwise.
_PER_PAGE_LOGGERS = (
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.httpcompression",
    "scrapy.core.downloader.handlers.http11",
)


def _not_a_page_failure(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Fetch failed")


def _quiet_page_failures(level: int) -> None:
    """Unless -v: one line per failed page, from the run summary (see _PER_PAGE_LOGGERS)."""
    if level > logging.INFO:
        for name in _PER_PAGE_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        spider_log = logging.getLogger("crawler.spiders.news")
        if _not_a_page_failure not in spider_log.filters:
            spider_log.addFilter(_not_a_page_failure)


def summarise_run(factory: sessionmaker[Session], run_id: int) -> CrawlSummary:
    """Close the run and read back what it did."""
    close_run(factory, run_id)
    with session_scope(factory) as session:
        run = session.get_one(CrawlRun, run_id)
        changes_new = session.scalar(
            select(func.count())
            .select_from(Change)
            .where(Change.run_id == run_id, Change.kind != "new")
        )
        issues = tuple(
            f"{i.severity}: {i.url}: {i.message}"
            for i in session.scalars(
                select(CrawlIssue)
                .where(CrawlIssue.run_id == run_id)
                .order_by(CrawlIssue.id)
            )
        )
        return CrawlSummary(
            run_id=run.id,
            status=run.status,
            pages=run.pages,
            articles_new=run.articles_new,
            versions_new=run.versions_new,
            changes_new=changes_new or 0,
            unchanged=run.unchanged,
            skipped_irrelevant=run.skipped_irrelevant,
            errors=run.errors,
            warnings=run.warnings,
            issues=issues,
        )


def _child_main(
    config: AppConfig, db_url: str, request: CrawlRequest, run_id: int, log_level: int
) -> None:
    configure_logging(log_level)
    run_crawl(config, db_url, request, run_id)


def run_crawl_in_child(
    config: AppConfig,
    db_url: str,
    request: CrawlRequest,
    timeout_s: float = 3600,
    *,
    stop: threading.Event | None = None,
    recover_open: bool = True,
    start_method: str = "spawn",
    factory: sessionmaker[Session] | None = None,
) -> CrawlSummary:
    """Run one crawl pass in a fresh child process and return its summary.

    ``start_method`` "spawn" starts a new interpreter per crawl; "forkserver" (the daemon) forks
    each crawl from a server process that imported Scrapy and the pipeline once and never crawls,
    so a crawl starts in milliseconds instead of seconds of imports, still in a clean process
    whose memory is returned when it ends.

    When ``stop`` is set while the child runs, the child gets SIGTERM (Scrapy stops gracefully;
    every item already fetched is recorded in its own transaction), then SIGKILL after
    ``STOP_GRACE_S``; the run is closed 'interrupted' and its summary returned.

    A caller that crawls many times passes its session ``factory``: an engine per crawl is not
    fully reclaimed by SQLAlchemy and a long-running daemon would grow.
    """
    if factory is not None:
        return _supervise(
            config,
            db_url,
            request,
            factory,
            timeout_s,
            stop,
            recover_open,
            start_method,
        )
    engine = make_engine(db_url)
    ensure_schema(engine)
    try:
        return _supervise(
            config,
            db_url,
            request,
            session_factory(engine),
            timeout_s,
            stop,
            recover_open,
            start_method,
        )
    finally:
        engine.dispose()


def _supervise(
    config: AppConfig,
    db_url: str,
    request: CrawlRequest,
    factory: sessionmaker[Session],
    timeout_s: float,
    stop: threading.Event | None,
    recover_open: bool,
    start_method: str,
) -> CrawlSummary:
    """Start the crawl child, wait for it (or stop it), close its run and sum it up."""
    scope = ",".join(s.name for s in select_sources(config, request)) or "nothing"
    run_id = start_run(factory, scope=scope, recover_open=recover_open)
    child = _child_context(start_method).Process(
        target=_child_main,
        args=(config, db_url, request, run_id, logging.getLogger().getEffectiveLevel()),
    )
    child.start()
    deadline = time.monotonic() + timeout_s
    while child.is_alive() and time.monotonic() < deadline:
        if stop is not None and stop.is_set():
            _stop_child(child)
            child.close()
            _close_unfinished(factory, run_id, "interrupted")
            return summarise_run(factory, run_id)
        child.join(min(CHILD_POLL_S, max(0.0, deadline - time.monotonic())))
    if child.is_alive():
        _stop_child(child)
        close_run(factory, run_id, status="failed")
        raise CrawlFailedError(
            f"crawl timed out after {timeout_s:.0f}s and was stopped"
        )
    exitcode = child.exitcode
    child.close()  # frees its pipe and sentinel now, not at garbage collection
    stopped = stop is not None and stop.is_set()  # e.g. systemd signalled the child too
    if exitcode != 0:
        _close_unfinished(factory, run_id, "interrupted" if stopped else "failed")
        if not stopped:
            raise CrawlFailedError(f"crawl process exited with code {exitcode}")
    return summarise_run(factory, run_id)


def _child_context(start_method: str) -> SpawnContext | ForkServerContext:
    if start_method == "forkserver":
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(CHILD_PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def _close_unfinished(factory: sessionmaker[Session], run_id: int, status: str) -> None:
    """Close the run with ``status`` unless the child finished it (a stop can come just after)."""
    with session_scope(factory) as session:
        finished = session.get_one(CrawlRun, run_id).finished_at is not None
    if not finished:
        close_run(factory, run_id, status=status)


def _stop_child(child: BaseProcess) -> None:
    """SIGTERM (Scrapy's graceful stop), SIGKILL if it has not ended after the grace time."""
    child.terminate()
    child.join(STOP_GRACE_S)
    if child.is_alive():
        logger.warning("crawl child pid=%s ignored SIGTERM; killing it", child.pid)
        child.kill()
        child.join()
