"""Build and serve the demo's news site: a listing page, an RSS feed and article pages.

The pages carry what real news pages carry around an article (ad slots, a reading-time widget,
a trust link, a comment counter, duplicated photo captions, related links), so the demo shows
the cleaner and the change detector at work.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import format_datetime
from functools import partial
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoArticle:
    """One article of the demo site, with its page furniture."""

    slug: str
    section: str
    title: str
    standfirst: tuple[str, ...]
    body: tuple[str, ...]
    captions: tuple[str, ...]
    author: str
    published: str
    reading_time: int
    comments: int
    ad: str

    @property
    def path(self) -> str:
        """The article's path on the site."""
        return f"/news/{self.section}/article/{self.slug}"


def load_articles() -> list[DemoArticle]:
    """The demo's articles as first published."""
    data = json.loads(
        files("monitor.demo").joinpath("articles.json").read_text("utf-8")
    )
    return [
        DemoArticle(
            **{
                **a,
                "standfirst": tuple(a["standfirst"]),
                "body": tuple(a["body"]),
                "captions": tuple(a["captions"]),
            }
        )
        for a in data
    ]


def edited_articles(articles: list[DemoArticle]) -> list[DemoArticle]:
    """The site a day later: one paragraph reworded, one headline changed, one page's ad and counter
    changed (noise that must not count), one untouched."""
    by_slug = {a.slug: a for a in articles}
    carrier = by_slug["pla-navy-carrier-group-drills-western-pacific"]
    body = list(carrier.body)
    body[1] = (
        body[1]
        .replace("two Type 052D destroyers", "three Type 052D destroyers")
        .replace("about 120 take-offs", "about 150 take-offs")
    )
    hypersonic = by_slug["hypersonic-missile-test-pacific"]
    aukus = by_slug["aukus-submarine-shipyard-upgrade"]
    edits = {
        carrier.slug: replace(
            carrier, body=tuple(body), comments=carrier.comments + 17
        ),
        hypersonic.slug: replace(
            hypersonic,
            title="US Army fires Dark Eagle hypersonic missile in first Pacific test",
        ),
        aukus.slug: replace(
            aukus,
            ad="Try our new crossword app",
            comments=aukus.comments + 5,
            reading_time=aukus.reading_time + 1,
        ),
    }
    return [edits.get(a.slug, a) for a in articles]


def _ad_slot() -> str:
    return '<div class="ad-slot" data-ad="dfp"><span class="ad-label">Advertisement</span></div>'


def render_article(article: DemoArticle, base_url: str) -> str:
    """The HTML page of one article."""
    figures = "".join(
        f'<figure><img src="/img/{i}.jpg" alt="{escape(c)}"><figcaption>{escape(c)}</figcaption></figure>'
        f'<p class="caption-repeat">{escape(c)}</p>'
        for i, c in enumerate(article.captions)
    )
    paragraphs = []
    for index, text in enumerate(article.body):
        paragraphs.append(f"<p>{escape(text)}</p>")
        if index == 0:
            paragraphs.append(_ad_slot())
            paragraphs.append(figures)
    standfirst = "".join(f"<li>{escape(s)}</li>" for s in article.standfirst)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": article.published,
            "author": [{"@type": "Person", "name": article.author}],
            "mainEntityOfPage": base_url + article.path,
        },
        ensure_ascii=False,
    ).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(article.title)} | Defence Desk Daily</title>
<link rel="canonical" href="{base_url}{article.path}">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:site_name" content="Defence Desk Daily">
<meta property="article:published_time" content="{article.published}">
<script type="application/ld+json">{ld}</script>
</head><body>
<header class="site-header"><a href="/">Defence Desk Daily</a>
<nav><a href="/news/asia">Asia</a> <a href="/news/china-military">China military</a> <a href="/subscribe">Subscribe</a></nav></header>
{_ad_slot()}
<main><article>
<h1 class="headline">{escape(article.title)}</h1>
<ul class="standfirst">{standfirst}</ul>
<div class="byline">By <a href="/author/{escape(article.author.lower().replace(" ", "-"))}">{escape(article.author)}</a>
<time datetime="{article.published}">{article.published[:10]}</time></div>
<div class="article-tools"><span class="reading-time">Reading Time:{article.reading_time} minutes</span>
<a class="trust" href="/trust">Why you can trust Defence Desk Daily</a>
<a class="comments-count" href="#comments">{article.comments}</a></div>
<div class="article-body">{"".join(paragraphs)}</div>
<div class="promo">{escape(article.ad)}</div>
{_ad_slot()}
</article>
<aside class="related"><h2>Related</h2><ul><li><a href="/news/asia">More from Asia</a></li></ul></aside>
</main>
<footer><p>Copyright 2026 Defence Desk Daily. All rights reserved.</p></footer>
</body></html>
"""


def render_listing(articles: list[DemoArticle]) -> str:
    """The home page: a list of links to the articles."""
    items = "".join(
        f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in articles
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Defence Desk Daily</title></head>
<body><h1>Defence Desk Daily</h1><ul class="latest">{items}</ul>
<p><a href="/about">About us</a> <a href="/subscribe">Subscribe</a></p></body></html>
"""


def render_feed(articles: list[DemoArticle], base_url: str) -> str:
    """An RSS 2.0 feed of the articles."""
    items = "".join(
        f"<item><title>{escape(a.title)}</title><link>{base_url}{a.path}</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate></item>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Defence Desk Daily</title><link>{base_url}/</link>{items}</channel></rss>"
    )


def write_site(root: Path, articles: list[DemoArticle], base_url: str) -> None:
    """Write every page of the site under ``root`` (paths without .html, served as text/html)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text(render_listing(articles), "utf-8")
    (root / "feed.xml").write_text(render_feed(articles, base_url), "utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /subscribe\n", "utf-8")
    for article in articles:
        page = root / article.path.lstrip("/")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(render_article(article, base_url), "utf-8")


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the site's files; extension-less article paths as HTML; no request logging.

    HTTP/1.1, so connections are kept alive between requests as a news site's server keeps them
    (files are sent with their Content-Length; a 304 has no body).
    """

    protocol_version = "HTTP/1.1"

    def guess_type(self, path: Any) -> str:
        name = str(path)
        if name.endswith(".xml"):
            return "application/rss+xml"
        if name.endswith(".txt"):
            return "text/plain"
        return "text/html; charset=utf-8"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging."""


class _Server(ThreadingHTTPServer):
    # a crawler opens its connections at once; with the default backlog of 5 some of them wait
    # for the kernel's one-second SYN retry
    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A crawler that ends drops its kept-alive connections: not worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 at a free port; yields the base URL."""
    handler = partial(_QuietHandler, directory=str(root))
    with _Server(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            thread.join()
