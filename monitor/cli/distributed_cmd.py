"""``defwatch enqueue`` and ``defwatch worker``: crawling with many workers over Redis.

One host runs ``defwatch enqueue`` on a schedule (cron); any number of hosts run
``defwatch worker``. All share one PostgreSQL store (``--db``/``DEFWATCH_DB``) and one Redis
(``--redis``/``DEFWATCH_REDIS``). See monitor.distributed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from monitor.cli.context import AppContext
from monitor.cli.crawl_cmd import (
    EXIT_PARTIAL,
    chatty_output,
    parse_override,
    print_summary,
)
from monitor.cli.options import scrapy_settings_option
from monitor.crawl import CrawlRequest
from monitor.distributed import DEFAULT_PREFIX, QueueKeys
from monitor.errors import ConfigError, StorageError

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_IDLE_TIMEOUT_S = 300.0

redis_option = click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help=f"Redis URL (or DEFWATCH_REDIS; default {DEFAULT_REDIS_URL}).",
)
queue_option = click.option(
    "--queue",
    "prefix",
    default=DEFAULT_PREFIX,
    show_default=True,
    metavar="NAME",
    help="Prefix of the Redis keys (one per deployment sharing a Redis).",
)


def _redis_url(app: AppContext, option: str | None) -> str:
    return option or app.environ.get("DEFWATCH_REDIS") or DEFAULT_REDIS_URL


def _connect(url: str) -> object:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise StorageError(f"cannot reach Redis at {url}: {exc}") from exc
    return client


@click.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Only this source (repeatable).",
)
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="URL",
    help="Also fetch this article URL (repeatable).",
)
@click.option(
    "--no-discover",
    is_flag=True,
    help="Only due re-checks and URLs; no feeds or listings.",
)
@click.option(
    "--no-recheck", is_flag=True, help="Skip the re-checks of known articles."
)
@redis_option
@queue_option
@click.pass_obj
def enqueue(
    app: AppContext,
    sources: tuple[str, ...],
    urls: tuple[str, ...],
    no_discover: bool,
    no_recheck: bool,
    redis_url: str | None,
    prefix: str,
) -> None:
    """Push one round of work (due re-checks, feeds, sitemaps, listings) for the workers."""
    from monitor.distributed.rounds import enqueue_round

    if not urls and not app.config.sources:
        raise ConfigError(
            "nothing to enqueue: give --url or add [[sources]] to the config"
        )
    url = _redis_url(app, redis_url)
    request = CrawlRequest(
        source_names=sources,
        urls=urls,
        discover=not no_discover,
        recheck_due=not no_recheck,
    )
    summary = enqueue_round(
        app.config,
        app.db_url,
        _connect(url),
        QueueKeys(prefix),
        request,
        datetime.now(UTC),
    )
    click.echo(
        f"queued {summary.pushed} work messages ({summary.rechecks} re-checks, "
        f"{summary.discovery} discovery pages and watched URLs) on {url} [{prefix}]; "
        + ("new round" if summary.new_round else "added to the round in progress")
    )


@click.command()
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_IDLE_TIMEOUT_S,
    show_default=True,
    metavar="SECONDS",
    help="Stop once the queue stayed empty this long (0: never stop).",
)
@scrapy_settings_option
@redis_option
@queue_option
@click.pass_obj
def worker(
    app: AppContext,
    idle_timeout: float,
    overrides: tuple[str, ...],
    redis_url: str | None,
    prefix: str,
) -> None:
    """Crawl from the shared queue into the store until the queue stays empty."""
    from monitor.distributed.worker import run_worker

    url = _redis_url(app, redis_url)
    _connect(url)
    summary = run_worker(
        app.config,
        app.db_url,
        url,
        keys=QueueKeys(prefix),
        idle_timeout_s=idle_timeout,
        overrides=tuple(parse_override(o) for o in overrides),
    )
    print_summary(summary, chatty_output())
    if summary.errors:
        raise SystemExit(EXIT_PARTIAL)
