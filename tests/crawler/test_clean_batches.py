"""Article pages are cleaned a batch at a time (crawler.batching), and nothing is lost or late.

The site answers one request at a time, each after a delay, so pages arrive one by one; the
items reach the pipelines in groups, each page keeps the time it arrived, and the last, partial
batch goes after DEFWATCH_CLEAN_BATCH_WAIT.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.crawler.crawl_runner import run_crawl
from tests.crawler.threaded_site import FRIGATE_PAGE, QuietHandler, serve

pytestmark = pytest.mark.slow

PAGES = [f"/news/2024/05/{day:02d}/frigate-story-{day}" for day in range(1, 11)]
ANSWER_DELAY_S = 0.3
WAIT_S = 2.0
NEW_GROUP_AFTER_S = 0.1  # items of one batch reach the pipeline within milliseconds


class _Handler(QuietHandler):
    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send(404, b"", "text/plain")
            return
        time.sleep(ANSWER_DELAY_S)
        self.send(200, FRIGATE_PAGE, "text/html; charset=utf-8")


@pytest.fixture
def site() -> Iterator[str]:
    with serve(_Handler) as base:
        yield base


def _groups(articles: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The articles in the order they reached the pipeline, split where a pause came."""
    ordered = sorted(articles, key=lambda row: row["collected_at"])
    groups = [[ordered[0]]]
    for previous, row in pairwise(ordered):
        if row["collected_at"] - previous["collected_at"] > NEW_GROUP_AFTER_S:
            groups.append([])
        groups[-1].append(row)
    return groups


@pytest.mark.parametrize(
    ("settings", "sizes"),
    [
        ({"DEFWATCH_CLEAN_BATCH": 4}, [4, 4, 2]),
        # Scrapy holds responses of at most this many bytes (each counts >= 1,024) before it
        # stops downloading: two pages fill it, and go at once
        (
            {
                "DEFWATCH_CLEAN_BATCH": 4,
                "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 2 * max(len(FRIGATE_PAGE), 1024) - 1,
            },
            [2, 2, 2, 2, 2],
        ),
        ({"DEFWATCH_CLEAN_BATCH": 1}, [1] * 10),
    ],
)
def test_pages_are_cleaned_in_batches_and_keep_the_time_they_arrived(
    site: str, tmp_path: Path, settings: dict[str, Any], sizes: list[int]
) -> None:
    spec = {
        "sources": [{"name": "desk", "allowed_domains": ["127.0.0.1"]}],
        "recheck": [{"url": site + path, "source": "desk"} for path in PAGES],
        "settings": {
            "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
            "DEFWATCH_CLEAN_BATCH_WAIT": WAIT_S,
            **settings,
        },
    }
    articles = run_crawl(tmp_path, spec).articles

    assert sorted(row["requested_url"] for row in articles) == sorted(
        site + path for path in PAGES
    )
    assert all(row["article"]["title"] == "Navy frigate story" for row in articles)
    groups = _groups(articles)
    assert [len(group) for group in groups] == sizes
    for group in groups:
        arrived = [
            datetime.fromisoformat(row["fetched_at"]).timestamp() for row in group
        ]
        # each page's time is when its response came, not when its batch was cleaned
        assert max(arrived) - min(arrived) >= (len(group) - 1) * ANSWER_DELAY_S * 0.9
        waited = group[0]["collected_at"] - min(arrived)
        if len(group) == sizes[0]:  # a full batch goes as its last page comes
            assert waited <= (len(group) - 1) * ANSWER_DELAY_S + WAIT_S / 2
        else:  # a partial batch waited for the rest, then went alone
            assert waited >= WAIT_S * 0.9
