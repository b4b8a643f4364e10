"""A threaded loopback site for crawl tests whose handler counts, delays or times requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FRIGATE_PAGE = (
    "<html><head><title>Navy frigate story</title></head><body><article>"
    "<h1>Navy frigate story</h1>"
    + "<p>The navy's new frigate began sea trials with its air-defence missiles.</p>"
    * 8
    + "</article></body></html>"
).encode()


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that answers with ``send`` and logs nothing (the tests count instead)."""

    def send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads its own counters."""


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 at a free port, a thread per request; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
