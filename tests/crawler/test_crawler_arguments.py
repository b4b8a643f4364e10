"""Spider arguments: command-line strings become a SourceSpec; bad input fails with a clear error."""

from __future__ import annotations

import pytest

from crawler.errors import SourceConfigError
from crawler.sources import KnownPage, SourceSpec
from crawler.spiders.arguments import check_sources, source_from_arguments
from crawler.spiders.news import NewsSpider


def test_command_line_urls_build_one_source() -> None:
    spec = source_from_arguments(
        url="https://www.example.com/a-b-c, https://www.example.com/d-e-f",
        feed="https://www.example.com/rss",
        sitemap="https://www.example.com/news-sitemap.xml",
        listing="https://www.example.com/military/",
        max_articles="20",
        all_relevant="yes",
    )
    assert spec == SourceSpec(
        name="www.example.com",
        feeds=("https://www.example.com/rss",),
        sitemaps=("https://www.example.com/news-sitemap.xml",),
        listing_pages=("https://www.example.com/military/",),
        article_urls=("https://www.example.com/a-b-c", "https://www.example.com/d-e-f"),
        all_relevant=True,
        max_articles=20,
    )


def test_no_urls_means_no_source_but_a_name_alone_is_an_error() -> None:
    assert source_from_arguments() is None
    with pytest.raises(SourceConfigError, match="needs a URL"):
        source_from_arguments(source="scmp")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"url": "https://x.example/a-b-c", "max_articles": "many"}, "whole number"),
        ({"url": "https://x.example/a-b-c", "max_articles": "0"}, "at least 1"),
        ({"url": "https://x.example/a-b-c", "all_relevant": "perhaps"}, "yes or no"),
    ],
)
def test_bad_command_line_values(kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(SourceConfigError, match=match):
        source_from_arguments(**kwargs)


def test_sources_are_checked() -> None:
    feed = ("https://x.example/rss",)
    with pytest.raises(SourceConfigError, match="two sources"):
        check_sources(
            [SourceSpec(name="a", feeds=feed), SourceSpec(name="a", feeds=feed)]
        )
    with pytest.raises(SourceConfigError, match="empty name"):
        check_sources([SourceSpec(name=" ", feeds=feed)])


def test_a_pass_with_nothing_due_is_a_valid_empty_crawl() -> None:
    # a re-check pass with discovery off: sources without URLs, nothing due
    spider = NewsSpider(sources=[SourceSpec(name="a")], known=[], recheck=[])
    assert list(spider._start_requests()) == []
    assert list(NewsSpider(sources=[], recheck=[])._start_requests()) == []


def test_spider_takes_python_objects_and_refuses_nothing_to_do() -> None:
    spider = NewsSpider(
        sources=[SourceSpec(name="a", feeds=("https://x.example/rss",))],
        known=[KnownPage(url="https://x.example/a-b-c", source="a", etag='"1"')],
        recheck=[KnownPage(url="https://x.example/d-e-f", source="a")],
    )
    assert spider.name == "news"
    with pytest.raises(SourceConfigError, match="nothing to crawl"):
        NewsSpider()
    with pytest.raises(SourceConfigError, match="SourceSpec"):
        NewsSpider(sources="https://x.example/rss")


@pytest.mark.parametrize(
    "url", ["not a url", "ftp://x.example/rss", "http://[oops/rss"]
)
def test_invalid_source_urls_are_config_errors(url: str) -> None:
    with pytest.raises(SourceConfigError, match="invalid URL"):
        check_sources([SourceSpec(name="s", feeds=(url,))])


def test_malformed_urls_are_skipped_not_fatal() -> None:
    spider = NewsSpider(
        sources=[SourceSpec(name="a", article_urls=("https://x.example/a-b-c",))],
        known=[KnownPage(url="http://[oops/known", source="a")],
        recheck=[
            KnownPage(url="http://[oops/recheck", source="a"),
            KnownPage(url="https://x.example/d-e-f", source="a"),
        ],
    )
    urls = [request.url for request in spider._start_requests()]
    assert urls == ["https://x.example/d-e-f", "https://x.example/a-b-c"]
