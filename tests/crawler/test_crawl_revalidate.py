"""Revalidation: known pages are asked "changed since?" in one go before Scrapy fetches anything.

A 304 is settled there; any other answer, and any page robots.txt forbids, is left to Scrapy, so
the items are the same as with every request going through Scrapy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.settings import USER_AGENT
from tests.crawler.crawl_runner import CrawlResult, run_crawl
from tests.crawler.crawler_site import ETAG, LAST_MODIFIED, SiteState

pytestmark = pytest.mark.slow

UNCHANGED = "/etag/frigate-budget-unchanged"
FORBIDDEN = "/private/watched-story-with-an-etag"


def _crawl(site: SiteState, folder: Path, revalidate: bool) -> CrawlResult:
    validators: dict[str, Any] = {"etag": ETAG, "last_modified": LAST_MODIFIED}
    spec = {
        "sources": [{"name": "desk", "allowed_domains": ["127.0.0.1"]}],
        "recheck": [
            {"url": site.base + UNCHANGED, "source": "desk", **validators},
            {"url": site.base + FORBIDDEN, "source": "desk", **validators},
        ],
        "settings": {"DEFWATCH_REVALIDATE": revalidate},
    }
    return run_crawl(folder, spec)


@pytest.fixture(scope="module")
def both(
    site: SiteState, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CrawlResult, CrawlResult]:
    through_scrapy = _crawl(site, tmp_path_factory.mktemp("scrapy"), revalidate=False)
    revalidated = _crawl(site, tmp_path_factory.mktemp("revalidated"), revalidate=True)
    return through_scrapy, revalidated


def _outcomes(crawl: CrawlResult) -> dict[str, tuple[str, int | None, str]]:
    return {
        e["requested_url"].rsplit("/", 2)[-2]: (
            e["outcome"],
            e["http_status"],
            e["message"],
        )
        for e in crawl.events
    }


def test_revalidation_gives_the_same_events_as_scrapy(
    both: tuple[CrawlResult, CrawlResult],
) -> None:
    through_scrapy, revalidated = both
    assert _outcomes(revalidated) == _outcomes(through_scrapy)
    assert _outcomes(revalidated)["etag"][:2] == ("not_modified", 304)
    assert "Forbidden by robots.txt" in _outcomes(revalidated)["private"][2]


def test_revalidation_asks_conditionally_as_the_crawler(
    both: tuple[CrawlResult, CrawlResult], site: SiteState
) -> None:
    # one conditional request per crawl, each with the crawl's User-Agent
    asked = site.headers_for(UNCHANGED)
    assert len(asked) == 2
    assert all(h["if-none-match"] == ETAG for h in asked)
    assert all(h["user-agent"] == USER_AGENT for h in asked)
    assert "revalidated 2 pages: 1 not modified" in both[1].log


def test_a_page_robots_txt_forbids_is_never_asked(
    both: tuple[CrawlResult, CrawlResult], site: SiteState
) -> None:
    assert site.hits(FORBIDDEN) == 0


def test_one_crawl_asks_robots_txt_once_for_all_its_revalidations(
    site: SiteState, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A sitemap index's sitemaps are read at once; their known pages are asked about under one
    robots.txt and one per-site limit, not one each."""
    before = site.hits("/robots.txt")
    known = [
        "/2024/05/15/hypersonic-missile-test-reported",
        "/analysis/broken-markup-defence-budget-analysis",
    ]
    validators: dict[str, Any] = {"etag": '"old"', "last_modified": LAST_MODIFIED}
    spec = {
        "sources": [{"name": "desk", "sitemaps": [site.base + "/sitemap_index.xml"]}],
        "known": [
            {"url": site.base + path, "source": "desk", **validators} for path in known
        ],
    }
    crawl = run_crawl(tmp_path_factory.mktemp("index"), spec)

    assert (
        "revalidated 1 pages" in crawl.log
    )  # one ask per sitemap holding a known page
    assert crawl.log.count("revalidated") == 2
    # Scrapy reads robots.txt once, and so does the revalidation, for both sitemaps together
    assert site.hits("/robots.txt") - before == 2
