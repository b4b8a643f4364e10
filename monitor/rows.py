"""The column values of the rows a fetch writes: one article, one version, one change.

Both write paths build their rows here: the one-item path of ``monitor.ingest`` and the batched
first-fetch path of ``monitor.bulk``, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawler.cleaning import CLEANER_VERSION
from crawler.items import ArticleItem
from monitor.diffing import ArticleContent, ChangeReport, fingerprint
from monitor.schedule import next_check_at
from monitor.store import compress

Row = dict[str, Any]


def next_check(
    first_seen_at: datetime, published_at: str | None, is_relevant: bool, now: datetime
) -> datetime | None:
    """When a stored article is checked next: from its age (first seen, or published if
    earlier); None for an article that is not monitored or too old to re-check."""
    if not is_relevant:
        return None
    born = first_seen_at if first_seen_at.tzinfo else first_seen_at.replace(tzinfo=UTC)
    if published_at:
        try:
            published = datetime.fromisoformat(published_at)
        except ValueError:
            published = None
        if published is not None and published.tzinfo is not None:
            born = min(born, published)
    return next_check_at(born, now)


def article_row(item: ArticleItem, source_id: int, *, monitored: bool) -> Row:
    """A new article first fetched as ``item``; a monitored one gets version 1 beside it."""
    now = item.fetched_at
    return {
        "source_id": source_id,
        "canonical_url": item.canonical_url,
        "title": item.article.title,
        "status": "active",
        "first_seen_at": now,
        "last_checked_at": now,
        "next_check_at": next_check(now, item.article.published_at, monitored, now),
        "published_at": item.article.published_at,
        "relevance": item.relevance,
        "relevance_terms": list(item.relevance_terms),
        "is_relevant": item.is_relevant,
        "version_count": 1 if monitored else 0,
        "etag": item.etag,
        "last_modified": item.last_modified,
        "raw_html_hash": item.raw_html_hash,
        "held_failures": 0,
    }


def url_rows(article_id: int, item: ArticleItem) -> list[Row]:
    """The URLs a new article was reached by (canonical, as fetched, as requested)."""
    urls = dict.fromkeys((item.canonical_url, item.url, item.requested_url))
    return [{"article_id": article_id, "url": url} for url in urls if url]


def version_row(
    article_id: int,
    item: ArticleItem,
    content: ArticleContent,
    number: int,
    body_ids: list[int],
) -> Row:
    """Version ``number`` of an article: its content, the raw page and the cleaner that read it."""
    return {
        "article_id": article_id,
        "number": number,
        "fetched_at": item.fetched_at,
        "url": item.url,
        "content_hash": fingerprint(content),
        "title": content.title,
        "standfirst": list(content.standfirst),
        "authors": list(content.authors),
        "body_ids": body_ids,
        "body_kinds": list(item.article.body_kinds),
        "captions": list(item.article.captions),
        "published_at": item.article.published_at,
        "modified_at": item.article.modified_at,
        "http_status": item.http_status,
        "raw_html_hash": item.raw_html_hash,
        "raw_html_z": compress(item.raw_html),
        "cleaner_version": CLEANER_VERSION,
    }


def change_row(
    *,
    run_id: int,
    article_id: int,
    old_version_id: int | None,
    new_version_id: int | None,
    kind: str,
    summary: str,
    report: ChangeReport | None,
    alert: bool,
    event_key: str,
    now: datetime,
) -> Row:
    """A change (an edit, a new article, a removal...) found by crawl run ``run_id``."""
    return {
        "article_id": article_id,
        "event_key": event_key,
        "run_id": run_id,
        "from_version_id": old_version_id,
        "to_version_id": new_version_id,
        "kind": kind,
        "kinds": list(report.kinds) if report else [kind],
        "summary": summary,
        "significance": report.significance if report else 0.0,
        "words_added": report.words_added if report else 0,
        "words_removed": report.words_removed if report else 0,
        "report": report.to_dict() if report else {},
        "is_alerted": alert,
        "detected_at": now,
    }
