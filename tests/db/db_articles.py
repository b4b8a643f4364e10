"""Articles to record in store tests: real HTML pages turned into crawler items, as the spider does."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from crawler.cleaning import clean_html
from crawler.items import ArticleItem, PageEventItem
from monitor.config import ChannelConfig
from monitor.ingest import AlertRules

SOURCE = "loopback-news"
# One console channel: every alerted change queues exactly one delivery.
RULES = AlertRules(
    channels=(ChannelConfig(name="desk", kind="console", options={}),),
    alert_on_new=True,
)


def article_html(title: str, paragraphs: list[str]) -> str:
    """A news page with a headline, a byline and body paragraphs."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<meta property='article:published_time' content='2024-05-12T08:00:00+00:00'>"
        "</head><body><header><nav><a href='/'>Home</a></nav></header>"
        f"<article><h1>{title}</h1><p class='byline'>By Jane Doe</p>{body}</article>"
        "<footer>© Loopback News</footer></body></html>"
    )


def paragraphs_about(topic: str, count: int = 4) -> list[str]:
    """Body paragraphs long enough for the cleaner to take the page as an article."""
    return [
        f"Paragraph {i} on {topic}: the ministry of defence confirmed that the navy frigate "
        f"programme continues, with sea trials of the new air-defence missile planned for spring."
        for i in range(1, count + 1)
    ]


def article_item(
    url: str, title: str, paragraphs: list[str], at: datetime | None = None
) -> ArticleItem:
    """The item the spider yields for ``url`` serving this article."""
    html = article_html(title, paragraphs)
    raw = html.encode("utf-8")
    return ArticleItem(
        source=SOURCE,
        url=url,
        requested_url=url,
        canonical_url=url,
        http_status=200,
        fetched_at=at or datetime.now(UTC),
        raw_html=raw,
        raw_html_hash=hashlib.sha256(raw).hexdigest(),
        encoding="utf-8",
        etag='"v1"',
        last_modified=None,
        article=clean_html(html, url),
        relevance=0.9,
        relevance_terms=("frigate", "missile"),
        is_relevant=True,
    )


def gone_item(url: str) -> PageEventItem:
    """The event the spider yields when ``url`` answers 404."""
    return PageEventItem(
        source=SOURCE,
        url=url,
        requested_url=url,
        fetched_at=datetime.now(UTC),
        outcome="gone",
        http_status=404,
        message="HTTP 404",
    )
