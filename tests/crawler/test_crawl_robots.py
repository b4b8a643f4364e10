"""robots.txt holds for every page of a crawl, also those asked for while it is still loading.

A crawl usually starts with several pages of one site at once (the pages due for a re-check):
they all wait for the site's robots.txt, and none that it forbids may be fetched.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.crawler.crawl_runner import run_crawl

pytestmark = pytest.mark.slow

ROBOTS = b"User-agent: *\nDisallow: /private/\n"
ROBOTS_DELAY_S = (
    0.5  # long enough for every start request to queue up behind robots.txt
)
FORBIDDEN = [f"/private/2024/05/{day:02d}/watched-story-{day}" for day in range(1, 9)]
ALLOWED = ["/news/2024/05/20/open-story-one", "/news/2024/05/21/open-story-two"]


class _Handler(BaseHTTPRequestHandler):
    hits: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        self.hits[self.path] += 1
        if self.path == "/robots.txt":
            time.sleep(ROBOTS_DELAY_S)
            self._send(ROBOTS, "text/plain")
            return
        page = (
            "<html><head><title>Navy frigate story</title></head><body><article>"
            "<h1>Navy frigate story</h1>"
            + "<p>The navy's new frigate began sea trials with its air-defence missiles.</p>"
            * 8
            + "</article></body></html>"
        )
        self._send(page.encode(), "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads the hit counter."""


@pytest.fixture
def site() -> Iterator[tuple[str, Counter[str]]]:
    _Handler.hits = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", _Handler.hits
    finally:
        server.shutdown()
        server.server_close()


def test_no_forbidden_page_is_fetched_while_robots_txt_loads(
    site: tuple[str, Counter[str]], tmp_path: Path
) -> None:
    base, hits = site
    spec = {
        "sources": [{"name": "desk", "allowed_domains": ["127.0.0.1"]}],
        "recheck": [
            {"url": base + path, "source": "desk"} for path in FORBIDDEN + ALLOWED
        ],
        "settings": {"CONCURRENT_REQUESTS_PER_DOMAIN": 16},
    }
    crawl = run_crawl(tmp_path, spec)

    assert hits["/robots.txt"] == 1
    assert [path for path in FORBIDDEN if hits[path]] == []
    assert all(hits[path] == 1 for path in ALLOWED)
    for path in FORBIDDEN:
        assert "Forbidden by robots.txt" in crawl.event(path)["message"]
