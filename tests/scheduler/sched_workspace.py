"""Helpers of the scheduler tests: a config for the loopback site and ``defwatch`` as a real
subprocess in a folder of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Crawls of loopback: no AutoThrottle waits, quiet Scrapy.
FAST_CRAWL = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING")


def config_text(base: str, source_extra: str = "", tables: str = "") -> str:
    """A defwatch.toml watching the desk's feed and home page."""
    return f"""
[crawl]
obey_robots = true
download_timeout_s = 30

[[sources]]
name = "desk"
feeds = ["{base}/feed.xml"]
listing_pages = ["{base}/"]
{source_extra}

{tables}
"""


@dataclass
class Workspace:
    """A folder with a config and a database, and ``defwatch`` run inside it."""

    folder: Path
    config: Path
    db_url: str

    def command(self, *args: str) -> list[str]:
        """The argv of ``defwatch --config ... --db ... ARGS``."""
        return [
            sys.executable,
            "-m",
            "monitor",
            "--config",
            str(self.config),
            "--db",
            self.db_url,
            *args,
        ]

    def env(self) -> dict[str, str]:
        """The worktree importable; state files in the workspace."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
        )
        env["XDG_STATE_HOME"] = str(self.folder / "state")
        env.pop("DEFWATCH_DB", None)
        env.pop("DEFWATCH_CONFIG", None)
        return env

    def run(self, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
        """Run ``defwatch ARGS`` to completion (stdout is not a terminal, as under cron)."""
        return subprocess.run(
            self.command(*args),
            cwd=self.folder,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(
        self, *args: str, stdout: IO[str], stderr: IO[str]
    ) -> subprocess.Popen[str]:
        """Start ``defwatch ARGS`` in the background."""
        return subprocess.Popen(
            self.command(*args),
            cwd=self.folder,
            env=self.env(),
            stdout=stdout,
            stderr=stderr,
            text=True,
        )


def wait_for(
    condition: Callable[[], object], timeout: float, what: str, poll: float = 0.2
) -> object:
    """Poll ``condition`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)  # polling interval of a deadline loop, not a fixed wait
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
