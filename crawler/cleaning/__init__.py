"""Turn an article page (HTML) or text copied off a page into a clean article.

Public API::

    clean_html(html, url=None, *, encoding=None, rules=None, learned_boilerplate=frozenset())
        -> CleanArticle
    clean_text(text, *, rules=None, learned_boilerplate=frozenset()) -> CleanArticle
    load_rules(extra_dirs=()) -> RuleSet       packaged rules + *.toml files of user folders
    learn_boilerplate(docs, *, min_docs=5, min_share=0.3) -> frozenset[str]
    CLEANER_VERSION

Errors: RuleError (a CrawlerError) when a rule file is invalid. Cleaning itself never raises on
bad input: it returns a CleanArticle with ``failure`` set.
"""

from __future__ import annotations

from crawler.cleaning.article import CLEANER_VERSION, CleanArticle
from crawler.cleaning.extract import clean_html
from crawler.cleaning.learn import learn_boilerplate
from crawler.cleaning.plaintext import clean_text
from crawler.cleaning.rules import RuleError, RuleSet, load_rules

__all__ = [
    "CLEANER_VERSION",
    "CleanArticle",
    "RuleError",
    "RuleSet",
    "clean_html",
    "clean_text",
    "learn_boilerplate",
    "load_rules",
]
