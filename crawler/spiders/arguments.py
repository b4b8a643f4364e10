"""The news spider's arguments: command-line strings to a SourceSpec, and checks on sources.

``scrapy crawl news -a url=... -a feed=... -a sitemap=... -a listing=... -a source=NAME``
(each URL argument may hold several URLs separated by commas or spaces; ``-a max_articles=N``,
``-a all_relevant=yes`` and ``-a domains=a.com,b.com`` are optional).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from crawler.errors import SourceConfigError
from crawler.sources import SourceSpec
from crawler.urls import host_of

_SEPARATORS = re.compile(r"[\s,]+")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def split_urls(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """URLs from a command-line value ("a, b c") or a sequence; empty parts dropped."""
    if value is None:
        return ()
    parts = _SEPARATORS.split(value) if isinstance(value, str) else list(value)
    return tuple(p.strip() for p in parts if p and p.strip())


def parse_bool(value: str | bool | None, name: str) -> bool:
    """A yes/no command-line value."""
    if value is None or isinstance(value, bool):
        return bool(value)
    lowered = value.strip().lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise SourceConfigError(f"-a {name}={value!r}: expected yes or no")


def parse_limit(value: str | int | None) -> int | None:
    """A positive article limit, or None for no limit."""
    if value is None or value == "":
        return None
    try:
        limit = int(value)
    except ValueError as exc:
        raise SourceConfigError(
            f"-a max_articles={value!r}: expected a whole number"
        ) from exc
    if limit < 1:
        raise SourceConfigError(f"max_articles must be at least 1, got {limit}")
    return limit


def source_from_arguments(
    *,
    url: str | None = None,
    feed: str | None = None,
    sitemap: str | None = None,
    listing: str | None = None,
    source: str | None = None,
    domains: str | None = None,
    max_articles: str | int | None = None,
    all_relevant: str | bool | None = None,
) -> SourceSpec | None:
    """The source the command-line arguments describe, or None when they name no URL."""
    articles, feeds = split_urls(url), split_urls(feed)
    sitemaps, listings = split_urls(sitemap), split_urls(listing)
    every = (*articles, *feeds, *sitemaps, *listings)
    if not every:
        if source:
            raise SourceConfigError(
                f"-a source={source!r} needs a URL: add -a url=, feed=, sitemap= or listing="
            )
        return None
    return SourceSpec(
        name=source or host_of(every[0]) or "cli",
        feeds=feeds,
        sitemaps=sitemaps,
        listing_pages=listings,
        article_urls=articles,
        allowed_domains=split_urls(domains),
        all_relevant=parse_bool(all_relevant, "all_relevant"),
        max_articles=parse_limit(max_articles),
    )


def _check_urls(spec: SourceSpec) -> None:
    for field in ("feeds", "sitemaps", "listing_pages", "article_urls"):
        for url in getattr(spec, field):
            if not is_http_url(url):
                raise SourceConfigError(
                    f"source {spec.name!r}: {field} has an invalid URL {url!r} "
                    "(expected http:// or https:// and a host)"
                )


def is_http_url(url: str) -> bool:
    """True for a well-formed absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def check_sources(sources: Sequence[SourceSpec]) -> None:
    """Raise SourceConfigError for a source without a name, a bad URL, or a repeated name.

    A source without any URL is valid: a re-check pass runs with discovery switched off, and the
    source still supplies its rules (listing pages, all_relevant) for the pages re-checked.
    """
    seen: set[str] = set()
    for spec in sources:
        if not isinstance(spec, SourceSpec):
            raise SourceConfigError(
                f"sources must be SourceSpec objects, got {type(spec).__name__}"
            )
        if not spec.name.strip():
            raise SourceConfigError("a source has an empty name")
        if spec.name in seen:
            raise SourceConfigError(f"two sources are named {spec.name!r}")
        seen.add(spec.name)
        _check_urls(spec)
        if spec.max_articles is not None and spec.max_articles < 1:
            raise SourceConfigError(
                f"source {spec.name!r}: max_articles must be at least 1, got {spec.max_articles}"
            )
