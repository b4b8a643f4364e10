"""HTML to CleanArticle (first, minimal version: replaced by the full cleaner)."""

from __future__ import annotations

import lxml.html

from crawler.cleaning.article import CleanArticle


def clean_html(html: str | bytes, url: str | None = None) -> CleanArticle:
    """Extract the article from an HTML page."""
    if not html.strip():
        return CleanArticle(failure="empty page")
    doc = lxml.html.document_fromstring(html)
    title = " ".join(doc.xpath("string(//h1)").split()) or " ".join(
        doc.xpath("string(//title)").split()
    )
    root = (doc.xpath("//article") or [doc])[0]
    paragraphs = tuple(
        text for p in root.iter("p") if (text := " ".join(p.text_content().split()))
    )
    if not paragraphs:
        return CleanArticle(title=title, failure="no article text found")
    return CleanArticle(
        title=title, body=paragraphs, body_kinds=("p",) * len(paragraphs)
    )
