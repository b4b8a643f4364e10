"""Turn an article page (HTML) or text copied off a page into a clean article.

Public API::

    clean_html(html, url=None) -> CleanArticle
    clean_text(text) -> CleanArticle
    CLEANER_VERSION
"""

from __future__ import annotations

from crawler.cleaning.article import CLEANER_VERSION, CleanArticle
from crawler.cleaning.extract import clean_html
from crawler.cleaning.plaintext import clean_text

__all__ = ["CLEANER_VERSION", "CleanArticle", "clean_html", "clean_text"]
