"""A real crawl re-checking known pages: 304, same hash, gone, moved away, and every kind of error.

One subprocess: re-checked pages plus a listing page limited to two articles.
"""

from __future__ import annotations

import hashlib
import socket
from typing import Any

import pytest

from tests.crawler.crawl_runner import CrawlResult, run_crawl
from tests.crawler.crawler_site import ETAG, LAST_MODIFIED, SiteState

pytestmark = pytest.mark.slow

FOOTBALL = "/2024/05/13/football-club-wins-league-final"
NAVY = "/2024/05/12/navy-commissions-new-frigate"
RECHECKED = [
    "/status/404/removed-story",
    "/status/410/withdrawn-story",
    "/status/500/flaky-story",
    "/status/403/forbidden-story",
    "/slow/very-slow-story",
    "/report/annual-report-download",
    "/etag/navy-budget-story",
    FOOTBALL,
    "/moved/section-story-gone-to-section",
    "/big/huge-page-over-limit",
    "/analysis/broken-markup-defence-budget-analysis",
    "/private/watched-story-behind-robots",
]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def dead_url() -> str:
    return f"http://127.0.0.1:{_closed_port()}/2024/05/01/story-on-a-dead-server"


@pytest.fixture(scope="module")
def crawl(
    site: SiteState, tmp_path_factory: pytest.TempPathFactory, dead_url: str
) -> CrawlResult:
    base = site.base
    recheck: list[dict[str, Any]] = [
        {"url": base + p, "source": "limited"} for p in RECHECKED
    ]
    recheck.append({"url": dead_url, "source": "limited"})
    for page in recheck:
        if page["url"].endswith("/etag/navy-budget-story"):
            page.update(etag=ETAG, last_modified=LAST_MODIFIED, raw_html_hash="0" * 64)
        if page["url"].endswith(FOOTBALL):
            page["raw_html_hash"] = hashlib.sha256(
                site.static_body(FOOTBALL)
            ).hexdigest()
    known = [
        {
            # stored under its canonical URL; the listing links to the URL it was fetched from
            "url": f"https://www.fixture-news.example{NAVY}",
            "aliases": [f"{base}{NAVY}"],
            "source": "limited",
            "raw_html_hash": hashlib.sha256(site.static_body(NAVY)).hexdigest(),
        }
    ]
    source = {"name": "limited", "listing_pages": [f"{base}/news/"], "max_articles": 2}
    spec = {
        "sources": [source],
        "known": known,
        "recheck": recheck,
        "settings": {
            # under the slow route's 4 s, with room for robots.txt on a loaded machine (a
            # robots.txt that times out lets everything through, as Scrapy has it)
            "DOWNLOAD_TIMEOUT": 2,
            "RETRY_TIMES": 1,
            "DOWNLOAD_MAXSIZE": 100_000,
        },
    }
    return run_crawl(tmp_path_factory.mktemp("recheck"), spec)


def test_304_to_a_conditional_request_is_not_modified(
    crawl: CrawlResult, site: SiteState
) -> None:
    event = crawl.event("/etag/navy-budget-story")
    assert event["outcome"] == "not_modified"
    assert event["http_status"] == 304
    (headers,) = site.headers_for("/etag/navy-budget-story")
    assert headers["if-none-match"] == ETAG
    assert headers["if-modified-since"] == LAST_MODIFIED


def test_same_body_hash_is_unchanged_without_an_article(crawl: CrawlResult) -> None:
    for path in (FOOTBALL, NAVY):  # NAVY: a known page found again on the listing page
        event = crawl.event(path)
        assert event["outcome"] == "unchanged"
        assert event["http_status"] == 200
    assert not [a for a in crawl.articles if a["url"].endswith((FOOTBALL, NAVY))]


def test_404_and_410_are_gone(crawl: CrawlResult) -> None:
    assert crawl.event("/status/404/removed-story")["outcome"] == "gone"
    assert crawl.event("/status/410/withdrawn-story")["http_status"] == 410
    assert crawl.event("/status/410/withdrawn-story")["outcome"] == "gone"


def test_server_errors_are_retried_then_reported(
    crawl: CrawlResult, site: SiteState
) -> None:
    event = crawl.event("/status/500/flaky-story")
    assert event["outcome"] == "error"
    assert event["message"] == f"HTTP 500 from {site.base}/status/500/flaky-story"
    assert site.hits("/status/500/flaky-story") == 2  # RETRY_TIMES=1
    forbidden = crawl.event("/status/403/forbidden-story")
    assert (forbidden["outcome"], forbidden["http_status"]) == ("error", 403)


def test_timeout_is_an_error_that_says_so(crawl: CrawlResult, site: SiteState) -> None:
    event = crawl.event("/slow/very-slow-story")
    assert event["outcome"] == "error"
    assert (
        event["message"]
        == f"timed out after 2s fetching {site.base}/slow/very-slow-story"
    )


def test_pdf_is_not_html(crawl: CrawlResult, site: SiteState) -> None:
    event = crawl.event("/report/annual-report-download")
    assert event["outcome"] == "error"
    assert event["message"] == (
        f"not HTML (application/pdf) at {site.base}/report/annual-report-download"
    )


def test_body_over_the_size_limit_is_an_error(crawl: CrawlResult) -> None:
    event = crawl.event("/big/huge-page-over-limit")
    assert event["outcome"] == "error"
    assert "too large" in event["message"] and "limit 100000" in event["message"]


def test_refused_connection_is_an_error(crawl: CrawlResult, dead_url: str) -> None:
    (event,) = [e for e in crawl.events if e["requested_url"] == dead_url]
    assert event["outcome"] == "error"
    assert event["message"].startswith("connection refused by 127.0.0.1")


def test_watched_page_forbidden_by_robots_is_reported(
    crawl: CrawlResult, site: SiteState
) -> None:
    event = crawl.event("/private/watched-story-behind-robots")
    robots_log = [line for line in crawl.log.splitlines() if "robots" in line.lower()]
    assert (event["outcome"], event["http_status"]) == ("error", None), robots_log
    assert event["message"] == (
        "not fetched (Forbidden by robots.txt): "
        f"{site.base}/private/watched-story-behind-robots"
    )
    assert site.hits("/private/watched-story-behind-robots") == 0


def test_redirect_to_a_listing_page_is_redirected_away(crawl: CrawlResult) -> None:
    event = crawl.event("/moved/section-story-gone-to-section")
    assert event["outcome"] == "redirected_away"


def test_errors_do_not_stop_the_crawl(crawl: CrawlResult) -> None:
    item = crawl.article("/analysis/broken-markup-defence-budget-analysis")
    assert item["source"] == "limited"
    assert (
        len(crawl.events) == len(RECHECKED) + 1 - 1 + 1
    )  # + dead server - article + NAVY


def test_max_articles_limits_discovery(crawl: CrawlResult, site: SiteState) -> None:
    discovered = {
        NAVY,
        "/2024/05/16/army-unveils-new-artillery-system",
    }  # first two on the page
    assert (
        crawl.article("/2024/05/16/army-unveils-new-artillery-system")["source"]
        == "limited"
    )
    assert site.hits("/2024/05/18/canonical-points-to-another-site") == 0
    assert all(site.hits(path) == 1 for path in discovered)
