"""Soak test of ``defwatch run``: many short-interval crawls of a loopback site; does memory stay flat?

    python bench/soak.py --minutes 30            # the full soak
    python bench/soak.py --minutes 5 --interval-s 5

Serves the demo news site on 127.0.0.1, edits an article every ``--edit-every-s`` seconds (so
changes and alerts keep flowing), runs the daemon as a subprocess and samples its resident memory
(VmRSS from /proc) every few seconds. Passes (exit 0) when the RSS at the end is within
``--max-growth`` (10 %) of the RSS just after the first crawl. Prints every figure; stops the
daemon with SIGTERM and checks that no crawl run was left open.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from monitor.demo.site import load_articles, serve_directory, write_site

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_EVERY_S = 5.0
REPORT_EVERY_S = 300.0  # a progress line with the RSS every five minutes


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (VmRSS of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def count(db: Path, query: str) -> int:
    """One number from the daemon's database (0 before it exists)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return int(conn.execute(query).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def write_config(folder: Path, base: str, interval_s: float) -> Path:
    """A config: one source (the demo site), short intervals, console alerts."""
    config = folder / "defwatch.toml"
    config.write_text(
        f"""
[[sources]]
name = "demo"
feeds = ["{base}/feed.xml"]
listing_pages = ["{base}/"]
discover_every_min = {interval_s / 60:.4f}

[schedule]
recheck_every_s = 5
alerts_every_s = 2
health_every_s = 30
jitter_s = 0

[[alerts.channels]]
name = "console"
kind = "console"
""",
        "utf-8",
    )
    return config


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument(
        "--interval-s", type=float, default=10.0, help="discovery interval"
    )
    parser.add_argument("--edit-every-s", type=float, default=30.0)
    parser.add_argument("--max-growth", type=float, default=0.10)
    parser.add_argument(
        "--keep", type=Path, help="keep the database and logs in this folder"
    )
    return parser.parse_args()


def soak(args: argparse.Namespace, folder: Path) -> int:
    """Run the soak in ``folder``; returns the exit code."""
    db = folder / "soak.sqlite3"
    site = folder / "site"
    articles = load_articles()
    with serve_directory(site) as base:
        write_site(site, articles, base)
        config = write_config(folder, base, args.interval_s)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_STATE_HOME": str(folder)}
        command = [
            sys.executable, "-m", "monitor", "--config", str(config), "--db",
            f"sqlite:///{db}", "-v", "run", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "LOG_LEVEL=WARNING",
        ]  # fmt: skip
        with (
            (folder / "daemon.out").open("w") as out,
            (folder / "daemon.err").open("w") as err,
        ):
            daemon = subprocess.Popen(command, env=env, stdout=out, stderr=err)
            try:
                return watch(args, daemon, db, site, base, articles)
            finally:
                daemon.send_signal(signal.SIGTERM)
                code = daemon.wait(120)
                print(f"daemon stopped with exit code {code}")
                left_open = count(
                    db, "SELECT count(*) FROM crawl_runs WHERE status = 'running'"
                )
                print(f"runs left 'running': {left_open}")


def watch(
    args: argparse.Namespace,
    daemon: subprocess.Popen[bytes],
    db: Path,
    site: Path,
    base: str,
    articles: list,  # type: ignore[type-arg]
) -> int:
    """Edit the site, sample memory, report."""
    finished = "SELECT count(*) FROM crawl_runs WHERE status IN ('ok', 'partial')"
    start = time.monotonic()
    while count(db, finished) < 1:
        if daemon.poll() is not None:
            print("the daemon exited before its first crawl", file=sys.stderr)
            return 1
        time.sleep(0.5)
    baseline = rss_kib(daemon.pid)
    print(
        f"first crawl done after {time.monotonic() - start:.0f}s; RSS {baseline} KiB",
        flush=True,
    )
    end = start + args.minutes * 60
    next_edit = time.monotonic() + args.edit_every_s
    samples: list[int] = []
    edits = 0
    next_report = time.monotonic() + REPORT_EVERY_S
    while time.monotonic() < end and daemon.poll() is None:
        if time.monotonic() >= next_report:
            elapsed = (time.monotonic() - start) / 60
            print(
                f"  {elapsed:5.1f} min: RSS {samples[-1]} KiB, {count(db, finished)} crawls",
                flush=True,
            )
            next_report += REPORT_EVERY_S
        if time.monotonic() >= next_edit:
            edits += 1
            first = articles[0]
            articles[0] = replace(
                first, body=(*first.body[:-1], f"Update {edits}: {first.body[-1]}")
            )
            write_site(site, articles, base)
            next_edit += args.edit_every_s
        samples.append(rss_kib(daemon.pid))
        time.sleep(SAMPLE_EVERY_S)
    if daemon.poll() is not None:
        print(f"the daemon died with exit code {daemon.returncode}", file=sys.stderr)
        return 1
    final = rss_kib(daemon.pid)
    growth = (final - baseline) / baseline
    runs = count(db, finished)
    print(f"duration: {(time.monotonic() - start) / 60:.1f} min")
    print(f"crawl runs finished: {runs}; site edits: {edits}")
    changes = count(db, "SELECT count(*) FROM changes WHERE kind != 'new'")
    sent = count(db, "SELECT count(*) FROM deliveries WHERE status = 'sent'")
    print(f"changes detected: {changes}; alerts sent: {sent}")
    print(f"RSS after first crawl: {baseline} KiB")
    print(f"RSS at end:            {final} KiB ({growth:+.1%})")
    print(
        f"RSS min/max sampled:   {min(samples, default=final)} / {max(samples, default=final)} KiB"
    )
    ok = abs(growth) <= args.max_growth
    print(f"memory flat within {args.max_growth:.0%}: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


def main() -> int:
    """Entry point."""
    args = parse_args()
    # `kill` stops the soak the way Ctrl-C does: the daemon is stopped and the figures printed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return soak(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="defwatch-soak-") as folder:
        return soak(args, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
