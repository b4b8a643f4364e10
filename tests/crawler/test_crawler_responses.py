"""Outcome rules that need no network: moved-away redirects, canonical choice, error messages."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)

from crawler.canonical import choose_canonical
from crawler.cleaning import clean_html
from crawler.responses import describe_failure, redirected_away
from crawler.urls import url_key

ARTICLE = "https://news.example.com/world/asia/navy-launches-new-frigate"


@pytest.mark.parametrize(
    ("final", "away"),
    [
        ("https://news.example.com/", True),  # home page
        ("https://news.example.com", True),
        ("https://news.example.com/world/asia/", True),  # a section above the article
        ("https://news.example.com/world", True),
        ("https://news.example.com/latest", True),  # one of the source's listing pages
        ("https://news.example.com/world/asia/navy-launches-frigate-renamed", False),
        ("https://news.example.com/world/asia/navy-launches-new-frigate/", False),
        ("https://news.example.com/world/as", False),  # a prefix, not a parent path
        ("https://news.example.com/2024/05/01/navy-launches-new-frigate", False),
    ],
)
def test_redirected_away(final: str, away: bool) -> None:
    listing = frozenset({url_key("https://news.example.com/latest")})
    assert redirected_away(ARTICLE, final, listing) is away


def test_canonical_same_site_only() -> None:
    url = "https://www.scmp.com/news/a-b-c"
    assert choose_canonical(url, "https://amp.scmp.com/news/a-b-c?utm_source=x") == (
        "https://amp.scmp.com/news/a-b-c"
    )
    assert choose_canonical(url, "https://evil.example/news/a-b-c") == url
    assert choose_canonical(url, "javascript:alert(1)") == url
    assert choose_canonical(url, None) == url


@pytest.mark.parametrize(
    ("page", "declared"),
    [
        (
            '<head><link rel="canonical" href="/a/b-c"></head>',
            "https://x.example/a/b-c",
        ),
        ("<HEAD><LINK REL='amphtml' HREF='https://x.example/amp/c'></HEAD>", None),
        (
            "<HEAD><LINK REL='Canonical' HREF='https://x.example/c'>",
            "https://x.example/c",
        ),
        (
            "<head><link rel='alternate canonical' href='https://x.example/c'>",
            "https://x.example/c",
        ),
        (
            (
                '<meta property="og:url" content="https://x.example/og">'
                '<link href="https://x.example/l" rel="canonical">'
            ),
            "https://x.example/l",  # rel=canonical wins over og:url
        ),
        (
            '<meta property="og:url" content="https://x.example/a?b=1&amp;c=2">',
            "https://x.example/a?b=1&c=2",
        ),
        (
            '<head></head><body><link rel="canonical" href="https://x.example/late">',
            "https://x.example/late",
        ),
        (  # libxml2 ends the head at the stray BOM: the link lands in the body
            '<head><title>t</title>\ufeff<link rel="canonical" href="/a/c"></head>',
            "https://x.example/a/c",
        ),
        (  # a tracking pixel ends the head too
            '<head><img src="/px.gif"><link rel="canonical" href="/a/d"></head>',
            "https://x.example/a/d",
        ),
        (  # an empty href is no canonical
            '<head><link rel="canonical" href=""><link rel="canonical" href="/a/e">',
            "https://x.example/a/e",
        ),
        ("<p>no head at all</p>", None),
        ('<link rel="canonical" href="http://[oops/x">', None),
    ],
)
def test_declared_canonical_is_read_from_the_head(
    page: str, declared: str | None
) -> None:
    cleaned = clean_html(page, "https://x.example/page")
    assert cleaned.canonical_url == declared


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (
            DownloadTimeoutError("took longer"),
            "timed out after 15s fetching https://x.example/a",
        ),
        (
            CannotResolveHostError("nope"),
            "cannot resolve host x.example (https://x.example/a)",
        ),
        (
            DownloadCancelledError(
                "Expected to receive 2000 bytes which is larger than download max size (1000) "
                "in request <GET https://x.example/a>."
            ),
            "body too large (2000 bytes, limit 1000) at https://x.example/a",
        ),
        (
            IgnoreRequest("Forbidden by robots.txt"),
            "not fetched (Forbidden by robots.txt): https://x.example/a",
        ),
        (
            ValueError("bad\nthing"),
            "ValueError fetching https://x.example/a: bad thing",
        ),
    ],
)
def test_failure_messages_are_one_clear_line(exc: Exception, message: str) -> None:
    assert describe_failure(exc, "https://x.example/a", 15.0) == message
