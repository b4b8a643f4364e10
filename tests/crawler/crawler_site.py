"""A small news site served on 127.0.0.1 for crawl tests: static pages plus special routes.

Static files come from tests/fixtures/crawler/site ("{{BASE}}" and "{{OTHER}}" in them become this
server's URL and an off-site URL). Special routes:

* /status/<code>/...        answers <code> (404, 410, 500...)
* /slow/...                 answers after SLOW_SECONDS, longer than the tests' DOWNLOAD_TIMEOUT
* /report/...               a PDF
* /etag/<name>              ETag + Last-Modified; 304 when If-None-Match matches
* /big/...                  an HTML page of BIG_PAGE_BYTES
* REDIRECTS                 301/302 to another path
* *.xml.gz                  the .xml file without ".gz", gzipped (served as application/gzip)
"""

from __future__ import annotations

import gzip
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SITE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "crawler" / "site"
SLOW_SECONDS = 4.0
BIG_PAGE_BYTES = 300_000
ETAG = '"v1"'
LAST_MODIFIED = "Sun, 12 May 2024 08:00:00 GMT"
REDIRECTS = {
    "/2024/05/19/old-story-moved-to-home": (301, "/"),
    "/2024/05/20/old-story-renamed-here": (301, "/2024/05/20/story-renamed-new-slug"),
    "/moved/section-story-gone-to-section": (302, "/news/"),
}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml",
    ".xml": "application/xml",
    ".txt": "text/plain",
}
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


@dataclass
class SiteState:
    """What the handlers share: URLs for substitution and the log of requests received."""

    base: str = ""
    other: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def log(self, path: str, headers: dict[str, str]) -> None:
        with self.lock:
            self.requests.append((path, headers))

    def paths(self) -> list[str]:
        """Paths (with query) requested so far, in order."""
        with self.lock:
            return [path for path, _ in self.requests]

    def headers_for(self, path: str) -> list[dict[str, str]]:
        """Headers of every request for ``path`` (query ignored)."""
        with self.lock:
            return [h for p, h in self.requests if urlsplit(p).path == path]

    def hits(self, path: str) -> int:
        """How many requests asked for ``path`` (query ignored)."""
        return len(self.headers_for(path))

    def static_body(self, path: str) -> bytes:
        """The exact bytes the server sends for a static page."""
        found = _find_file(path)
        assert found is not None, path
        return self.substitute(found.read_bytes())

    def substitute(self, data: bytes) -> bytes:
        return data.replace(b"{{BASE}}", self.base.encode()).replace(
            b"{{OTHER}}", self.other.encode()
        )


def _find_file(path: str) -> Path | None:
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    for candidate in (SITE_DIR / relative, SITE_DIR / f"{relative}.html"):
        resolved = candidate.resolve()
        if resolved.is_file() and SITE_DIR.resolve() in resolved.parents:
            return resolved
    return None


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: SiteState) -> None:
        super().__init__(("127.0.0.1", 0), SiteHandler)
        self.state = state

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up (a timed-out crawler) are expected; anything else is printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the state's request log is what tests read."""

    def do_GET(self) -> None:
        state = self.server.state
        state.log(self.path, {k.lower(): v for k, v in self.headers.items()})
        path = urlsplit(self.path).path
        for prefix, handler in (
            ("/status/", self._status),
            ("/slow/", self._slow),
            ("/report/", self._pdf),
            ("/etag/", self._etag),
            ("/big/", self._big),
        ):
            if path.startswith(prefix):
                handler(path)
                return
        if path in REDIRECTS:
            code, target = REDIRECTS[path]
            self._send(code, b"", "text/html", {"Location": state.base + target})
            return
        self._static(path)

    def _send(
        self,
        code: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _status(self, path: str) -> None:
        code = int(path.split("/")[2])
        self._send(
            code, f"<html><body><p>HTTP {code}</p></body></html>".encode(), "text/html"
        )

    def _slow(self, path: str) -> None:
        if self.server.state.stopping.wait(SLOW_SECONDS):
            return
        self._static("/2024/05/16/army-unveils-new-artillery-system")

    def _pdf(self, path: str) -> None:
        self._send(200, PDF, "application/pdf")

    def _etag(self, path: str) -> None:
        if self.headers.get("If-None-Match") == ETAG:
            self._send(304, b"", "text/html", {"ETag": ETAG})
            return
        body = self.server.state.static_body(path)
        headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        self._send(200, body, "text/html; charset=utf-8", headers)

    def _big(self, path: str) -> None:
        filler = b"<p>" + b"padding " * 100 + b"</p>\n"
        body = b"<html><body><article><h1>Big</h1>" + filler * (
            BIG_PAGE_BYTES // len(filler)
        )
        self._send(200, body + b"</article></body></html>", "text/html")

    def _static(self, path: str) -> None:
        state = self.server.state
        if path.endswith(".xml.gz"):
            found = _find_file(path.removesuffix(".gz"))
            if found is not None:
                data = gzip.compress(state.substitute(found.read_bytes()))
                self._send(200, data, "application/gzip")
                return
        found = _find_file(path)
        if found is None:
            self._send(404, b"<html><body><p>Not found</p></body></html>", "text/html")
            return
        content_type = CONTENT_TYPES.get(found.suffix, "application/octet-stream")
        if found.name == "atom.xml":
            content_type = "application/atom+xml"
        self._send(200, state.substitute(found.read_bytes()), content_type)


def start_site() -> tuple[SiteServer, threading.Thread]:
    """Serve the fixture site on 127.0.0.1 (port 0) in a thread; stop with stop_site()."""
    server = SiteServer(SiteState())
    port = server.server_address[1]
    server.state.base = f"http://127.0.0.1:{port}"
    server.state.other = f"http://localhost:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def stop_site(server: SiteServer, thread: threading.Thread) -> None:
    """Stop serving, wake slow handlers, close the socket."""
    server.state.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
