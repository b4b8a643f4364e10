"""Fixtures shared by the whole suite: a fresh SQLite store and crawler items to record in it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.cleaning import CleanArticle
from crawler.items import ArticleItem

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    """The URL of an empty SQLite store in a temporary folder."""
    return f"sqlite:///{tmp_path / 'defwatch.sqlite3'}"


ItemFactory = Callable[..., ArticleItem]


@pytest.fixture
def make_item() -> ItemFactory:
    """Build an ArticleItem as the spider would, from plain article fields."""

    def build(
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
    ) -> ArticleItem:
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
            relevance_terms=("destroyer",) if relevant else (),
            is_relevant=relevant,
        )

    return build
