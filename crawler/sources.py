"""SourceSpec: where a source's articles are and which links are articles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSpec:
    """One news source the spider discovers articles from, or a set of watched article URLs."""

    name: str
    feeds: tuple[str, ...] = ()  # RSS / Atom
    sitemaps: tuple[str, ...] = ()  # sitemap or sitemap index, news sitemaps included
    listing_pages: tuple[
        str, ...
    ] = ()  # section or listing pages whose links lead to articles
    article_urls: tuple[str, ...] = ()  # single articles watched directly
    allowed_domains: tuple[str, ...] = ()  # empty: the domains of the URLs above
    article_patterns: tuple[
        str, ...
    ] = ()  # regexes; a link is an article only if one matches
    deny_patterns: tuple[
        str, ...
    ] = ()  # regexes; a link matching one is never followed
    all_relevant: bool = False  # everything this source publishes is defence news
    max_articles: int | None = None  # per crawl, for discovery; None: no limit
    # lines learned to repeat across this source's articles: the cleaner drops them
    learned_boilerplate: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownPage:
    """What the store already knows of a page: lets the spider ask conditionally and skip parsing."""

    url: str
    source: str
    raw_html_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    # Other URLs of the same page (the URL it was fetched from when ``url`` is its canonical URL,
    # earlier URLs before a redirect): a discovered link to any of them is asked conditionally too.
    aliases: tuple[str, ...] = ()
