"""Benchmark: what a defwatch crawl costs beyond fetching and cleaning.

In one run, on a loopback site of N article pages (served by a separate process):
  1. a bare Scrapy spider that only fetches the pages (same concurrency, same settings),
  2. the cleaner alone on the same pages (in this process),
  3. ``defwatch crawl`` of the site, first crawl (everything new),
  4. ``defwatch crawl`` again, the site unchanged.
Reports wall and CPU seconds and CPU per page; the targets: (3) CPU/page <= 1.25 x ((1) + (2)),
(4) no slower than (3), and (4), where every page answers 304, at least 3x faster (wall) than (3).

    python bench/crawl.py [--pages 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import compileall
import multiprocessing
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.sitegen import write_site
from crawler.cleaning import clean_html
from monitor.demo.site import serve_directory

SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
}

BARE_SPIDER = """
import sys
from scrapy.crawler import CrawlerProcess
from scrapy.spiders import SitemapSpider
from scrapy.settings import Settings

class Bare(SitemapSpider):
    name = "bare"
    sitemap_urls = [sys.argv[1]]
    def parse(self, response):
        return None

settings = Settings()
settings.setmodule("crawler.settings")
settings.set("ITEM_PIPELINES", {}, priority="cmdline")
for pair in sys.argv[2:]:
    k, v = pair.split("=", 1)
    settings.set(k, v, priority="cmdline")
