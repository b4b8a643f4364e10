"""Security faults: secrets never leak, scraped text cannot drive the terminal, the crawler stays on
its sources' sites, paths from the user are used literally.

Covered elsewhere (not repeated here): scraped text in email HTML and headers
(tests/alerts/test_alert_email.py::test_hostile_article_text_renders_literally,
::test_newlines_in_a_title_cannot_add_headers), Slack mrkdwn mentions and links
(tests/alerts/test_alert_slack.py::test_scraped_text_cannot_mention_link_or_script), the web
UI's CSP and escaping (tests/web/test_api.py::test_every_response_carries_the_security_headers,
::test_scraped_markup_is_escaped_in_every_page; tests/web/test_browser.py::
test_scraped_script_is_shown_as_text_and_never_runs), a crashing channel's secret
(tests/outbox/test_delivery.py::test_a_crashing_channel_neither_stops_the_others_nor_leaks_its_secret).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.e2e import defwatch
from tests.faults.conftest import FAST, stored_versions
from tests.faults.site import WORDS, Answer, FaultSite, serve
from tests.web.asgi import get as web_get

SECRET = "T0SECRET/B0SECRET/xoxSuperSecretWebhookToken"
# A title that would recolour the terminal, set its window title, hide text and print a link.
HOSTILE = (
    "\x1b[31mRed alert\x1b[0m frigate \x1b]0;pwned\x07 \x1b[8mhidden\x1b[28m "
    "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ \x9b2J"
)
CONTROL = ("\x1b", "\x07", "\x9b")


def _hostile_page() -> bytes:
    return (
        f"<html><head><title>x</title></head><body><article><h1>{HOSTILE}</h1>"
        f"<p>{WORDS}</p><p>{WORDS} Second paragraph.</p></article></body></html>"
    ).encode()


@dataclass
class Run:
    site: FaultSite
    other: FaultSite
    slack: FaultSite
    crawl: subprocess.CompletedProcess[str]
    db: str
    db_file: Path
    config: Path
    article: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("security")
    db_file = tmp / "store.sqlite3"
    db = f"sqlite:///{db_file}"
    offsite = {"/news/2026/11/28/offsite-frigate-story": Answer(200, _hostile_page())}
    slack_routes = {f"/services/{SECRET}": Answer(500, b"server error")}
    with (
        serve(offsite, host="localhost") as other,
        serve(slack_routes) as slack,
        serve({}) as site,
    ):
        article = site.url("/news/2026/11/28/frigate-red-alert")
        listing = (
            f'<html><body><a href="{article}">Frigate</a>'
            f'<a href="{other.url("/news/2026/11/28/offsite-frigate-story")}">Off</a>'
            "</body></html>"
        )
        site.routes["/news/"] = Answer(200, listing.encode())
        site.routes["/news/2026/11/28/frigate-red-alert"] = Answer(200, _hostile_page())
        config = tmp / "defwatch.toml"
        config.write_text(
            f'[[sources]]\nname = "desk"\nall_relevant = true\n'
            f'listing_pages = ["{site.url("/news/")}"]\n'
            "[alerts]\non_new_article = true\n"
            '[[alerts.channels]]\nname = "screen"\nkind = "console"\n'
            '[[alerts.channels]]\nname = "team"\nkind = "slack"\n'
            'webhook_url_env = "DEFWATCH_SLACK_WEBHOOK_URL"\n',
            "utf-8",
        )
        env = {"DEFWATCH_SLACK_WEBHOOK_URL": slack.url(f"/services/{SECRET}")}
        crawl = defwatch("--config", str(config), "--db", db, "crawl", *FAST, env=env)
        yield Run(site, other, slack, crawl, db, db_file, config, article)


@pytest.mark.slow
def test_the_slack_secret_is_in_no_output_log_or_database_byte(run: Run) -> None:
    assert run.crawl.returncode == 0, run.crawl.stderr
    assert any(p.startswith("/services/") for p in run.slack.requests)  # it was used
    for text in (run.crawl.stdout, run.crawl.stderr):
        assert SECRET not in text and "xoxSuperSecret" not in text
    for path in run.db_file.parent.glob("store.sqlite3*"):  # with the WAL
        assert b"xoxSuperSecret" not in path.read_bytes(), path


@pytest.mark.slow
def test_the_secret_is_not_in_pending_alerts_nor_the_web_pages(run: Run) -> None:
    env = {"DEFWATCH_SLACK_WEBHOOK_URL": run.slack.url(f"/services/{SECRET}")}
    pending = CliRunner().invoke(
        cli,
        ["--config", str(run.config), "--db", run.db, "alerts", "pending", "--json"],
        env=env,
    )
    assert pending.exit_code == 0, pending.output
    rows = json.loads(pending.output)
    assert [r["channel"] for r in rows] == ["team"]  # the failed Slack delivery waits
    assert "xoxSuperSecret" not in pending.output
    for path in ("/", "/articles", "/articles/1", "/api/articles/1/versions"):
        page = web_get(run.db, path)
        assert page.status_code == 200, path
        assert "xoxSuperSecret" not in page.text
    assert "Red alert" in web_get(run.db, "/articles/1").text


@pytest.mark.slow
def test_scraped_escape_sequences_never_reach_the_terminal(run: Run) -> None:
    stored = stored_versions(run.db, run.article)
    assert stored and "Red alert" in stored[0].title
    assert "Red alert" in run.crawl.stdout  # the console alert
    shown = [run.crawl.stdout]
    for args in (("history", run.article), ("changes", "--all"), ("diff", run.article)):
        result = CliRunner().invoke(cli, ["--db", run.db, *args])
        shown.append(result.output)
    for text in shown:
        assert not any(c in text for c in CONTROL), repr(text[:400])
    as_json = CliRunner().invoke(
        cli, ["--db", run.db, "history", run.article, "--json"]
    )
    assert (
        "\x1b" not in as_json.output
    )  # JSON escapes it (\u001b) for the script to judge
    assert json.loads(as_json.output)[0]["title"].startswith("\x1b[31mRed alert")


@pytest.mark.slow
def test_links_off_the_source_site_are_never_requested(run: Run) -> None:
    assert run.other.requests == []
    assert "/news/2026/11/28/frigate-red-alert" in run.site.requests


WEIRD = "$(touch PWNED); `touch PWNED2` ~user & |x"


def test_paths_from_the_user_are_used_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / WEIRD / "~"
    folder.mkdir(parents=True)
    config = folder / "defwatch $(id).toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{folder}/store $(id);.sqlite3"\n', "utf-8"
    )
    urls = folder / "urls;$(id).txt"
    urls.write_text("ftp://not-http.example/a\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    info = runner.invoke(cli, ["--config", str(config), "info"])
    refused = runner.invoke(
        cli, ["--config", str(config), "crawl", "--urls-file", str(urls)]
    )
    assert info.exit_code == 0, info.output
    assert (folder / "store $(id);.sqlite3").is_file()  # created exactly there
    assert "not an http(s) URL: 'ftp://not-http.example/a'" in refused.stderr
    assert not list(tmp_path.rglob("PWNED*"))


def test_a_tilde_in_a_database_path_is_not_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["--db", "sqlite:///~/defwatch-fault-test.sqlite3", "info"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "~" / "defwatch-fault-test.sqlite3").is_file()
    assert not (Path.home() / "defwatch-fault-test.sqlite3").exists()
