"""Run ``defwatch enqueue`` and N ``defwatch worker`` processes, as a deployment would."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Loopback: no AutoThrottle waits, quick give-up on a broken fetch.
FAST = (
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "RETRY_TIMES=0",
    "-s",
    "LOG_LEVEL=INFO",
)


@dataclass(frozen=True)
class WorkersRun:
    """What the workers printed, and how long the whole run took."""

    outputs: tuple[str, ...]
    returncodes: tuple[int, ...]
    elapsed_s: float

    def failures(self) -> str:
        """The output of every worker that did not exit 0 (empty when all succeeded)."""
        return "\n".join(
            f"worker {n} exited {code}:\n{out[-5000:]}"
            for n, (code, out) in enumerate(
                zip(self.returncodes, self.outputs, strict=True)
            )
            if code != 0
        )


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
    with tempfile.TemporaryDirectory(prefix="defwatch-workers-") as folder:
        # each worker logs to a file: a pipe nobody reads while waiting on another worker fills
        # up and blocks that worker mid-crawl (its fetches then time out)
        logs = [Path(folder) / f"worker-{n}.log" for n in range(count)]
        processes = []
        for log in logs:
            with log.open("w") as out:
                processes.append(
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
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        try:
            for process in processes:
                process.wait(max(1.0, deadline_s - (time.monotonic() - started)))
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        elapsed = time.monotonic() - started
        outputs = tuple(log.read_text("utf-8", errors="replace") for log in logs)
    codes = tuple(p.returncode for p in processes)
    return WorkersRun(outputs, codes, elapsed)
