"""URL canonicalisation, same-site checks and the default article-link heuristic."""

from __future__ import annotations

import pytest

from crawler.urls import (
    host_allowed,
    looks_like_article,
    registrable_domain,
    same_site,
    strip_tracking,
    url_key,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.scmp.com/news/china/article/3245678/pla?utm_source=tw&utm_medium=x",
            "https://www.scmp.com/news/china/article/3245678/pla",
        ),
        ("https://x.com/a?id=7&fbclid=IwAR0&gclid=1#comments", "https://x.com/a?id=7"),
        (
            "https://x.com/a?mc_cid=1&mc_eid=2&ocid=3&cmpid=4&page=2",
            "https://x.com/a?page=2",
        ),
        ("https://x.com/a?UTM_Campaign=spring&q=navy", "https://x.com/a?q=navy"),
        ("https://x.com/a#section-2", "https://x.com/a"),
    ],
)
def test_strip_tracking_drops_tracking_and_fragment_only(
    url: str, expected: str
) -> None:
    assert strip_tracking(url) == expected


def test_url_key_makes_equivalent_urls_equal() -> None:
    assert url_key("HTTPS://News.Example.com/a?b=2&a=1&utm_source=x#top") == url_key(
        "https://news.example.com/a?a=1&b=2"
    )
    assert url_key("https://news.example.com/a") != url_key(
        "https://news.example.com/b"
    )


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("www.scmp.com", "scmp.com"),
        ("defence.gov.au", "defence.gov.au"),
        (
            "alice.github.io",
            "alice.github.io",
        ),  # private suffix: each blog is its own site
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_same_site_compares_registrable_domains() -> None:
    assert same_site("https://www.scmp.com/a", "https://amp.scmp.com/b")
    assert not same_site("https://www.scmp.com/a", "https://scmp.example.com/a")
    assert not same_site("https://alice.github.io/a", "https://bob.github.io/a")
    assert not same_site("http://127.0.0.1:8000/a", "http://localhost:8000/a")


def test_host_allowed_takes_subdomains_not_lookalikes() -> None:
    domains = frozenset({"defensenews.com"})
    assert host_allowed("https://www.defensenews.com/air/2024/05/12/x", domains)
    assert not host_allowed("https://notdefensenews.com/x", domains)
    assert not host_allowed("ftp://defensenews.com/x", domains)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.defensenews.com/air/2024/05/12/us-air-force-tests-new-missile/",
        "https://www.scmp.com/news/china/military/article/3245678/pla-navy-drills",
        "https://www.bbc.co.uk/news/world-asia-68912345",
        "https://www.bbc.com/news/articles/c4ngk0e1jv4o",
        "https://www.npr.org/sections/health/2022/11/09/1135211525/anxiety-medication",
        "https://www.example.com/About/Blog/entryid/20/comparing-6-types-of-pipes",
        "https://www.example.com/topics/camping-and-hiking/best-gps-watch",
        "https://news.example.com/2024/05/12/frigate.html",
        "https://news.example.com/story.php?id=123456",
        "https://news.example.com/news/japan-defence-white-paper-warns-of-china",
    ],
)
def test_article_like_urls(url: str) -> None:
    assert looks_like_article(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.com/",
        "https://news.example.com/news/",
        "https://news.example.com/news/china",
        "https://news.example.com/news/internationalaffairs",
        "https://news.example.com/c4ngk0e1jv4o",
        "https://news.example.com/tag/south-china-sea-dispute",
        "https://news.example.com/author/jane-doe-smith",
        "https://news.example.com/search?q=navy-ship-news",
        "https://news.example.com/login",
        "https://news.example.com/news/page/2",
        "https://news.example.com/category/defence-and-security/page/3",
        "https://news.example.com/topics/south-china-sea-dispute/",
        "https://news.example.com/account/login",
        "https://news.example.com/wp-admin/post-new-item-here",
        "https://news.example.com/2024/05/12/",
        "https://news.example.com/files/defence-white-paper-2024.pdf",
        "https://news.example.com/img/navy-frigate-launch-photo.jpg",
        "https://news.example.com/about-us",
        "https://news.example.com/news/navy-launches-new-frigate/amp",
    ],
)
def test_non_article_urls(url: str) -> None:
    assert not looks_like_article(url)
