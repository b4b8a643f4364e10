"""Run a real crawl in a subprocess for a test and read back its items (see run_crawl.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).resolve().parent / "run_crawl.py"
# Tests crawl loopback: no AutoThrottle waits, short timeouts, one retry.
FAST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 5,
    "RETRY_TIMES": 1,
    "LOG_LEVEL": "INFO",
}
CRAWL_DEADLINE_SECONDS = 90


@dataclass
class CrawlResult:
    """The items of one crawl (as JSON rows) and its log."""

    rows: list[dict[str, Any]]
    log: str

    @property
    def articles(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["type"] == "ArticleItem"]

    @property
    def events(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["type"] == "PageEventItem"]

    def article(self, path: str) -> dict[str, Any]:
        found = [r for r in self.articles if urlsplit(r["url"]).path == path]
        assert len(found) == 1, (path, [r["url"] for r in self.articles])
        return found[0]

    def event(self, path: str) -> dict[str, Any]:
        found = [r for r in self.events if urlsplit(r["requested_url"]).path == path]
        assert len(found) == 1, (
            path,
            [(r["requested_url"], r["outcome"]) for r in self.events],
        )
        return found[0]


def subprocess_env() -> dict[str, str]:
    """The environment for a crawl subprocess: the worktree and this folder importable."""
    env = dict(os.environ)
    paths = [str(ROOT), str(RUNNER.parent), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    return env


def run_crawl(tmp: Path, spec: dict[str, Any]) -> CrawlResult:
    """Run one crawl in a subprocess (the Twisted reactor cannot restart) and read its items."""
    output = tmp / "items.jsonl"
    spec = {**spec, "output": str(output)}
    spec["settings"] = {**FAST_SETTINGS, **spec.get("settings", {})}
    spec_path = tmp / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(spec_path)],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=CRAWL_DEADLINE_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    rows = [
        json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()
    ]
    return CrawlResult(rows=rows, log=done.stderr)
