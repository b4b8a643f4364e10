"""Benchmark: 1 worker vs 2 workers crawling the same loopback site into PostgreSQL via Redis.

    /work/venv/bin/python bench/workers.py [--articles 1000] [--redis redis://127.0.0.1:6379/0]

Each run gets a fresh site server, a fresh PostgreSQL database and its own Redis key prefix; the
run is ``defwatch enqueue`` then N ``defwatch worker`` processes, as deployed. Throughput counts
the articles served between the first and the last article request (the crawl itself, without
process start-up or the idle timeout at the end); the wall time includes both. Worker CPU per page
shows the cost independent of what else runs on the machine: on a machine with free cores, N
workers go N times as fast until PostgreSQL or the site is the limit; ``load`` says how busy the
machine was.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.db.distributed_run import enqueue, run_workers
from tests.db.loopback_site import serve_site
from tests.services import fresh_postgres_database


@dataclass(frozen=True)
class Result:
    workers: int
    articles: int
    crawl_s: float
    wall_s: float
    cpu_s: float  # user+system CPU of the worker processes
    load: float  # 1-minute load average when the run ended (other jobs on the machine)
    refetched: int

    @property
    def pages_per_s(self) -> float:
        return self.articles / self.crawl_s if self.crawl_s else float("inf")


def measure(workers: int, articles: int, redis_url: str) -> Result:
    with (
        serve_site(articles) as site,
        fresh_postgres_database() as db_url,
        tempfile.TemporaryDirectory() as folder,
    ):
        config = site.write_config(Path(folder))
        prefix = f"defwatch-bench-{uuid.uuid4().hex[:8]}"
        enqueue(config, db_url, redis_url, prefix)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run = run_workers(workers, config, db_url, redis_url, prefix, deadline_s=1800)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        _delete_keys(redis_url, prefix)
        if run.failures():
            raise SystemExit(run.failures())
        hits = site.counted()
        return Result(
            workers=workers,
            articles=articles,
            crawl_s=site.article_span_s(),
            wall_s=run.elapsed_s,
            cpu_s=(after.ru_utime + after.ru_stime)
            - (before.ru_utime + before.ru_stime),
            load=os.getloadavg()[0],
            refetched=sum(n - 1 for n in hits.values() if n > 1),
        )


def _delete_keys(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    results = [measure(n, args.articles, args.redis) for n in (1, 2)]
    print(
        f"{'workers':>7} {'articles':>8} {'crawl s':>8} {'pages/s':>8} {'wall s':>7} "
        f"{'worker CPU s':>12} {'CPU ms/page':>11} {'load':>5} {'refetched':>9}"
    )
    for r in results:
        print(
            f"{r.workers:>7} {r.articles:>8} {r.crawl_s:>8.1f} {r.pages_per_s:>8.1f} "
            f"{r.wall_s:>7.1f} {r.cpu_s:>12.1f} {1000 * r.cpu_s / r.articles:>11.1f} "
            f"{r.load:>5.1f} {r.refetched:>9}"
        )
    print(
        f"speed-up 2 vs 1 workers: {results[1].pages_per_s / results[0].pages_per_s:.2f}x"
    )


if __name__ == "__main__":
    main()
