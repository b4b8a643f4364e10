"""Distributed crawling for real: Redis queue, two worker processes, one PostgreSQL store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.db import make_engine, session_factory, session_scope
from monitor.models import Article, Change, CrawlRun, Delivery, Version
from tests.db.distributed_run import enqueue, run_workers
from tests.db.loopback_site import serve_site
from tests.services import fresh_postgres_database

ARTICLES = 500


@dataclass(frozen=True)
class Stored:
    """What a crawl left in the store, independent of ids and timings."""

    articles: int
    versions: set[tuple[str, int, str]]  # (canonical URL, number, content hash)
    change_keys: list[str]
    deliveries: list[tuple[int, str]]  # (change id, channel)
    pages_per_worker: list[int]


def stored(db_url: str) -> Stored:
    engine = make_engine(db_url)
    try:
        with session_scope(session_factory(engine)) as session:
            return Stored(
                articles=session.scalar(select(func.count()).select_from(Article)) or 0,
                versions={
                    (url, number, digest)
                    for url, number, digest in session.execute(
                        select(
                            Article.canonical_url, Version.number, Version.content_hash
                        ).join(Version, Version.article_id == Article.id)
                    )
                },
                change_keys=list(session.scalars(select(Change.event_key))),
                deliveries=[
                    (change, channel)
                    for change, channel in session.execute(
                        select(Delivery.change_id, Delivery.channel)
                    )
                ],
                pages_per_worker=list(
                    session.scalars(select(CrawlRun.pages).order_by(CrawlRun.id))
                ),
            )
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.services
def test_two_workers_fetch_every_page_once_and_store_what_one_worker_stores(
    tmp_path: Path, pg_url: str, redis_prefix: tuple[str, str]
) -> None:
    redis_url, prefix = redis_prefix
    # pages answer in 100 ms, four at a time per worker: one worker alone needs longer than the
    # 5 s an idle worker may take to look at the shared queue again (Scrapy's heartbeat)
    with serve_site(ARTICLES, latency_s=0.1) as site:
        config = site.write_config(tmp_path, concurrency=4)
        assert "2 work messages" in enqueue(config, pg_url, redis_url, prefix)
        run = run_workers(2, config, pg_url, redis_url, prefix)
        assert run.returncodes == (0, 0), run.failures()
        hits = site.counted()
        logs = "\n".join(
            line
            for out in run.outputs
            for line in out.splitlines()
            if "retry" in line.lower() or "error" in line.lower()
        )
        two = stored(pg_url)

        # every page was fetched exactly once, although both discovery pages list every article
        assert set(site.article_paths()) <= set(hits)
        assert {path: n for path, n in hits.items() if n != 1} == {}, logs
        assert hits["/sitemap.xml"] == hits["/news/"] == 1
        # both workers crawled, and together they recorded each article once
        assert len(two.pages_per_worker) == 2 and min(two.pages_per_worker) > 0
        assert sum(two.pages_per_worker) == ARTICLES
        assert two.articles == len(two.versions) == ARTICLES
        assert len(two.change_keys) == len(set(two.change_keys)) == ARTICLES
        assert all(re.fullmatch(r"new:\d+", key) for key in two.change_keys)
        assert len(two.deliveries) == len(set(two.deliveries)) == ARTICLES

        # one worker on the same site stores the same thing
        with fresh_postgres_database() as single_url:
            single_prefix = f"{prefix}-single"
            enqueue(config, single_url, redis_url, single_prefix)
            single = run_workers(1, config, single_url, redis_url, single_prefix)
            assert single.returncodes == (0,), single.failures()
            one = stored(single_url)
    assert one.versions == two.versions
    assert (one.articles, len(one.change_keys), len(one.deliveries)) == (
        two.articles,
        len(two.change_keys),
        len(two.deliveries),
    )