process = CrawlerProcess(settings)
process.crawl(Bare)
process.start()
"""


def _serve(
    root: str,
    ready: multiprocessing.synchronize.Event,
    port: multiprocessing.sharedctypes.Synchronized,
) -> None:  # type: ignore[name-defined]
    with serve_directory(Path(root)) as base:
        port.value = int(base.rsplit(":", 1)[1])
        ready.set()
        while True:
            time.sleep(3600)


def _timed_child(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a child to completion; wall seconds and the CPU seconds it used (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _runs(database: Path) -> list[tuple[int, ...]]:
    """What the two crawl runs recorded (pages, new articles, versions, changes, unchanged)."""
    with closing(sqlite3.connect(database)) as db:
        return db.execute(
            "SELECT pages, articles_new, versions_new, changes_new, unchanged "
            "FROM crawl_runs ORDER BY id"
        ).fetchall()


STEPS = (
    "bare Scrapy fetch",
    "cleaner alone",
    "defwatch crawl, first",
    "defwatch crawl, unchanged",
)


@dataclass(frozen=True)
class Round:
    """One round of the four steps: (wall, CPU) seconds each, and what the two crawls stored."""

    times: dict[str, tuple[float, float]]
    stored: list[tuple[int, ...]]
    answered: list[str]


def _round(
    folder: Path, number: int, base: str, pages: list[bytes], urls: list[str]
) -> Round:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    times: dict[str, tuple[float, float]] = {}
    overrides = [f"{k}={v}" for k, v in SETTINGS.items()]
    times[STEPS[0]] = _timed_child(
        [sys.executable, "-c", BARE_SPIDER, base + "/sitemap.xml", *overrides], env
    )
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    for page, url in zip(pages, urls, strict=False):
        clean_html(page, url)
    times[STEPS[1]] = (
        time.perf_counter() - start_wall,
        time.process_time() - start_cpu,
    )
    database = folder / f"bench-{number}.sqlite3"
    config = folder / f"defwatch-{number}.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{database}"\n\n[[sources]]\nname = "bench"\n'
        f'sitemaps = ["{base}/sitemap.xml"]\nall_relevant = true\n',
        "utf-8",
    )
    crawl = [sys.executable, "-m", "monitor", "-q", "--config", str(config), "crawl"]
    for k, v in SETTINGS.items():
        crawl += ["-s", f"{k}={v}"]
    times[STEPS[2]] = _timed_child(crawl, env)
    log = folder / f"recrawl-{number}.log"
    times[STEPS[3]] = _timed_child([*crawl, "--log-file", str(log)], env)
    answered = re.findall(
        r"revalidated \d+ pages: \d+ not modified", log.read_text("utf-8")
    )
    return Round(times, _runs(database), answered)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of all four steps; the medians are reported (shared machines are noisy)",
    )
    options = parser.parse_args()
    # Scrapy runs from the byte code pip compiled when it installed it; give defwatch's own
    # modules the same (an editable checkout under PYTHONDONTWRITEBYTECODE=1 would otherwise
    # compile them from source in every crawl)
    for package in ("crawler", "monitor", "alerts"):
        compileall.compile_dir(REPO / package, quiet=1)
    with tempfile.TemporaryDirectory(prefix="defwatch-bench-") as name:
        folder = Path(name)
        root = folder / "site"
        root.mkdir()
        ready = multiprocessing.Event()
        port = multiprocessing.Value("i", 0)
        server = multiprocessing.Process(
            target=_serve, args=(str(root), ready, port), daemon=True
        )
        server.start()
        ready.wait(30)
        base = f"http://127.0.0.1:{port.value}"
        urls = write_site(root, options.pages, base)
        pages = [p.read_bytes() for p in sorted(root.glob("news/*/article/*"))]
        rounds = [
            _round(folder, number, base, pages, urls)
            for number in range(options.repeat)
        ]
        server.terminate()
    _report(rounds, len(urls), base)


def _report(rounds: list[Round], count: int, base: str) -> None:
    def median_of(step: str, which: int) -> float:
        return statistics.median(r.times[step][which] for r in rounds)

    print(f"{count} pages on {base}; {len(rounds)} round(s), medians\n")
    print(f"{'step':<28}{'wall s':>9}{'CPU s':>9}{'CPU ms/page':>13}")
    for step in STEPS:
        wall, cpu = median_of(step, 0), median_of(step, 1)
        print(f"{step:<28}{wall:>9.2f}{cpu:>9.2f}{1000 * cpu / count:>13.2f}")
    first_cpu = [
        r.times[STEPS[2]][1] / (r.times[STEPS[0]][1] + r.times[STEPS[1]][1])
        for r in rounds
    ]
    again_cpu = [r.times[STEPS[3]][1] / r.times[STEPS[2]][1] for r in rounds]
    walls = [r.times[STEPS[2]][0] / r.times[STEPS[3]][0] for r in rounds]
    print("\nratios per round, then their median:")
    for label, values, target in (
        ("first crawl CPU / (bare fetch + cleaner)", first_cpu, "<= 1.25"),
        ("unchanged re-crawl CPU / first crawl CPU", again_cpu, "<= 1.00"),
        ("first crawl wall / unchanged re-crawl wall", walls, ">= 3.00"),
    ):
        each = " ".join(f"{v:.2f}" for v in values)
        print(
            f"{label:<44} {each}  median {statistics.median(values):.2f}  (target {target})"
        )
    medians = {step: median_of(step, 1) for step in STEPS}
    print(
        f"\nratio of the medians, first crawl CPU / (bare fetch + cleaner): "
        f"{medians[STEPS[2]] / (medians[STEPS[0]] + medians[STEPS[1]]):.2f}"
    )
    # Noise on a shared machine only adds CPU time: each step's fastest round is the closest
    # to what it costs on a quiet machine (as timeit reports the minimum)
    fastest = {step: min(r.times[step][1] for r in rounds) for step in STEPS}
    print(
        "\nfastest round of each step, CPU s: "
        + ", ".join(f"{step} {fastest[step]:.2f}" for step in STEPS)
    )
    print(
        f"  first crawl / (bare fetch + cleaner): "
        f"{fastest[STEPS[2]] / (fastest[STEPS[0]] + fastest[STEPS[1]]):.2f}"
        f"; unchanged re-crawl / first crawl: {fastest[STEPS[3]] / fastest[STEPS[2]]:.2f}"
    )
    last = rounds[-1]
    print(f"\nre-crawl: {'; '.join(last.answered) or 'nothing revalidated'}")
    for label, row in zip(("first crawl", "re-crawl"), last.stored, strict=True):
        print(
            f"{label}: {row[0]} pages, {row[1]} new articles, {row[2]} new versions, "
            f"{row[3]} changes, {row[4]} unchanged"
        )


if __name__ == "__main__":
    main()
