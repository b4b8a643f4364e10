"""A loopback web server whose pages fail in the ways the web fails (for the fault suite).

``FaultSite(routes)`` serves on 127.0.0.1 (port 0) from a dict path -> Route; a Route is either a
fixed answer (status, headers, body) or a function that writes to the socket itself (hang, trickle,
truncate). Every request is recorded in ``site.requests`` (paths, in order).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Writer = Callable[[BaseHTTPRequestHandler, threading.Event], None]

WORDS = (
    "The navy's frigate programme is delayed by two years, the defence ministry said on "
    "Tuesday in a report to parliament about the warship budget and missile stocks."
)


def article_html(title: str, paragraphs: int = 3, extra: str = "") -> str:
    """A plain defence-news article page the cleaner extracts."""
    body = "".join(
        f"<p>{WORDS} Paragraph {n} of the report on {title.lower()}.</p>"
        for n in range(paragraphs)
    )
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{body}{extra}</article></body></html>"
    )


@dataclass(frozen=True, slots=True)
class Answer:
    """A fixed HTTP answer."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (
        ("Content-Type", "text/html; charset=utf-8"),
    )
    content_length: bool = True


Route = Answer | Writer


@dataclass
class FaultSite:
    """The running server: its base URL, routes (mutable between crawls) and the requests seen."""

    routes: dict[str, Route]
    base: str = ""
    requests: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)  # of POST requests
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path


def _handler(site: FaultSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.requests.append(self.path)
            route = site.routes.get(self.path) or Answer(404, b"<html>no</html>")
            if isinstance(route, Answer):
                self._answer(route)
            else:
                route(self, site.stop)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            site.bodies.append(self.rfile.read(length))
            self.do_GET()

        def _answer(self, answer: Answer) -> None:
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            if answer.content_length:
                self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer.body)
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (the crawler timed out) is expected here: quiet."""


@contextmanager
def serve(routes: dict[str, Route], host: str = "127.0.0.1") -> Iterator[FaultSite]:
    """Serve ``routes`` on ``host`` (a free port) until the block ends."""
    site = FaultSite(routes=routes)
    server = _Server((host, 0), _handler(site))
    site.base = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()


def hang(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Accept the connection, read the request, never answer."""
    stop.wait(30)


def trickle(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Answer with headers, then one byte every 0.2 s of a 100 kB body."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    handler.wfile.write(b"<html><body><p>")
    try:
        while not stop.wait(0.2):
            handler.wfile.write(b"x")
            handler.wfile.flush()
    except OSError:
        return


def truncated(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Promise 50,000 bytes, send a few hundred, close."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", "50000")
    handler.end_headers()
    handler.wfile.write(article_html("Truncated article").encode()[:300])
    handler.wfile.flush()
    handler.close_connection = True
