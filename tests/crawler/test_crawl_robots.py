"""robots.txt holds for every page of a crawl, also those asked for while it is still loading.

A crawl usually starts with several pages of one site at once (the pages due for a re-check):
they all wait for the site's robots.txt, and none that it forbids may be fetched.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from tests.crawler.crawl_runner import run_crawl
from tests.crawler.threaded_site import FRIGATE_PAGE, QuietHandler, serve

pytestmark = pytest.mark.slow

ROBOTS = b"User-agent: *\nDisallow: /private/\n"
ROBOTS_DELAY_S = (
    0.5  # long enough for every start request to queue up behind robots.txt
)
FORBIDDEN = [f"/private/2024/05/{day:02d}/watched-story-{day}" for day in range(1, 9)]
ALLOWED = ["/news/2024/05/20/open-story-one", "/news/2024/05/21/open-story-two"]


class _Handler(QuietHandler):
    hits: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        self.hits[self.path] += 1
        if self.path == "/robots.txt":
            time.sleep(ROBOTS_DELAY_S)
            self.send(200, ROBOTS, "text/plain")
            return
        self.send(200, FRIGATE_PAGE, "text/html; charset=utf-8")


@pytest.fixture
def site() -> Iterator[tuple[str, Counter[str]]]:
    _Handler.hits = Counter()
    with serve(_Handler) as base:
        yield base, _Handler.hits


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
