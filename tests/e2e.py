"""Helpers for end-to-end tests: run the real ``defwatch`` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAST = [
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "DOWNLOAD_TIMEOUT=3",
    "-s",
    "RETRY_TIMES=0",
]


def defwatch(
    *args: str,
    cwd: Path | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``defwatch ARGS`` as a user would; returns the finished process (never raises on exit code)."""
    environ = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    environ.pop("DEFWATCH_CONFIG", None)
    environ.pop("DEFWATCH_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=cwd or REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
