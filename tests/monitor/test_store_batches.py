"""The store pipeline records fetches in batches: by count, and by the bytes of their pages.

Recording many new articles together is cheaper (fewer statements and commits); the bytes bound
how much of the crawl waits in memory when pages are large.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from monitor import pipeline as store_pipeline
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.ingest import AlertRules
from monitor.models import Article
from monitor.pipeline import BATCH_MAX_BYTES, BATCH_SIZE, StorePipeline
from tests.items import article_item


@pytest.fixture(autouse=True)
def _no_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches go by count and bytes here, however slow the machine."""
    monkeypatch.setattr(store_pipeline, "BATCH_WAIT_S", 3600.0)


def _pipeline(url: str) -> tuple[StorePipeline, object]:
    engine = make_engine(url)
    ensure_schema(engine)
    factory = session_factory(engine)
    pipeline = StorePipeline(factory, AlertRules(), run_id=None)
    pipeline.open_spider()
    return pipeline, factory


def _stored(factory) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(Article))


def _url(n: int) -> str:
    return f"https://news.example.com/news/article/{n}/frigate-trials"


def test_a_full_batch_is_recorded_at_once_and_the_rest_when_the_crawl_ends(
    sqlite_db: str,
) -> None:
    pipeline, factory = _pipeline(sqlite_db)
    for n in range(BATCH_SIZE - 1):
        pipeline.process_item(article_item(_url(n)))
    assert _stored(factory) == 0
    pipeline.process_item(article_item(_url(BATCH_SIZE)))
    assert _stored(factory) == BATCH_SIZE
    pipeline.process_item(article_item(_url(BATCH_SIZE + 1)))
    pipeline.close_spider()
    assert _stored(factory) == BATCH_SIZE + 1


def test_large_pages_are_recorded_before_they_fill_a_batch(sqlite_db: str) -> None:
    pipeline, factory = _pipeline(sqlite_db)
    page = b"<html><p>" + b"x" * (BATCH_MAX_BYTES // 4) + b"</p></html>"
    for n in range(3):
        pipeline.process_item(article_item(_url(n), raw=page))
    assert _stored(factory) == 0  # three quarters of the bytes: still waiting
    pipeline.process_item(article_item(_url(3), raw=page))
    assert _stored(factory) == 4
    pipeline.close_spider()
