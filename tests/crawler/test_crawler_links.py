"""Which links a source follows: domains, article patterns, deny patterns, listed vs linked."""

from __future__ import annotations

import pytest

from crawler.errors import SourceConfigError
from crawler.links import LinkRules
from crawler.sources import SourceSpec


def test_default_domains_are_the_hosts_of_the_source_urls() -> None:
    rules = LinkRules.for_source(
        SourceSpec(
            name="s", feeds=("https://www.defensenews.com/arc/outboundfeeds/rss/",)
        )
    )
    assert rules.follows("https://www.defensenews.com/air/2024/05/12/new-jet-flies/")
    assert not rules.follows("https://www.othernews.com/air/2024/05/12/new-jet-flies/")


def test_allowed_domains_include_subdomains() -> None:
    rules = LinkRules.for_source(
        SourceSpec(
            name="s",
            feeds=("https://feeds.example.com/rss",),
            allowed_domains=("example.com",),
        )
    )
    assert rules.follows("https://www.example.com/news/navy-launches-new-frigate")


def test_article_patterns_decide_when_given() -> None:
    spec = SourceSpec(
        name="scmp",
        listing_pages=("https://www.scmp.com/topics/military",),
        article_patterns=(r"/article/\d+/",),
        deny_patterns=(r"/video/",),
    )
    rules = LinkRules.for_source(spec)
    assert rules.follows("https://www.scmp.com/news/china/military/article/3245678/pla")
    assert not rules.follows(
        "https://www.scmp.com/news/china/military-news-long-slug-here"
    )
    assert not rules.follows("https://www.scmp.com/video/china/article/3245679/clip")


def test_listed_urls_only_need_to_avoid_exclusions() -> None:
    rules = LinkRules.for_source(
        SourceSpec(name="s", feeds=("https://news.example.com/rss",))
    )
    short = "https://news.example.com/ships"  # no slug, date or id: not article-like
    assert rules.follows(short, listed=True)
    assert not rules.follows(short)
    assert not rules.follows("https://news.example.com/tag/ships", listed=True)


def test_invalid_pattern_names_the_source_and_field() -> None:
    spec = SourceSpec(
        name="bad", feeds=("https://x.example/rss",), deny_patterns=("([",)
    )
    with pytest.raises(SourceConfigError, match=r"'bad'.*deny_patterns"):
        LinkRules.for_source(spec)


def test_malformed_links_are_not_followed() -> None:
    rules = LinkRules.for_source(
        SourceSpec(name="s", feeds=("https://news.example.com/rss",))
    )
    assert not rules.follows("http://[oops/a-b-c-d")
    assert not rules.in_domain("http://[oops/sitemap.xml")
