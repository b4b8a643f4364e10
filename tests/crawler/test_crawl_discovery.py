"""A real crawl of the fixture site from its feeds, sitemaps and listing page (one subprocess)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.crawler.crawl_runner import CrawlResult, run_crawl
from tests.crawler.crawler_site import SiteState

pytestmark = pytest.mark.slow

ARTICLES = {
    "/2024/05/12/navy-commissions-new-frigate",  # feed (utm), news sitemap (fbclid), listing
    "/2024/05/13/football-club-wins-league-final",  # feed
    "/world/pla-holds-drills-near-taiwan-strait",  # Atom feed
    "/2024/05/15/hypersonic-missile-test-reported",  # news sitemap
    "/analysis/broken-markup-defence-budget-analysis",  # gzipped plain sitemap
    "/2024/05/16/army-unveils-new-artillery-system",  # listing, relative link
    "/2024/05/18/canonical-points-to-another-site",  # listing
    "/2024/05/20/story-renamed-new-slug",  # listing, via a redirect from the old slug
}
NEVER_FETCHED = {
    "/about",
    "/tag/navy",
    "/tag/defence",
    "/author/jane-doe",
    "/search",
    "/news/page/2",
    "/files/annual-defence-report-2024.pdf",
    "/media/drills-photo.jpg",
    "/private/secret-drone-programme-revealed",  # robots.txt
    "/2024/05/14/offsite-story-must-not-be-fetched",  # off-site (localhost) in the feed
    "/2024/05/17/another-offsite-article-here",  # off-site on the listing page
    "/offsite-sitemap.xml",  # off-site in the sitemap index
}


@pytest.fixture(scope="module")
def crawl(site: SiteState, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    base = site.base
    source: dict[str, Any] = {
        "name": "fixture",
        "feeds": [
            f"{base}/feed.rss",
            f"{base}/atom.xml",
            f"{base}/status/404/missing-feed.xml",  # broken: reported, crawl goes on
            f"{base}/",  # an HTML page configured as a feed
        ],
        "sitemaps": [f"{base}/sitemap_index.xml"],
        "listing_pages": [f"{base}/news/"],
    }
    return run_crawl(tmp_path_factory.mktemp("discovery"), {"sources": [source]})


def test_every_article_is_found_and_fetched_once(
    crawl: CrawlResult, site: SiteState
) -> None:
    found = {crawl.article(path)["url"].removeprefix(site.base) for path in ARTICLES}
    assert found == ARTICLES
    assert len(crawl.articles) == len(ARTICLES)
    for path in ARTICLES - {"/2024/05/20/story-renamed-new-slug"}:
        assert site.hits(path) == 1, path
    assert site.hits("/2024/05/20/old-story-renamed-here") == 1


def test_non_articles_off_site_and_robots_forbidden_links_are_not_fetched(
    crawl: CrawlResult, site: SiteState
) -> None:
    fetched = {path.split("?")[0] for path in site.paths()}
    assert not fetched & NEVER_FETCHED
    mentioned = {r["url"] for r in crawl.rows} | {
        r["requested_url"] for r in crawl.rows
    }
    assert not any("localhost" in url for url in mentioned)
    assert site.hits("/robots.txt") == 1


def test_robots_forbidden_link_is_skipped_quietly(crawl: CrawlResult) -> None:
    assert not [r for r in crawl.rows if "/private/" in r["requested_url"]]
    assert "Not fetched (fixture): Forbidden by robots.txt" in crawl.log


def test_tracking_parameters_are_stripped_from_stored_urls(crawl: CrawlResult) -> None:
    for row in crawl.rows:
        for key in ("url", "requested_url", "canonical_url"):
            if key in row:
                assert (
                    "utm_" not in row[key]
                    and "fbclid" not in row[key]
                    and "#" not in row[key]
                )


def test_article_item_carries_page_clean_text_and_fetch_facts(
    crawl: CrawlResult, site: SiteState
) -> None:
    path = "/2024/05/12/navy-commissions-new-frigate"
    item = crawl.article(path)
    body = site.static_body(path)
    assert item["source"] == "fixture"
    assert item["http_status"] == 200
    assert item["raw_html"] == {"bytes": len(body)}
    assert item["raw_html_hash"] == hashlib.sha256(body).hexdigest()
    assert item["encoding"].lower() in ("utf-8", "utf8")
    assert item["fetched_at"].endswith("+00:00")
    assert (
        item["article"]["title"]
        == "Navy commissions new frigate to patrol the South China Sea"
    )
    assert any("commissioned its newest frigate" in p for p in item["article"]["body"])
    assert (
        item["canonical_url"] == f"{site.base}{path}"
    )  # declared, same site: honoured


def test_canonical_on_another_site_is_ignored(
    crawl: CrawlResult, site: SiteState
) -> None:
    item = crawl.article("/2024/05/18/canonical-points-to-another-site")
    assert item["canonical_url"] == item["url"]
    assert "other-news.example" not in item["canonical_url"]


def test_feed_and_sitemap_dates_become_listed_modified_hints(
    crawl: CrawlResult,
) -> None:
    assert (
        crawl.article("/world/pla-holds-drills-near-taiwan-strait")[
            "listed_modified_at"
        ]
        == "2024-05-14T11:15:00+00:00"  # Atom <updated>, not <published>
    )
    assert (
        crawl.article("/2024/05/15/hypersonic-missile-test-reported")[
            "listed_modified_at"
        ]
        == "2024-05-15T07:45:00+00:00"  # news:publication_date when there is no lastmod
    )
    assert (
        crawl.article("/2024/05/13/football-club-wins-league-final")[
            "listed_modified_at"
        ]
        == "2024-05-13T09:30:00+00:00"  # RSS pubDate, RFC 822
    )
    assert (
        crawl.article("/2024/05/16/army-unveils-new-artillery-system")[
            "listed_modified_at"
        ]
        is None
    )  # only on the listing page


def test_defence_articles_are_relevant_and_football_is_not(crawl: CrawlResult) -> None:
    navy = crawl.article("/2024/05/12/navy-commissions-new-frigate")
    football = crawl.article("/2024/05/13/football-club-wins-league-final")
    assert navy["is_relevant"] and navy["relevance"] > 0.8
    assert "navy" in navy["relevance_terms"] and "frigate" in navy["relevance_terms"]
    assert not football["is_relevant"] and football["relevance"] < 0.2


def test_broken_markup_still_gives_an_article(crawl: CrawlResult) -> None:
    item = crawl.article("/analysis/broken-markup-defence-budget-analysis")
    assert item["article"]["failure"] is None
    assert "defence budget" in " ".join(item["article"]["body"])


def test_redirect_to_home_page_is_redirected_away_and_a_renamed_slug_is_an_article(
    crawl: CrawlResult, site: SiteState
) -> None:
    event = crawl.event("/2024/05/19/old-story-moved-to-home")
    assert event["outcome"] == "redirected_away"
    assert event["url"] == f"{site.base}/"
    assert "redirects to" in event["message"]
    renamed = crawl.article("/2024/05/20/story-renamed-new-slug")
    assert renamed["requested_url"] == f"{site.base}/2024/05/20/old-story-renamed-here"


def test_broken_feeds_are_reported_as_errors_of_the_source(
    crawl: CrawlResult, site: SiteState
) -> None:
    missing = crawl.event("/status/404/missing-feed.xml")
    assert (missing["outcome"], missing["page_kind"], missing["http_status"]) == (
        "error",
        "feed",
        404,
    )
    assert missing["message"] == (
        f"cannot read feed: HTTP 404 from {site.base}/status/404/missing-feed.xml"
    )
    html = crawl.event("/")
    assert html["page_kind"] == "feed"
    assert html["message"] == (
        f"cannot read feed: not an RSS or Atom feed (its root element is <html>): {site.base}/"
    )


def test_discovery_crawl_reports_nothing_else(crawl: CrawlResult) -> None:
    # the redirect to the home page, two broken feeds
    assert len(crawl.events) == 3
    assert [e["page_kind"] for e in crawl.events].count("article") == 1
    assert "Traceback" not in crawl.log


def test_gzip_sitemap_was_read(site: SiteState, crawl: CrawlResult) -> None:
    assert site.hits("/sitemap-pages.xml.gz") == 1
    assert crawl.article("/analysis/broken-markup-defence-budget-analysis")
