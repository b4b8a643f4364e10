"""Fixtures shared by the whole suite: a fresh SQLite store and crawler items to record in it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.items import ArticleItem
from tests.items import article_item

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    """The URL of an empty SQLite store in a temporary folder."""
    return f"sqlite:///{tmp_path / 'defwatch.sqlite3'}"


ItemFactory = Callable[..., ArticleItem]


@pytest.fixture
def make_item() -> ItemFactory:
    """Build an ArticleItem as the spider would, from plain article fields (tests.items)."""

    return article_item
