"""HTML to CleanArticle (placeholder until the real cleaner lands)."""

from __future__ import annotations

from crawler.cleaning.article import CleanArticle


def clean_html(html: str | bytes, url: str | None = None) -> CleanArticle:
    """Extract the article from an HTML page."""
    raise NotImplementedError
