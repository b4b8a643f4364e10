"""Fixtures for the monitor tests."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.diffing import ArticleContent

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "monitor"


@pytest.fixture
def kharkiv() -> ArticleContent:
    """A realistic defence-news article: title, standfirst, two authors, ten paragraphs."""
    blocks = (
        (FIXTURES / "diffing_article.txt")
        .read_text(encoding="utf-8")
        .strip()
        .split("\n\n")
    )
    return ArticleContent(
        title=blocks[0],
        standfirst=(blocks[1],),
        authors=("Anna Kovalenko", "Tom Briggs"),
        body=tuple(blocks[2:]),
        modified_at="2024-05-14T08:00:00Z",
    )


def _synthetic_body(
    paragraphs: int, words_per_paragraph: int, seed: int = 7
) -> tuple[str, ...]:
    """Distinct news-like paragraphs (words drawn from the fixture article), deterministic."""
    text = (FIXTURES / "diffing_article.txt").read_text(encoding="utf-8")
    vocabulary = sorted(set(text.split()))
    rng = random.Random(seed)
    return tuple(
        " ".join(rng.choice(vocabulary) for _ in range(words_per_paragraph)) + "."
        for _ in range(paragraphs)
    )


@pytest.fixture
def long_article() -> ArticleContent:
    """About 1,500 words in 40 paragraphs."""
    return ArticleContent(
        title="Pentagon outlines long-range fires budget",
        body=_synthetic_body(40, 37),
    )


@pytest.fixture
def synthetic_body() -> Callable[[int, int], tuple[str, ...]]:
    """Make ``paragraphs`` distinct paragraphs of ``words_per_paragraph`` words."""
    return _synthetic_body
