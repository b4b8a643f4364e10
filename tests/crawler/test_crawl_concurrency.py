"""A site never gets more requests at once than CONCURRENT_REQUESTS_PER_DOMAIN allows.

Scrapy 2.19 started every request queued for a site at once (crawler/downloader.py): a crawl
that begins with a site's pages due for a re-check hit it with all of them together.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from tests.crawler.crawl_runner import run_crawl
from tests.crawler.threaded_site import FRIGATE_PAGE, QuietHandler, serve

pytestmark = pytest.mark.slow

PAGES = [f"/news/2024/05/{day:02d}/frigate-story-{day}" for day in range(1, 11)]
ANSWER_DELAY_S = 0.2  # long enough for requests to overlap if the crawler lets them


class _Handler(QuietHandler):
    lock: ClassVar[threading.Lock] = threading.Lock()
    active: ClassVar[int] = 0
    peak: ClassVar[int] = 0
    served: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send(404, b"", "text/plain")
            return
        with self.lock:
            _Handler.active += 1
            _Handler.peak = max(_Handler.peak, _Handler.active)
        try:
            time.sleep(ANSWER_DELAY_S)
        finally:
            with self.lock:
                _Handler.active -= 1
                _Handler.served.append(self.path)
        self.send(200, FRIGATE_PAGE, "text/html; charset=utf-8")


@pytest.fixture
def site() -> Iterator[str]:
    _Handler.active, _Handler.peak, _Handler.served = 0, 0, []
    with serve(_Handler) as base:
        yield base


@pytest.mark.parametrize("per_site", [1, 2])
def test_a_site_never_gets_more_requests_at_once_than_allowed(
    site: str, tmp_path: Path, per_site: int
) -> None:
    spec = {
        "sources": [{"name": "desk", "allowed_domains": ["127.0.0.1"]}],
        "recheck": [{"url": site + path, "source": "desk"} for path in PAGES],
        "settings": {"CONCURRENT_REQUESTS_PER_DOMAIN": per_site},
    }
    run_crawl(tmp_path, spec)

    assert sorted(_Handler.served) == sorted(PAGES)
    assert _Handler.peak == per_site
