"""Plain text copied off a page to CleanArticle (first, minimal version)."""

from __future__ import annotations

from crawler.cleaning.article import CleanArticle


def clean_text(text: str) -> CleanArticle:
    """Clean text a reader copied off an article page."""
    blocks = [" ".join(b.split()) for b in text.split("\n\n")]
    blocks = [b for b in blocks if b]
    if not blocks:
        return CleanArticle(failure="empty text")
    return CleanArticle(
        title=blocks[0], body=tuple(blocks[1:]), body_kinds=("p",) * (len(blocks) - 1)
    )
