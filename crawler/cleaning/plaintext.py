"""Plain text copied off a page to CleanArticle (placeholder until the real cleaner lands)."""

from __future__ import annotations

from crawler.cleaning.article import CleanArticle


def clean_text(text: str) -> CleanArticle:
    """Clean text a reader copied off an article page."""
    raise NotImplementedError
