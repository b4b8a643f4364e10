"""``defwatch articles``, ``show``, ``search`` and ``export`` on a real SQLite store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.web.conftest import FRIGATE_URL, HOSTILE_URL, build_history


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'history.sqlite3'}"
    build_history(url)
    return url


def run(store: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", store, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_articles_filters_by_source_topic_and_changes(store):
    rows = json.loads(run(store, "articles", "--json"))
    assert [r["url"] for r in rows] == [HOSTILE_URL, FRIGATE_URL]  # newest first
    assert [
        r["url"]
        for r in json.loads(run(store, "articles", "--source", "alpha", "--json"))
    ] == [FRIGATE_URL]
    # a relevance term, or a word of the title
    assert [
        r["url"]
        for r in json.loads(run(store, "articles", "--topic", "frigate", "--json"))
    ] == [FRIGATE_URL]
    assert [
        r["url"]
        for r in json.loads(run(store, "articles", "--topic", "hostile", "--json"))
    ] == [HOSTILE_URL]
    assert len(json.loads(run(store, "articles", "--changed-only", "--json"))) == 2
    assert (
        json.loads(run(store, "articles", "--since", "2026-11-02T08:30", "--json"))[0][
            "url"
        ]
        == HOSTILE_URL
    )
    assert json.loads(run(store, "articles", "--since", "2030-01-01", "--json")) == []


def test_articles_pages_with_limit_and_offset(store):
    first = json.loads(run(store, "articles", "--limit", "1", "--json"))
    second = json.loads(
        run(store, "articles", "--limit", "1", "--offset", "1", "--json")
    )
    assert [r["url"] for r in first + second] == [HOSTILE_URL, FRIGATE_URL]


def test_articles_table_is_readable(store):
    out = run(store, "articles")
    assert "Navy" in out and "alpha" in out and "beta" in out


def test_show_prints_any_version(store):
    out = run(store, "show", FRIGATE_URL, "--version", "1")
    assert "Navy commissions new frigate" in out
    assert "The ship joins the northern fleet" in out
    assert "eight anti-ship missiles" in out and "Gotland" in out
    latest = json.loads(run(store, "show", FRIGATE_URL, "--json"))
    assert latest["version"] == 3 and "Gotland" not in " ".join(latest["body"])
    result = CliRunner().invoke(
        cli, ["--db", store, "show", FRIGATE_URL, "--version", "7"]
    )
    assert result.exit_code != 0


def test_search_finds_old_text_and_says_which_versions_had_it(store):
    hits = json.loads(run(store, "search", "Gotland", "--json"))
    assert [(h["url"], h["versions"], h["in_latest"]) for h in hits] == [
        (FRIGATE_URL, [1, 2], False)
    ]
    edited = json.loads(run(store, "search", "twelve missiles", "--json"))
    assert [h["versions"] for h in edited] == [[2, 3]]
    title = json.loads(run(store, "search", "commissions", "--json"))
    assert [(h["field"], h["versions"]) for h in title] == [("title", [1, 2, 3])]
    assert "removed" in run(store, "search", "Gotland")
    # FTS syntax in the query is taken as words to find, never as operators or an error
    assert json.loads(run(store, "search", 'frigate" OR "x', "--json")) == []
    assert json.loads(run(store, "search", '"frigate* (^', "--json"))


def test_search_index_follows_new_versions(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    assert json.loads(run(url, "search", "Gotland", "--json")) == []
    build_history(url)
    assert len(json.loads(run(url, "search", "Gotland", "--json"))) == 1


def test_export_jsonl_and_csv(store, tmp_path: Path):
    versions = [
        json.loads(line)
        for line in run(store, "export", "--what", "versions").splitlines()
    ]
    assert len(versions) == 5
    assert any("Gotland" in v["text"] for v in versions)
    changes = [
        json.loads(line)
        for line in run(store, "export", "--what", "changes").splitlines()
    ]
    assert {c["kind"] for c in changes} >= {"new"} and len(changes) == 5
    out = tmp_path / "articles.csv"
    run(store, "export", "--what", "articles", "--format", "csv", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["url"] for r in rows} == {FRIGATE_URL, HOSTILE_URL}
    assert json.loads(rows[0]["relevance_terms"])


def test_serve_is_a_command_bound_to_loopback_by_default():
    out = CliRunner().invoke(cli, ["--db", "sqlite://", "serve", "--help"]).output
    assert "--host" in out and "127.0.0.1" in out and "8470" in out
