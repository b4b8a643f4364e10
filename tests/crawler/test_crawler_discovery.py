"""Feed, sitemap and listing parsing on strings: the links and date hints discovery takes."""

from __future__ import annotations

import gzip

import pytest

from crawler.discovery import (
    Candidate,
    DiscoveryBodyError,
    gunzip_if_needed,
    newest_first,
    normalise_date,
    parse_feed,
    parse_listing,
    parse_sitemap,
)

BASE = "https://news.example.com/feeds/rss"

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>T</title><link>https://news.example.com/</link>
<item><title>A</title><link>https://news.example.com/a-story-about-ships</link>
  <pubDate>Sun, 12 May 2024 08:00:00 +0100</pubDate></item>
<item><title>No link, permalink guid</title>
  <guid isPermaLink="true">https://news.example.com/guid-story-about-tanks</guid></item>
<item><title>Relative</title><link>/relative/story-about-drones</link></item>
<item><title>Duplicate</title><link>https://news.example.com/a-story-about-ships</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>A</title>
  <link rel="self" href="https://news.example.com/api/entry/1"/>
  <link rel="alternate" type="text/html" href="https://news.example.com/navy-story-here"/>
  <published>2024-05-10T06:00:00Z</published><updated>2024-05-11T06:00:00Z</updated></entry>
<entry><title>B</title><link href="https://news.example.com/army-story-here"/></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<item rdf:about="https://news.example.com/rdf-story-one"><title>R</title>
<link>https://news.example.com/rdf-story-one</link><dc:date>2024-05-09T10:00:00+09:00</dc:date></item>
</rdf:RDF>"""


def test_rss_links_with_rfc822_dates_normalised() -> None:
    found = parse_feed(RSS, BASE)
    assert found == (
        Candidate(
            "https://news.example.com/a-story-about-ships", "2024-05-12T08:00:00+01:00"
        ),
        Candidate("https://news.example.com/guid-story-about-tanks"),
        Candidate("https://news.example.com/relative/story-about-drones"),
    )


def test_atom_takes_the_alternate_link_and_updated_over_published() -> None:
    assert parse_feed(ATOM, BASE) == (
        Candidate(
            "https://news.example.com/navy-story-here", "2024-05-11T06:00:00+00:00"
        ),
        Candidate("https://news.example.com/army-story-here"),
    )


def test_rss_1_rdf_feed() -> None:
    assert parse_feed(RDF, BASE) == (
        Candidate(
            "https://news.example.com/rdf-story-one", "2024-05-09T10:00:00+09:00"
        ),
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "no XML found"),
        (b"not xml at all", "no XML found"),
        (b"<html><body>oops</body></html>", "root element is <html>"),
    ],
)
def test_what_is_not_a_feed_or_sitemap_says_so(body: bytes, problem: str) -> None:
    with pytest.raises(DiscoveryBodyError, match=f"not an RSS or Atom feed.*{problem}"):
        parse_feed(body, BASE)
    with pytest.raises(DiscoveryBodyError, match=f"not an XML sitemap.*{problem}"):
        parse_sitemap(body, BASE)


def test_empty_feed_is_a_feed() -> None:
    assert parse_feed(b"<rss version='2.0'><channel></channel></rss>", BASE) == ()


def test_feed_with_entity_expansion_is_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <rss><channel><item><link>https://news.example.com/x-y-z&b;</link></item></channel></rss>"""
    assert all("aaaaaaaaaa" not in c.url for c in parse_feed(bomb, BASE))


def test_sitemap_index_lists_sitemaps() -> None:
    body = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://news.example.com/sitemap-1.xml.gz</loc><lastmod>2024-05-01</lastmod></sitemap>
    <sitemap><loc>https://news.example.com/sitemap-2.xml</loc></sitemap></sitemapindex>"""
    content = parse_sitemap(body, BASE)
    assert [s.url for s in content.sitemaps] == [
        "https://news.example.com/sitemap-1.xml.gz",
        "https://news.example.com/sitemap-2.xml",
    ]
    assert content.pages == () and not content.is_news


def test_news_sitemap_pages_with_lastmod_else_publication_date() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://news.example.com/one-two-three</loc>
      <news:news><news:publication_date>2024-05-15T07:45:00Z</news:publication_date></news:news></url>
    <url><loc>https://news.example.com/four-five-six</loc><lastmod>2024-05-16T01:00:00Z</lastmod>
      <news:news><news:publication_date>2024-05-14T00:00:00Z</news:publication_date></news:news></url>
    </urlset>"""
    content = parse_sitemap(body, BASE)
    assert content.is_news
    assert content.pages == (
        Candidate(
            "https://news.example.com/one-two-three", "2024-05-15T07:45:00+00:00"
        ),
        Candidate(
            "https://news.example.com/four-five-six", "2024-05-16T01:00:00+00:00"
        ),
    )


def test_plain_sitemap_is_not_news() -> None:
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://news.example.com/about</loc></url></urlset>"""
    content = parse_sitemap(body, BASE)
    assert not content.is_news and [p.url for p in content.pages] == [
        "https://news.example.com/about"
    ]


def test_gzip_sitemap_is_unpacked_within_the_limit() -> None:
    body = b"<urlset><url><loc>https://news.example.com/a-b-c</loc></url></urlset>"
    packed = gzip.compress(body)
    assert gunzip_if_needed(packed, 10_000) == body
    assert gunzip_if_needed(body, 10_000) == body  # not gzip: as is
    with pytest.raises(DiscoveryBodyError, match="limit"):
        gunzip_if_needed(gzip.compress(b"x" * 100_000), 1000)
    with pytest.raises(DiscoveryBodyError, match="gzip"):
        gunzip_if_needed(b"\x1f\x8bnot really gzip", 1000)


def test_listing_links_are_absolute_unique_and_skip_non_http_schemes() -> None:
    html = """<html><head><base href="https://news.example.com/section/"></head><body>
    <a href="story-one-two">1</a> <a href="/top/story-three-four">2</a>
    <a href="https://other.example.com/x">3</a> <a href="story-one-two">dup</a>
    <a href="http://[oops/x">malformed</a> <a href="mailto:a@b.c">m</a> <a href="javascript:void(0)">j</a> <a href="#top">t</a> <a>none</a>
    </body></html>"""
    assert [
        c.url for c in parse_listing(html, "https://news.example.com/section/index")
    ] == [
        "https://news.example.com/section/story-one-two",
        "https://news.example.com/top/story-three-four",
        "https://other.example.com/x",
    ]


def test_listing_of_empty_or_broken_pages() -> None:
    assert parse_listing("", BASE) == ()
    assert [c.url for c in parse_listing("<p><a href='/a-b-c'>x<div></p>", BASE)] == [
        "https://news.example.com/a-b-c"
    ]


def test_newest_first_orders_by_hint_and_keeps_undated_last() -> None:
    ordered = newest_first(
        [
            Candidate("u1"),
            Candidate("old", "2024-01-01T00:00:00+00:00"),
            Candidate("new", "2024-05-01"),
            Candidate("u2", "not a date"),
            Candidate("mid", "Fri, 01 Mar 2024 00:00:00 GMT"),
        ]
    )
    assert [c.url for c in ordered] == ["new", "mid", "old", "u1", "u2"]


def test_normalise_date() -> None:
    assert (
        normalise_date("Sun, 12 May 2024 08:00:00 GMT") == "2024-05-12T08:00:00+00:00"
    )
    assert normalise_date(" 2024-05-12 ") == "2024-05-12T00:00:00"
    assert normalise_date("last Tuesday") == "last Tuesday"
    assert normalise_date("  ") is None
