"""The whole monitor on a news site served on 127.0.0.1: crawl, store, re-crawl, edit, diff, alert."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from monitor.demo.site import (
    edited_articles,
    load_articles,
    serve_directory,
    write_site,
)
from tests.e2e import FAST, defwatch

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "site"
    with serve_directory(root) as base:
        write_site(root, load_articles(), base)
        yield root, base


def _config(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "defwatch.toml"
    path.write_text(
        f"""
[database]
url = "sqlite:///store.sqlite3"

[[sources]]
name = "desk"
listing_pages = ["{base}/"]
feeds = ["{base}/feed.xml"]
""",
        "utf-8",
    )
    return path


def test_recrawl_stores_nothing_and_an_edit_gives_one_version_and_one_alert(
    tmp_path, site
):
    root, base = site
    config = str(_config(tmp_path, base))
    first = defwatch("-v", "--config", config, "crawl", *FAST)
    assert first.returncode == 0, first.stderr
    assert "4 new articles" in first.stdout

    again = defwatch("-v", "--config", config, "crawl", *FAST)
    assert again.returncode == 0, again.stderr
    assert "0 new versions" in again.stdout and "[defwatch]" not in again.stdout

    write_site(root, edited_articles(load_articles()), base)
    edited = defwatch("-v", "--config", config, "crawl", *FAST)
    assert edited.returncode == 0, edited.stderr
    # a reworded paragraph and a changed headline; the rotated ad and bumped counter are not edits
    assert "2 new versions" in edited.stdout
    assert edited.stdout.count("[defwatch]") == 2
    assert "three Type 052D destroyers" in edited.stdout

    carrier = f"{base}/news/china-military/article/pla-navy-carrier-group-drills-western-pacific"
    history = json.loads(
        defwatch("--config", config, "history", carrier, "--json").stdout
    )
    assert [v["version"] for v in history] == [1, 2]
    assert "two Type 052D destroyers" in history[0]["text"]
    assert "three Type 052D destroyers" in history[1]["text"]
    assert history[0]["content_hash"] != history[1]["content_hash"]
    assert "Advertisement" not in history[1]["text"]

    changes = json.loads(
        defwatch("--config", config, "changes", "--since", "1h", "--json").stdout
    )
    assert sorted(
        (c["url"], c["from_version"], c["to_version"]) for c in changes
    ) == sorted(
        [
            (carrier, 1, 2),
            (
                f"{base}/news/china-military/article/hypersonic-missile-test-pacific",
                1,
                2,
            ),
        ]
    )
    diff = defwatch("--config", config, "diff", carrier)
    assert diff.returncode == 0
    assert "-The Shandong, accompanied by two" in diff.stdout
    assert "+The Shandong, accompanied by three" in diff.stdout

    # the alerts were delivered once: a further crawl sends nothing again
    quiet = defwatch("-v", "--config", config, "crawl", *FAST)
    assert "[defwatch]" not in quiet.stdout


class _TroubleHandler(BaseHTTPRequestHandler):
    """A site whose pages fail in the ways the web fails."""

    def do_GET(self) -> None:
        good = (
            "<html><head><title>Navy frigate programme</title></head><body><article><h1>Navy frigate "
            "programme delayed</h1><p>The navy's frigate programme is delayed by two years, the defence "
            "ministry said on Tuesday in a report to parliament about the warship budget.</p>"
            "<p>Officials blamed supply problems at the shipyard and rising costs for missiles.</p>"
            "</article></body></html>"
        )
        routes = {
            "/ok": (200, "text/html; charset=utf-8", good.encode()),
            "/broken": (
                200,
                "text/html",
                (good[:-40] + "<p><div><span>unclosed <b>markup").encode(),
            ),
            "/missing": (404, "text/html", b"<html><body>Not found</body></html>"),
            "/pdf": (200, "application/pdf", b"%PDF-1.4 binary"),
            "/robots.txt": (404, "text/plain", b""),
        }
        if self.path == "/slow":
            threading.Event().wait(6)
            return
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_broken_pages_are_errors_of_the_run_and_the_rest_goes_on(tmp_path):
    with ThreadingHTTPServer(("127.0.0.1", 0), _TroubleHandler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        urls = [f"{base}/{name}" for name in ("ok", "broken", "missing", "pdf", "slow")]
        db = f"sqlite:///{tmp_path / 's.sqlite3'}"
        args = ["-v", "--db", db, "crawl", *FAST]
        for url in urls:
            args += ["--url", url]
        result = defwatch(*args)
        server.shutdown()
    assert result.returncode == 3, result.stderr  # some pages failed
    assert (
        "2 new articles" in result.stderr
    )  # with failed pages the summary goes to stderr
    lines = result.stderr.splitlines()
    assert any(f"{base}/missing" in line and "404" in line for line in lines)
    assert any(f"{base}/pdf" in line and "pdf" in line.lower() for line in lines)
    assert any(
        f"{base}/slow" in line and ("timed out" in line or "timeout" in line.lower())
        for line in lines
    )
    history = defwatch("--db", db, "history", f"{base}/broken", "--json")
    assert json.loads(history.stdout)[0]["title"] == "Navy frigate programme delayed"


def test_demo_runs_offline_and_shows_the_diff_and_the_alert(tmp_path):
    result = defwatch("demo", cwd=tmp_path, timeout=180)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2 new versions" in out
    assert "+US Army fires Dark Eagle hypersonic missile in first Pacific test" in out
    assert "three Type 052D destroyers" in out
    assert "2 alerts sent" in out
    assert (tmp_path / "defwatch-demo.sqlite3").exists()
    db = f"sqlite:///{tmp_path / 'defwatch-demo.sqlite3'}"
    changes = json.loads(defwatch("--db", db, "changes", "--json").stdout)
    assert len(changes) == 2
    _ = replace  # dataclasses.replace is used by the demo's edits
