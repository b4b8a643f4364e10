"""A small news site on 127.0.0.1 that a test can edit and slow down (a ThreadingHTTPServer).

Pages are rendered on each request from the current articles (the demo site's renderers), so an
edit is visible at once. ``hold()`` makes every page wait until ``release()`` (or a time limit):
a crawl against a held site keeps running for as long as the test needs.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from monitor.demo.site import (
    DemoArticle,
    load_articles,
    render_article,
    render_feed,
    render_listing,
)

HOLD_LIMIT_S = 60.0  # a held request gives up waiting after this long


class NewsDesk:
    """The site's state: its articles, whether requests are held, how many were served."""

    def __init__(self) -> None:
        self.articles: list[DemoArticle] = load_articles()
        self.base = ""
        self.served = 0
        self.asked = 0  # requests received, held ones included
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()

    def edit(self, slug: str, **changes: Any) -> DemoArticle:
        """Change one article (fields of DemoArticle); returns the new version."""
        with self._lock:
            index = next(i for i, a in enumerate(self.articles) if a.slug == slug)
            self.articles[index] = replace(self.articles[index], **changes)
            return self.articles[index]

    def hold(self) -> None:
        """Make every request wait until ``release()``."""
        self._open.clear()

    def release(self) -> None:
        """Answer held and new requests again."""
        self._open.set()

    def page(self, path: str) -> tuple[int, str, str]:
        """Status, content type and body of a path."""
        with self._lock:
            self.asked += 1
        self._open.wait(HOLD_LIMIT_S)
        with self._lock:
            self.served += 1
            articles = list(self.articles)
        if path == "/":
            return 200, "text/html; charset=utf-8", render_listing(articles)
        if path == "/feed.xml":
            return 200, "application/rss+xml", render_feed(articles, self.base)
        if path == "/robots.txt":
            return 200, "text/plain", "User-agent: *\nDisallow: /subscribe\n"
        for article in articles:
            if article.path == path:
                return (
                    200,
                    "text/html; charset=utf-8",
                    render_article(article, self.base),
                )
        return 404, "text/plain", "not found"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        status, kind, body = self.server.desk.page(self.path.split("?")[0])
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """No request log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, desk: NewsDesk) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.desk = desk


def start_desk() -> tuple[NewsDesk, _Server, threading.Thread]:
    """Serve a fresh site on a free loopback port."""
    desk = NewsDesk()
    server = _Server(desk)
    desk.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return desk, server, thread


def stop_desk(desk: NewsDesk, server: _Server, thread: threading.Thread) -> None:
    """Stop serving (held requests are released first)."""
    desk.release()
    server.shutdown()
    server.server_close()
    thread.join()
