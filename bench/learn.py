"""Benchmark of learned boilerplate: how long relearning one source takes after a crawl run.

    python bench/learn.py                         # 1,000 articles of one source, SQLite file
    python bench/learn.py --articles 5000 --db postgresql+psycopg://127.0.0.1/bench_learn

Writes a store (SQLAlchemy Core executemany, not the Recorder) of ``--articles`` articles of one
source, 18 paragraphs of 30-50 words each, 2 versions per article (the second edits one paragraph);
40% of the articles carry one promo line and every article a short "Share this" line. Then times,
``--repeat`` times each: the relearning of the source (``relearn_source``: the sample query of the
200 newest articles, the paragraph query, learning, replacing the learned rows, commit) and the
after-run query that finds the sources with new versions (``sources_with_new_versions``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.boilerplate import relearn_source, sources_with_new_versions
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.models import Article, Change, CrawlRun, Paragraph, Source, Version
from monitor.store import paragraph_hash

WORDS = [
    "the",
    "navy",
    "ministry",
    "said",
    "frigate",
    "missile",
    "drone",
    "budget",
    "exercise",
    "fleet",
    "army",
    "border",
    "officials",
    "statement",
    "defence",
    "contract",
    "submarine",
    "radar",
    "allies",
    "command",
    "troops",
    "coast",
    "base",
    "week",
    "report",
    "minister",
    "government",
    "deployment",
    "strike",
    "talks",
    "sanctions",
    "procurement",
    "aircraft",
    "carrier",
]
PROMO = "Subscribe to the Daily Brief for the morning's defence analysis."


def sentence(rng: random.Random) -> str:
    return (
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 50))).capitalize()
        + "."
    )


def build(url: str, articles: int, seed: int = 7) -> None:
    """A store of one source with ``articles`` articles of two versions each."""
    rng = random.Random(seed)
    engine = make_engine(url)
    ensure_schema(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        source_id = conn.execute(
            insert(Source).returning(Source.id), {"name": "bench", "created_at": now}
        ).scalar_one()
        run_id = conn.execute(
            insert(CrawlRun).returning(CrawlRun.id),
            {"scope": "bench", "started_at": now, "status": "ok"},
        ).scalar_one()
        for n in range(articles):
            seen = now - timedelta(minutes=articles - n)
            article_id = conn.execute(
                insert(Article).returning(Article.id),
                {
                    "source_id": source_id,
                    "canonical_url": f"http://127.0.0.1:9/news/{n}",
                    "title": f"Story {n}",
                    "status": "active",
                    "first_seen_at": seen,
                    "last_checked_at": seen,
                    "relevance_terms": [],
                    "version_count": 2,
                    "held_failures": 0,
                },
            ).scalar_one()
            body = [sentence(rng) for _ in range(18)] + ["Share this"]
            if rng.random() < 0.4:
                body.append(PROMO)
            edited = [*body[:5], sentence(rng), *body[6:]]
            texts = list(dict.fromkeys(body + edited))
            ids = dict(
                conn.execute(
                    insert(Paragraph).returning(Paragraph.hash, Paragraph.id),
                    [
                        {"article_id": article_id, "hash": paragraph_hash(t), "text": t}
                        for t in texts
                    ],
                ).all()
            )
            version_ids = []
            for number, paragraphs in ((1, body), (2, edited)):
                version_ids.append(
                    conn.execute(
                        insert(Version).returning(Version.id),
                        {
                            "article_id": article_id,
                            "number": number,
                            "fetched_at": seen,
                            "url": f"http://127.0.0.1:9/news/{n}",
                            "content_hash": f"{n}-{number}",
                            "title": f"Story {n}",
                            "standfirst": [],
                            "authors": [],
                            "body_ids": [ids[paragraph_hash(t)] for t in paragraphs],
                            "body_kinds": [],
                            "captions": [],
                            "http_status": 200,
                            "raw_html_hash": "",
                            "raw_html_z": b"",
                            "cleaner_version": "bench",
                        },
                    ).scalar_one()
                )
            conn.execute(
                insert(Change),
                {
                    "article_id": article_id,
                    "event_key": f"edit:{version_ids[1]}",
                    "run_id": run_id,
                    "from_version_id": version_ids[0],
                    "to_version_id": version_ids[1],
                    "kind": "edit",
                    "kinds": ["edit"],
                    "summary": "",
                    "report": {},
                    "is_alerted": False,
                    "detected_at": seen,
                },
            )
    engine.dispose()


def main() -> int:
    """Run the benchmark; prints one line per measured path."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="defwatch-bench-learn-") as scratch:
        url = args.db or f"sqlite:///{Path(scratch) / 'learn.sqlite3'}"
        started = time.perf_counter()
        build(url, args.articles)
        print(
            f"store: {args.articles} articles x 2 versions in {time.perf_counter() - started:.1f}s"
        )
        engine = make_engine(url)
        factory = session_factory(engine)
        relearn_ms, after_ms = [], []
        lines = 0
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            with session_scope(factory) as session:
                source = session.get_one(Source, 1)
                lines = len(relearn_source(session, source, datetime.now(UTC)).lines)
            t1 = time.perf_counter()
            with session_scope(factory) as session:
                found = sources_with_new_versions(session, 1)
            t2 = time.perf_counter()
            relearn_ms.append((t1 - t0) * 1000)
            after_ms.append((t2 - t1) * 1000)
        engine.dispose()
    print(
        f"relearn one source (200 newest of {args.articles}): median "
        f"{statistics.median(relearn_ms):.1f} ms, min {min(relearn_ms):.1f} ms "
        f"({lines} lines learned)"
    )
    print(
        f"sources with new versions in a run ({args.articles} changes): median "
        f"{statistics.median(after_ms):.1f} ms, min {min(after_ms):.1f} ms ({len(found)} found)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
