"""Fixtures of the fault suite: read a crawl's store directly (no extra CLI start per check)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from monitor.db import make_engine, session_factory, session_scope
from monitor.models import Article, Change, CrawlIssue
from monitor.store import body_of, find_article_by_urls, versions_of

# Test crawls: no AutoThrottle, short timeouts, no retries, a 1 MB body limit.
FAST = [
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "DOWNLOAD_TIMEOUT=2",
    "-s",
    "RETRY_TIMES=0",
    "-s",
    "DOWNLOAD_MAXSIZE=1000000",
    "-s",
    "DOWNLOAD_WARNSIZE=0",
]


@pytest.fixture(autouse=True)
def _restore_logger_levels() -> Iterator[None]:
    """The CLI run in-process (CliRunner) sets logger levels; later tests must not inherit them."""
    before = {
        name: logging.getLogger(name).level for name in logging.root.manager.loggerDict
    }
    root_level = logging.getLogger().level
    yield
    for name in list(logging.root.manager.loggerDict):
        logging.getLogger(name).setLevel(before.get(name, logging.NOTSET))
    logging.getLogger().setLevel(root_level)


@dataclass(frozen=True, slots=True)
class StoredVersion:
    number: int
    title: str
    body: tuple[str, ...]


def stored_versions(db: str, url: str) -> list[StoredVersion]:
    """The versions stored for the article fetched from ``url`` ([] when unknown)."""
    engine = make_engine(db, read_only=True)
    try:
        with session_scope(session_factory(engine)) as session:
            article = find_article_by_urls(session, [url])
            if article is None:
                return []
            return [
                StoredVersion(v.number, v.title, tuple(body_of(session, v)))
                for v in versions_of(session, article.id)
            ]
    finally:
        engine.dispose()


def change_kinds(db: str, url: str) -> list[str]:
    """The kinds of the changes of the article at ``url``, oldest first."""
    engine = make_engine(db, read_only=True)
    try:
        with session_scope(session_factory(engine)) as session:
            article = find_article_by_urls(session, [url])
            assert article is not None, url
            return list(
                session.scalars(
                    select(Change.kind)
                    .where(Change.article_id == article.id)
                    .order_by(Change.id)
                )
            )
    finally:
        engine.dispose()


def issues(db: str) -> list[tuple[str, str, str]]:
    """(severity, url, message) of every crawl issue recorded."""
    engine = make_engine(db, read_only=True)
    try:
        with session_scope(session_factory(engine)) as session:
            return [
                (i.severity, i.url, i.message)
                for i in session.scalars(select(CrawlIssue).order_by(CrawlIssue.id))
            ]
    finally:
        engine.dispose()


def article_count(db: str) -> int:
    engine = make_engine(db, read_only=True)
    try:
        with session_scope(session_factory(engine)) as session:
            return len(list(session.scalars(select(Article.id))))
    finally:
        engine.dispose()
