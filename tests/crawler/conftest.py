"""Fixtures for crawler tests: the loopback fixture site (helpers live in crawl_runner.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.crawler.crawler_site import SiteState, start_site, stop_site


@pytest.fixture(scope="module")
def site() -> Iterator[SiteState]:
    """The fixture news site on 127.0.0.1 (one per test module)."""
    server, thread = start_site()
    try:
        yield server.state
    finally:
        stop_site(server, thread)
