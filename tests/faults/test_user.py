"""Mistakes a user makes: one clear line on stderr and the documented exit code each.

A malformed config and unknown keys are covered by tests/monitor/test_config.py
(test_a_bad_config_names_the_file_the_key_and_the_problem, test_the_cli_prints_one_line_and_exits_2...).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import EXIT_CONFIG, EXIT_ERROR, EXIT_OK, cli
from tests.e2e import defwatch
from tests.faults.conftest import FAST, article_count
from tests.faults.site import Answer, serve


def _run(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    return result.exit_code, result.stderr.strip().splitlines()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "url", ["ftp://x", "file:///etc/passwd", "javascript:alert(1)"]
)
def test_a_url_that_is_not_http_is_refused_before_anything_runs(
    tmp_path: Path, url: str
) -> None:
    db = f"sqlite:///{tmp_path / 's.sqlite3'}"
    code, lines = _run("--db", db, "crawl", "--url", url)
    assert code == EXIT_CONFIG
    assert lines[-1] == f"Error: Invalid value for --url: not an http(s) URL: {url!r}"
    assert not (tmp_path / "s.sqlite3").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--config", "{tmp}/missing.toml", "info"), "cannot read the config file"),
        (("crawl", "--urls-file", "{tmp}/missing.txt"), "cannot read the URLs file"),
    ],
)
def test_a_missing_file_is_a_config_error_naming_it(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    filled = [a.format(tmp=tmp_path) for a in args]
    code, lines = _run("--db", f"sqlite:///{tmp_path / 's.sqlite3'}", *filled)
    assert code == EXIT_CONFIG
    assert len(lines) == 1 and says in lines[0] and str(tmp_path) in lines[0]


def test_an_unreachable_database_is_one_line_with_the_password_hidden() -> None:
    url = f"postgresql://watch:hunter2secret@127.0.0.1:{_free_port()}/defwatch"
    code, lines = _run("--db", url, "info")
    assert code == EXIT_ERROR
    assert len(lines) == 1, lines
    assert "Connection refused" in lines[0] or "connection" in lines[0].lower()
    assert "hunter2secret" not in lines[0]


def test_a_database_url_that_is_not_one_is_a_clear_error() -> None:
    code, lines = _run("--db", "not a url", "info")
    assert code == EXIT_ERROR
    assert lines == [lines[0]] and "invalid database URL 'not a url'" in lines[0]


@pytest.mark.slow
def test_a_source_whose_feed_is_empty_says_so_and_succeeds(tmp_path: Path) -> None:
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>D</title></channel></rss>'
    routes = {
        "/feed.xml": Answer(200, feed, (("Content-Type", "application/rss+xml"),))
    }
    with serve(routes) as site:
        config = tmp_path / "defwatch.toml"
        config.write_text(
            f'[[sources]]\nname = "desk"\nfeeds = ["{site.url("/feed.xml")}"]\n',
            "utf-8",
        )
        db = f"sqlite:///{tmp_path / 's.sqlite3'}"
        result = defwatch("--config", str(config), "--db", db, "crawl", *FAST)
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"WARNING crawler.spiders.news: No links found in feed {site.url('/feed.xml')}"
    ]
    assert result.stdout == ""  # a clean run is quiet under cron
    assert article_count(db) == 0


def test_a_bad_cron_expression_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """The message itself: tests/scheduler/test_schedule_config.py::
    test_bad_cron_expression_names_file_key_and_example."""
    config = tmp_path / "defwatch.toml"
    config.write_text(
        '[[sources]]\nname = "desk"\nfeeds = ["https://desk.example/feed.xml"]\n'
        'schedule = "*/30 * * *"\n',
        "utf-8",
    )
    code, lines = _run("--config", str(config), "info")
    assert code == EXIT_CONFIG
    assert (
        len(lines) == 1 and "sources[0].schedule: invalid cron expression" in lines[0]
    )
