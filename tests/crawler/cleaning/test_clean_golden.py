"""Saved pages with their expected cleaned text (golden files) and must/must-not snippets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cleaning import clean_html

PAGES = sorted(
    p.name.removesuffix(".html")
    for p in (
        Path(__file__).resolve().parents[2] / "fixtures" / "crawler" / "pages"
    ).glob("*.html")
)


@pytest.mark.parametrize("name", PAGES)
def test_golden_page(pages_dir: Path, name: str) -> None:
    expected = json.loads((pages_dir / f"{name}.expected.json").read_text("utf-8"))
    article = clean_html(
        (pages_dir / f"{name}.html").read_bytes(), "https://example.org/article"
    )
    assert article.failure == expected["failure"]
    if expected["failure"] is None:
        assert article.title == expected["title"]
        assert list(article.standfirst) == expected["standfirst"]
        assert list(article.authors) == expected["authors"]
        assert list(article.body) == expected["body"]
        assert list(article.body_kinds) == expected["body_kinds"]
    text = article.text
    for snippet in expected["must_contain"]:
        assert snippet in text
    for snippet in expected["must_not_contain"]:
        assert snippet not in text


def test_teaser_jsonld_does_not_replace_the_page_text(pages_dir: Path) -> None:
    article = clean_html((pages_dir / "teaser_jsonld.html").read_bytes())
    assert len(article.body) == 4
    assert not any(p.endswith("...") for p in article.body)


def test_structure_survives_as_kinds(pages_dir: Path) -> None:
    article = clean_html((pages_dir / "structure.html").read_bytes())
    kinds = dict(zip(article.body, article.body_kinds, strict=True))
    assert kinds["Where the money goes"] == "h2"
    assert kinds["What happens next"] == "h3"
    assert kinds["Uncrewed aircraft and boats"] == "li"
    assert (
        kinds["“A review without the money to match is a wish list, not a plan.”"]
        == "blockquote"
    )


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("consent_wall", "consent wall"),
        ("paywall_stub", "paywall stub"),
        ("error_page", "error page"),
    ],
)
def test_walls_and_stubs_are_failures(pages_dir: Path, name: str, reason: str) -> None:
    article = clean_html((pages_dir / f"{name}.html").read_bytes())
    assert article.is_failure
    assert article.failure == reason
