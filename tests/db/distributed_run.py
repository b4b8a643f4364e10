"""Run ``defwatch enqueue`` and N ``defwatch worker`` processes, as a deployment would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Loopback: no AutoThrottle waits, quick give-up on a broken fetch.
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0")


@dataclass(frozen=True)
class WorkersRun:
    """What the workers printed, and how long the whole run took."""

    outputs: tuple[str, ...]
    elapsed_s: float


def _env() -> dict[str, str]:
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    for name in ("DEFWATCH_CONFIG", "DEFWATCH_DB", "DEFWATCH_REDIS"):
        environ.pop(name, None)
    return environ


def defwatch(*args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", *args]


def enqueue(config: Path, db_url: str, redis_url: str, prefix: str) -> str:
    """Push a round; returns what ``defwatch enqueue`` printed (raises when it failed)."""
    done = subprocess.run(
        defwatch(
            "--db",
            db_url,
            "--config",
            str(config),
            "enqueue",
            "--redis",
            redis_url,
            "--queue",
            prefix,
        ),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"enqueue failed ({done.returncode}): {done.stderr[-3000:]}")
    return done.stdout


def run_workers(
    count: int,
    config: Path,
    db_url: str,
    redis_url: str,
    prefix: str,
    *,
    idle_timeout_s: float = 2.0,
    deadline_s: float = 180.0,
) -> WorkersRun:
    """Start ``count`` workers at once and wait until every one stopped on its idle timeout."""
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            defwatch(
                "--db",
                db_url,
                "--config",
                str(config),
                "worker",
                "--redis",
                redis_url,
                "--queue",
                prefix,
                "--idle-timeout",
                str(idle_timeout_s),
                *FAST,
            ),
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]
    outputs = []
    for process in processes:
        remaining = max(1.0, deadline_s - (time.monotonic() - started))
        try:
            output, _ = process.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            raise
        if process.returncode != 0:
            raise RuntimeError(
                f"worker exited with {process.returncode}:\n{output[-5000:]}"
            )
        outputs.append(output)
    return WorkersRun(tuple(outputs), time.monotonic() - started)
