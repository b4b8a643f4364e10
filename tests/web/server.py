"""The web app served by uvicorn on a loopback port, in a thread, for browser tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from monitor.web import app_for_url

START_TIMEOUT_S = 15.0


@contextmanager
def serving(db_url: str) -> Iterator[str]:
    """Serve the store at ``db_url`` on 127.0.0.1 (a free port); yields the base URL."""
    config = uvicorn.Config(
        app_for_url(db_url),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="defwatch-web-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test web server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
