"""The seed article must come out exactly as its expected JSON says, from text and from HTML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.cleaning import CleanArticle, clean_html, clean_text

SEED = "scmp-japan-defence-white-paper"
SEED_URL = (
    "https://www.scmp.com/week-asia/politics/article/3186752/"
    "japan-outlines-concerns-over-increased-china-russia-cooperation-amid-ukraine-war"
)


def assert_matches_seed(article: CleanArticle, expected: dict[str, Any]) -> None:
    assert article.failure is None
    assert article.title == expected["title"]
    assert list(article.standfirst) == expected["standfirst"]
    assert list(article.body) == expected["body"]
    assert list(article.captions) == expected["captions"]
    everything = [article.title, *article.standfirst, *article.body, *article.captions]
    for line in expected["removed_boilerplate"]:
        assert line not in everything


def test_seed_from_text_is_exact(shared: Path) -> None:
    text = (shared / "seeds" / f"{SEED}.txt").read_text("utf-8")
    expected = json.loads(
        (shared / "seeds" / f"{SEED}.expected.json").read_text("utf-8")
    )
    assert_matches_seed(clean_text(text), expected)


def test_committed_expectation_is_the_shared_one(
    shared: Path, seed_expected: dict[str, Any]
) -> None:
    shared_copy = json.loads(
        (shared / "seeds" / f"{SEED}.expected.json").read_text("utf-8")
    )
    assert seed_expected == shared_copy


@pytest.mark.parametrize(
    "url", [SEED_URL, None], ids=["with-site-rules", "generic-rules"]
)
def test_seed_from_html_is_exact(
    seed_html: bytes, seed_expected: dict[str, Any], url: str | None
) -> None:
    assert_matches_seed(clean_html(seed_html, url), seed_expected)


def test_seed_html_metadata(seed_html: bytes) -> None:
    article = clean_html(seed_html, SEED_URL)
    assert article.authors == ("Julian Ryall",)
    assert article.published_at == "2022-07-22T11:00:12+08:00"
    assert article.modified_at == "2022-07-22T16:45:03+08:00"
    assert article.language == "en-GB"
    assert article.site_name == "South China Morning Post"
    assert article.canonical_url == SEED_URL
    assert set(article.body_kinds) == {"p"}


def test_seed_html_as_text_and_as_str_agree(seed_html: bytes) -> None:
    assert clean_html(seed_html) == clean_html(seed_html.decode("utf-8"))
