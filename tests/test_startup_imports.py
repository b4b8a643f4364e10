"""Start-up cost: ``defwatch crawl`` under cron loads only what a crawl needs.

A crawl of a store already at the newest schema, with email and Slack channels configured but
nothing to deliver, must not import the alert channels (httpx, Jinja2, Apprise), Alembic, Rich,
the web server, the scheduler or Redis: each costs start-up time on every cron run. Checked on the
real command, in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.demo.site import load_articles, serve_directory, write_site
from tests.e2e import FAST, REPO

pytestmark = pytest.mark.slow

# runs `defwatch ARGS` and writes the names of every module it imported to OUT
RECORDING_DEFWATCH = """
import atexit, sys
out, args = sys.argv[1], sys.argv[2:]
atexit.register(lambda: open(out, "w", encoding="utf-8").write("\\n".join(sorted(sys.modules))))
from monitor.cli import main
main(args)
"""

NOT_FOR_A_CRAWL = (
    "alembic",
    "httpx",
    "jinja2",
    "apprise",
    "rich",
    "starlette",
    "uvicorn",
    "apscheduler",
    "redis",
    "alerts.slack",
    "alerts.smtp",
    "alerts.webhook",
    "alerts.apprise_channel",
    "monitor.migrations.runner",
    "monitor.web",
    "monitor.daemon",
    "monitor.distributed",
    "monitor.cli.alerts_cmd",
    "monitor.cli.serve_cmd",
    "monitor.cli.run_cmd",
    "monitor.cli.demo_cmd",
)


def imported_by(
    tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "modules.txt"
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    for name in ("DEFWATCH_CONFIG", "DEFWATCH_DB"):
        environ.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", RECORDING_DEFWATCH, str(out), *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result, set(out.read_text("utf-8").split())


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(
        m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "site"
    with serve_directory(root) as base:
        write_site(root, load_articles(), base)
        yield base


def test_a_cron_crawl_with_nothing_to_deliver_loads_no_channel_web_or_migration_code(
    tmp_path: Path, site: str
) -> None:
    config = tmp_path / "defwatch.toml"
    config.write_text(
        f"""
[database]
url = "sqlite:///store.sqlite3"

[[sources]]
name = "desk"
listing_pages = ["{site}/"]

[[alerts.channels]]
kind = "email"
host = "127.0.0.1"
from = "defwatch@example.org"
to = ["desk@example.org"]

[[alerts.channels]]
kind = "slack"
webhook_url_env = "DEFWATCH_TEST_SLACK_URL"
""",
        "utf-8",
    )
    first, first_modules = imported_by(
        tmp_path, "--config", str(config), "crawl", *FAST
    )
    assert first.returncode == 0, first.stderr
    # a new store is created from the models and stamped at head: no migration to run either
    assert "alembic" not in first_modules

    again, modules = imported_by(
        tmp_path, "-v", "--config", str(config), "crawl", *FAST
    )
    assert again.returncode == 0, again.stderr
    assert "0 new articles" in again.stderr + again.stdout
    assert "crawler.spiders.news" in modules  # it did crawl, in this process
    assert loaded(modules, NOT_FOR_A_CRAWL) == []


def test_help_lists_the_commands_without_importing_them(tmp_path: Path) -> None:
    result, modules = imported_by(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert "crawl" in result.stdout
    assert loaded(modules, ("scrapy", "alembic", "httpx", "jinja2", "rich")) == []
    assert not [
        m for m in modules if m.startswith("monitor.cli.") and m.endswith("_cmd")
    ]
