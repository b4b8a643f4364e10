"""Crawler items for tests: what the spider yields for a fetched article page."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from crawler.cleaning import CleanArticle
from crawler.items import ArticleItem


def article_item(
    url: str = "https://news.example.com/news/article/1/carrier-drills",
    *,
    title: str = "Carrier group drills in Western Pacific",
    body: tuple[str, ...] = (
        "A Chinese aircraft carrier group carried out flight drills in the Western Pacific.",
        "Japan dispatched a destroyer to monitor the group, the defence ministry said.",
    ),
    standfirst: tuple[str, ...] = ("Japan tracks the warships",),
    authors: tuple[str, ...] = ("Minnie Chan",),
    source: str = "example",
    failure: str | None = None,
    relevant: bool = True,
    fetched_at: datetime | None = None,
    requested_url: str | None = None,
    canonical_url: str | None = None,
    raw: bytes | None = None,
    modified_at: str | None = None,
    relevance_terms: tuple[str, ...] = ("destroyer",),
) -> ArticleItem:
    """An ArticleItem as the spider yields it for a cleaned page, from plain article fields."""
    article = CleanArticle(
        title=title,
        standfirst=standfirst,
        body=body,
        body_kinds=("p",) * len(body),
        authors=authors,
        failure=failure,
        modified_at=modified_at,
    )
    raw_html = (
        raw
        if raw is not None
        else ("<html>" + title + "".join(body) + "</html>").encode()
    )
    return ArticleItem(
        source=source,
        url=url,
        requested_url=requested_url or url,
        canonical_url=canonical_url or url,
        http_status=200,
        fetched_at=fetched_at or datetime.now(UTC),
        raw_html=raw_html,
        raw_html_hash=hashlib.sha256(raw_html).hexdigest(),
        encoding="utf-8",
        etag=None,
        last_modified=None,
        article=article,
        relevance=0.9 if relevant else 0.0,
        relevance_terms=relevance_terms if relevant else (),
        is_relevant=relevant,
    )
