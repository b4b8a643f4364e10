"""Learned boilerplate end to end: two sites on 127.0.0.1, ``defwatch crawl`` and ``boilerplate``.

Every article of one site carries a promo paragraph no cleaning rule knows. The first crawl
learns it; from then on it is dropped from that site's pages without a version or an alert of
its own, a real edit is still one version and one alert, and the other site keeps the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.cleaning import clean_html
from monitor.demo.site import serve_directory
from tests.e2e import FAST, defwatch

pytestmark = pytest.mark.slow

PROMO = (
    "Subscribe to the Daily Brief for the morning's defence analysis, delivered before "
    "the markets open."
)
DESK_STORIES = 6
HARBOUR_STORIES = 3  # fewer than a source needs to learn anything


def story(site: str, n: int, *, build: int, edited: bool = False) -> str:
    """An article page; ``build`` changes the bytes (not the text) from one deploy to the next."""
    ships = "three frigates" if edited else "two frigates"
    paragraphs = [
        (
            f"The {site} navy will send {ships} to exercise {n} in the North Sea next "
            "month, the defence ministry confirmed on Tuesday in a statement to parliament."
        ),
        (
            f"Exercise {n} tests air-defence missiles against drones and sea-skimming "
            "targets, officials said, with allied warships joining for the final week."
        ),
        (
            f"The ministry said the budget for exercise {n} was approved in March and "
            "that the frigates would return to port before the winter maintenance period."
        ),
        PROMO,
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><!-- build {build} -->"
        f"<title>Exercise {n} of the {site} navy</title></head><body>"
        "<nav><a href='/'>Home</a></nav>"
        f"<article><h1>Exercise {n} of the {site} navy</h1><p>By Jane Doe</p>{body}"
        "</article><footer>Contact us</footer></body></html>"
    )


def write(root: Path, site: str, count: int, *, build: int, edited: int = 0) -> None:
    (root / "news").mkdir(parents=True, exist_ok=True)
    links = "".join(
        f"<li><a href='/news/exercise-{n}'>Exercise {n}</a></li>"
        for n in range(1, count + 1)
    )
    (root / "index.html").write_text(
        f"<html><body><ul>{links}</ul></body></html>", "utf-8"
    )
    for n in range(1, count + 1):
        html = story(site, n, build=build, edited=n == edited)
        (root / "news" / f"exercise-{n}").write_text(html, "utf-8")


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[Path, str, Path, str]]:
    desk, harbour = tmp_path / "desk", tmp_path / "harbour"
    with serve_directory(desk) as desk_url, serve_directory(harbour) as harbour_url:
        write(desk, "desk", DESK_STORIES, build=1)
        write(harbour, "harbour", HARBOUR_STORIES, build=1)
        yield desk, desk_url, harbour, harbour_url


def config(tmp_path: Path, desk_url: str, harbour_url: str) -> str:
    path = tmp_path / "defwatch.toml"
    sources = "".join(
        f"""
[[sources]]
name = "{name}"
listing_pages = ["{url}/"]
article_patterns = ["/news/"]
all_relevant = true
"""
        for name, url in (("desk", desk_url), ("harbour", harbour_url))
    )
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "store.sqlite3"}"\n{sources}',
        "utf-8",
    )
    return str(path)


def crawl(cfg: str) -> str:
    result = defwatch("-v", "--config", cfg, "crawl", *FAST)
    assert result.returncode == 0, result.stderr
    return result.stdout


def history(cfg: str, url: str) -> list[dict[str, object]]:
    result = defwatch("--config", cfg, "history", url, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def test_a_promo_on_every_page_is_learned_dropped_and_never_an_edit(tmp_path, sites):
    desk, desk_url, harbour, harbour_url = sites
    # no cleaning rule knows the promo: without learning it stays in the text
    assert PROMO in clean_html(story("desk", 1, build=1), f"{desk_url}/news/x").body
    cfg = config(tmp_path, desk_url, harbour_url)

    first = crawl(cfg)
    assert f"{DESK_STORIES + HARBOUR_STORIES} new articles" in first
    listed = json.loads(
        defwatch("--config", cfg, "boilerplate", "list", "--json").stdout
    )
    assert [(r["source"], r["line"], r["articles"], r["sampled"]) for r in listed] == [
        ("desk", PROMO, DESK_STORIES, DESK_STORIES)
    ]
    assert listed[0]["learned_at"]
    table = defwatch("--config", cfg, "boilerplate", "list", "--source", "desk")
    assert table.returncode == 0 and "Daily Brief" in table.stdout

    # a new deploy: every page's bytes change, none of its text; the promo is now dropped
    write(desk, "desk", DESK_STORIES, build=2)
    write(harbour, "harbour", HARBOUR_STORIES, build=2)
    again = crawl(cfg)
    assert "0 new versions" in again and "[defwatch]" not in again

    # a real edit of one desk article: one version, one alert, and its text has no promo
    write(desk, "desk", DESK_STORIES, build=3, edited=4)
    edited = crawl(cfg)
    assert "1 new versions" in edited
    assert edited.count("[defwatch]") == 1 and "three frigates" in edited
    versions = history(cfg, f"{desk_url}/news/exercise-4")
    assert [v["version"] for v in versions] == [1, 2]
    assert PROMO in str(versions[0]["text"]) and PROMO not in str(versions[1]["text"])
    changes = json.loads(
        defwatch("--config", cfg, "changes", "--since", "1h", "--json").stdout
    )
    assert [c["url"] for c in changes] == [f"{desk_url}/news/exercise-4"]

    # the other site learned nothing and its pages keep the line
    assert (
        json.loads(
            defwatch(
                "--config", cfg, "boilerplate", "list", "--source", "harbour", "--json"
            ).stdout
        )
        == []
    )
    for n in range(1, HARBOUR_STORIES + 1):
        (only,) = history(cfg, f"{harbour_url}/news/exercise-{n}")
        assert PROMO in str(only["text"])

    relearned = defwatch("--config", cfg, "boilerplate", "learn", "--source", "desk")
    assert relearned.returncode == 0, relearned.stderr
    assert "desk: 1 lines learned from 6 articles" in relearned.stdout
