"""``scrapy crawl news -a url=...`` from the repository root, as a user would run it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawler.crawl_runner import CRAWL_DEADLINE_SECONDS, ROOT, subprocess_env
from tests.crawler.crawler_site import SiteState

pytestmark = pytest.mark.slow

ARTICLE = "/2024/05/15/hypersonic-missile-test-reported"
FOOTBALL = "/2024/05/13/football-club-wins-league-final"


def test_scrapy_crawl_news_with_urls_writes_the_articles(
    site: SiteState, tmp_path: Path
) -> None:
    output = tmp_path / "out.jsonl"
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "news",
        "-a",
        f"url={site.base}{ARTICLE}?utm_source=newsletter,{site.base}{FOOTBALL}",
        "-a",
        "source=fixture-cli",
        "-a",
        "all_relevant=yes",
        "-o",
        str(output),
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
    ]
    store = tmp_path / "store.sqlite3"
    done = subprocess.run(
        command,
        cwd=ROOT,
        env={**subprocess_env(), "DEFWATCH_DB": f"sqlite:///{store}"},
        capture_output=True,
        text=True,
        timeout=CRAWL_DEADLINE_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = output.read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    (item,) = [i for i in items if i["url"].endswith(ARTICLE)]
    (football,) = [i for i in items if i["url"].endswith(FOOTBALL)]
    assert football["is_relevant"] is True  # all_relevant: the source says so...
    assert football["relevance"] < 0.2  # ...though the score is still computed
    assert item["source"] == "fixture-cli"
    assert item["url"] == f"{site.base}{ARTICLE}"
    assert (
        item["article"]["title"]
        == "Hypersonic missile test reported by defence officials"
    )
    assert item["is_relevant"] is True
    assert "<h1>Hypersonic missile test reported" in item["raw_html"]
    assert site.headers_for(ARTICLE)[0]["user-agent"].startswith("defwatch/0.1")
    # the store pipeline (wired in crawler.settings by name) recorded the article too
    with sqlite3.connect(store) as db:
        titles = [row[0] for row in db.execute("SELECT title FROM versions")]
    assert "Hypersonic missile test reported by defence officials" in titles


def test_scrapy_crawl_news_without_a_source_fails_clearly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news"],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=CRAWL_DEADLINE_SECONDS,
        check=False,
    )
    assert done.returncode != 0
    assert "nothing to crawl" in done.stderr
