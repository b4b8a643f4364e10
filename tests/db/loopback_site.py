"""A generated news site on 127.0.0.1 for distributed-crawl tests and the workers benchmark.

``/sitemap.xml`` and ``/news/`` both list every article ``/2024/05/12/story-<n>.html``, so two
workers that read one each discover every article twice; the server counts each path it serves.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

from tests.crawler.threaded_site import QuietHandler
from tests.db.db_articles import article_html, paragraphs_about

ARTICLE_PATTERN = r"/2024/05/12/story-\d+\.html$"


@dataclass
class LoopbackSite:
    """The site's address, size and the count of requests per path."""

    base: str
    articles: int
    hits: Counter[str] = field(default_factory=Counter)
    article_times: list[float] = field(
        default_factory=list
    )  # monotonic, one per article served
    lock: threading.Lock = field(default_factory=threading.Lock)

    def article_paths(self) -> list[str]:
        return [f"/2024/05/12/story-{n}.html" for n in range(1, self.articles + 1)]

    def article_span_s(self) -> float:
        """Seconds from the first to the last article served (the crawl itself, no start-up)."""
        with self.lock:
            return max(self.article_times) - min(self.article_times)

    def counted(self) -> Counter[str]:
        with self.lock:
            return Counter(self.hits)

    def config_toml(self, *, concurrency: int = 8) -> str:
        """A defwatch.toml crawling this site (discovery by sitemap and listing page)."""
        return f"""
[crawl]
obey_robots = false
concurrency_per_domain = {concurrency}
download_timeout_s = 120  # a loaded test machine must not time out and re-fetch

[alerts]
on_new_article = true

[[sources]]
name = "loopback"
sitemaps = ["{self.base}/sitemap.xml"]
listing_pages = ["{self.base}/news/"]
article_patterns = ['{ARTICLE_PATTERN}']
all_relevant = true
"""

    def write_config(self, folder: Path, *, concurrency: int = 8) -> Path:
        path = folder / "defwatch.toml"
        path.write_text(self.config_toml(concurrency=concurrency), "utf-8")
        return path


def _page(site: LoopbackSite, path: str) -> tuple[int, str, str]:
    if path == "/sitemap.xml":
        urls = "".join(
            f"<url><loc>{site.base}{p}</loc></url>" for p in site.article_paths()
        )
        xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        return 200, "application/xml", xml
    if path == "/news/":
        links = "".join(
            f'<li><a href="{p}">Story</a></li>' for p in site.article_paths()
        )
        return (
            200,
            "text/html; charset=utf-8",
            f"<html><body><ul>{links}</ul></body></html>",
        )
    if path in set(site.article_paths()):
        number = path.rsplit("-", 1)[1].removesuffix(".html")
        html = article_html(
            f"Frigate programme update {number}",
            paragraphs_about(f"story {number}"),
        )
        with site.lock:
            site.article_times.append(time.monotonic())
        return 200, "text/html; charset=utf-8", html
    return 404, "text/plain", "not found"


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many workers connect at once; the default backlog is 5


@contextmanager
def serve_site(articles: int, *, latency_s: float = 0.0) -> Iterator[LoopbackSite]:
    """Serve a site of ``articles`` articles on a free loopback port until the block ends.

    ``latency_s``: how long each article takes to answer, as a real news site's server does.
    """
    site = LoopbackSite(base="", articles=articles)

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            with site.lock:
                site.hits[self.path] += 1
            status, content_type, text = _page(site, self.path)
            if latency_s and self.path.endswith(".html"):
                time.sleep(latency_s)
            self.send(status, text.encode("utf-8"), content_type)

    server = _Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
