"""Distributed crawling for real: Redis queue, two worker processes, one PostgreSQL store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.db import make_engine, session_factory, session_scope
from monitor.models import Article, Change, CrawlRun, Delivery, Version
from tests.db.distributed_run import enqueue, run_workers
from tests.db.loopback_site import serve_site
from tests.services import fresh_postgres_database

ARTICLES = 500


def stored(db_url: str) -> dict[str, object]:
    """What a crawl left in the store, independent of ids and timings."""
    engine = make_engine(db_url)
    try:
        with session_scope(session_factory(engine)) as session:
            versions = set(
                session.execute(
                    select(
                        Article.canonical_url, Version.number, Version.content_hash
                    ).join(Version, Version.article_id == Article.id)
                ).tuples()
            )
            changes = list(session.scalars(select(Change.event_key)))
            deliveries = list(
                session.execute(select(Delivery.change_id, Delivery.channel)).tuples()
            )
            pages = list(session.scalars(select(CrawlRun.pages).order_by(CrawlRun.id)))
            articles = session.scalar(select(func.count()).select_from(Article))
    finally:
        engine.dispose()
    return {
        "articles": articles,
        "versions": versions,
        "changes": changes,
        "deliveries": deliveries,
        "pages_per_worker": pages,
    }


@pytest.mark.slow
@pytest.mark.services
def test_two_workers_fetch_every_page_once_and_store_what_one_worker_stores(
    tmp_path: Path, pg_url: str, redis_prefix: tuple[str, str]
) -> None:
    redis_url, prefix = redis_prefix
    with serve_site(ARTICLES) as site:
        config = site.write_config(tmp_path)
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
        pages_per_worker = two["pages_per_worker"]
        assert isinstance(pages_per_worker, list)
        assert len(pages_per_worker) == 2 and min(pages_per_worker) > 0
        assert sum(pages_per_worker) == ARTICLES
        assert two["articles"] == ARTICLES
        changes, deliveries = two["changes"], two["deliveries"]
        assert isinstance(changes, list) and isinstance(deliveries, list)
        assert len(changes) == len(set(changes)) == ARTICLES
        assert len(deliveries) == len(set(deliveries)) == ARTICLES

        # one worker on the same site stores the same thing
        with fresh_postgres_database() as single_url:
            single_prefix = f"{prefix}-single"
            enqueue(config, single_url, redis_url, single_prefix)
            single = run_workers(1, config, single_url, redis_url, single_prefix)
            assert single.returncodes == (0,), single.failures()
            one = stored(single_url)
    assert one["versions"] == two["versions"]
    assert one["articles"] == two["articles"]
    assert len(one["changes"]) == len(changes)  # type: ignore[arg-type]
    assert all(re.fullmatch(r"new:\d+", key) for key in changes)
