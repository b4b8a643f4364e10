"""Benchmark of the stored history: build a big SQLite store fast, then time the read paths.

    python bench/history.py                       # 100,000 articles x 10 versions (1,000,000)
    python bench/history.py --articles 10000      # scaled down
    python bench/history.py --db /tmp/h.sqlite3 --reuse   # time an existing store again

The store is written with SQLAlchemy Core executemany (not the Recorder): articles of 14-28
paragraphs of 25-55 words drawn from a word list with a Zipf-like frequency; each later version
edits one or two paragraphs (a few words replaced, or a sentence added), sometimes the headline or
the standfirst, as real edits do. Then it measures, over ``--queries`` random queries each, the
p50/p95 latency of: full-text search, an article's history (store query and web page), and the
changes page (web, all sources and one source); and the storage ratio: bytes of stored text of
all versions (distinct paragraphs + inline titles/standfirsts; raw HTML excluded) divided by
the bytes of the latest versions' text alone.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import Engine, create_engine, event, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.db import make_engine, session_factory
from monitor.models import Article, Base, Change, Paragraph, Source, Version
from monitor.search import ensure_search_index, search
from monitor.store import body_of, versions_of
from monitor.web import create_app
from monitor.web.history import timeline

# Real words, most frequent first (news prose and its defence vocabulary); the tail of invented
# words stands in for names, places and rarer terms so the vocabulary has a realistic long tail.
_COMMON_TEXT = (
    "the of and to a in that is for on said with as was by it at from his be has have an are "
    "not this but which its had were been their they will after more who also would about one "
    "two new year first over than other into last some could when up out there all three can "
    "defence ministry military forces army navy air force minister government officials troops "
    "missile missiles drone drones attack strike strikes border security war ceasefire talks "
    "frigate destroyer submarine aircraft carrier fighter jets tanks artillery ammunition "
    "contract billion budget procurement exercise exercises drills deployment deployed region "
    "president spokesman statement according reported reports sources week month monday "
    "tuesday wednesday thursday friday saturday sunday early late morning evening coast base "
    "fleet command commander general admiral soldiers killed wounded civilians city capital "
    "north south east west northern southern eastern western international alliance nato "
    "allies partners agreement deal sanctions intelligence satellite radar system systems "
    "defences interceptor launch launched test tested range capable production factory "
    "industry export exports order orders delivery delivered units battalion brigade division"
)
COMMON = tuple(_COMMON_TEXT.split())


def vocabulary(size: int, rng: random.Random) -> tuple[list[str], list[float]]:
    """Words and cumulative weights (Zipf-like: the k-th word has weight 1/k)."""
    words = list(COMMON)
    syllables = [
        "ka", "ro", "vi", "lan", "mer", "dos", "tri", "gal", "ben", "sor", "ul", "ex", "an",
        "tor", "pel", "nia", "sk", "ov", "ich", "berg", "port", "ia", "en", "ar", "um",
    ]  # fmt: skip
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    total, cumulative = 0.0, []
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return words, cumulative


POOL_WORDS = (
    2_000_000  # drawn once; sentences are random slices of it (fast to generate)
)


@dataclass(slots=True)
class Writer:
    """Generates articles and buffers their rows for executemany."""

    rng: random.Random
    pool: list[str]
    sources: int
    start: datetime
    next_paragraph: int = 1
    next_version: int = 1
    next_change: int = 1
    rows: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {
            "articles": [],
            "paragraphs": [],
            "versions": [],
            "changes": [],
        }
    )

    def words(self, count: int) -> list[str]:
        start = self.rng.randrange(len(self.pool) - count)
        return self.pool[start : start + count]

    def sentence(self, low: int, high: int) -> str:
        return " ".join(self.words(self.rng.randint(low, high))).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence(8, 18) for _ in range(self.rng.randint(2, 3)))

    def edit(self, paragraph: str, *, may_grow: bool = True) -> str:
        """Replace a few words, or add a sentence."""
        if may_grow and self.rng.random() < 0.3:
            return paragraph + " " + self.sentence(6, 14)
        tokens = paragraph.split()
        for word in self.words(self.rng.randint(1, 4)):
            tokens[self.rng.randrange(len(tokens))] = word
        return " ".join(tokens)

    def article(self, article_id: int, versions: int) -> None:
        seen_at = self.start + timedelta(minutes=article_id)
        title = self.sentence(6, 12).rstrip(".")
        standfirst = [self.sentence(14, 24)]
        body = [self.paragraph() for _ in range(self.rng.randint(14, 28))]
        stored: dict[str, int] = {}
        url = f"https://news{article_id % self.sources}.example.com/a/{article_id}"
        previous_version = None
        for number in range(1, versions + 1):
            if number > 1:
                for _ in range(self.rng.randint(1, 2)):
                    i = self.rng.randrange(len(body))
                    body[i] = self.edit(body[i])
                if self.rng.random() < 0.2:
                    title = self.edit(title, may_grow=False)
                if self.rng.random() < 0.1:
                    standfirst = [self.edit(standfirst[0], may_grow=False)]
            body_ids = [self._paragraph_id(article_id, p, stored) for p in body]
            at = seen_at + timedelta(hours=3 * (number - 1))
            version_id = self.next_version
            self.next_version += 1
            stamp = at.strftime(STAMP)
            self.rows["versions"].append(
                (
                    version_id, article_id, number, stamp, url, f"{version_id:064x}", title,
                    json.dumps(standfirst), '["Desk Reporter"]', _ids(body_ids),
                    json.dumps(["p"] * len(body_ids)), "[]", None, None, 200, "", b"", "1",
                )
            )  # fmt: skip
            changed = 0 if number == 1 else self.rng.randint(3, 40)
            new = number == 1
            self.rows["changes"].append(
                (
                    self.next_change, article_id, f"bench:{version_id}", None,
                    previous_version, version_id, "new" if new else "body",
                    '["new"]' if new else '["body"]',
                    "new article" if new else "1 paragraph edited", 0.0 if new else 0.05,
                    changed // 2, changed - changed // 2, "{}", not new, stamp,
                )
            )  # fmt: skip
            self.next_change += 1
            previous_version = version_id
        self.rows["articles"].append(
            (
                article_id, article_id % self.sources + 1, url, title, "active",
                seen_at.strftime(STAMP), at.strftime(STAMP), None, None, 0.8, '["missile"]',
                True, versions, None, None, None, 0,
            )
        )  # fmt: skip

    def _paragraph_id(
        self, article_id: int, paragraph: str, stored: dict[str, int]
    ) -> int:
        key = hashlib.blake2b(paragraph.encode(), digest_size=16).hexdigest()
        if key not in stored:
            stored[key] = self.next_paragraph
            self.rows["paragraphs"].append(
                (self.next_paragraph, article_id, key, paragraph)
            )
            self.next_paragraph += 1
        return stored[key]

    def flush(self, engine: Engine) -> None:
        """executemany through SQLAlchemy's connection (values already in SQLite's formats)."""
        with engine.begin() as conn:
            for table in (Article, Paragraph, Version, Change):
                name = table.__tablename__
                if self.rows[name]:
                    conn.exec_driver_sql(_insert_sql(table), self.rows[name])
                    self.rows[name] = []


# How SQLAlchemy stores a DateTime in SQLite (so the ORM reads the rows back unchanged).
STAMP = "%Y-%m-%d %H:%M:%S.%f"


def _ids(ids: list[int]) -> str:
    return "[" + ", ".join(map(str, ids)) + "]"


# The columns the row tuples hold, in order (named, so a column added later keeps its default).
ROW_COLUMNS = {
    "articles": (
        "id", "source_id", "canonical_url", "title", "status", "first_seen_at",
        "last_checked_at", "next_check_at", "published_at", "relevance", "relevance_terms",
        "is_relevant", "version_count", "etag", "last_modified", "raw_html_hash", "held_failures",
    ),
    "paragraphs": ("id", "article_id", "hash", "text"),
    "versions": (
        "id", "article_id", "number", "fetched_at", "url", "content_hash", "title", "standfirst",
        "authors", "body_ids", "body_kinds", "captions", "published_at", "modified_at",
        "http_status", "raw_html_hash", "raw_html_z", "cleaner_version",
    ),
    "changes": (
        "id", "article_id", "event_key", "run_id", "from_version_id", "to_version_id", "kind",
        "kinds", "summary", "significance", "words_added", "words_removed", "report",
        "is_alerted", "detected_at",
    ),
}  # fmt: skip


def _insert_sql(model: Any) -> str:
    """INSERT of the ROW_COLUMNS of a table."""
    columns = ROW_COLUMNS[model.__tablename__]
    return (
        f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )


def build(
    engine: Engine, articles: int, versions: int, sources: int, seed: int
) -> None:
    """Write the store: tables, bulk rows, then the secondary and search indexes at once.

    (A bulk load is several times faster into bare tables; indexes built afterwards are sorted
    once instead of updated row by row.)
    """
    Base.metadata.create_all(engine)
    indexes = [
        index for table in Base.metadata.sorted_tables for index in table.indexes
    ]
    for index in indexes:
        index.drop(engine)
    rng = random.Random(seed)
    words, weights = vocabulary(20_000, rng)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Source.__table__),
            [
                {"id": i + 1, "name": f"source-{i}", "created_at": start}
                for i in range(sources)
            ],
        )
    writer = Writer(
        rng, rng.choices(words, cum_weights=weights, k=POOL_WORDS), sources, start
    )
    began = time.perf_counter()
    for article_id in range(1, articles + 1):
        writer.article(article_id, versions)
        if article_id % 2000 == 0:
            writer.flush(engine)
            rate = article_id / (time.perf_counter() - began)
            print(f"  {article_id:,} articles ({rate:,.0f}/s)", file=sys.stderr)
    writer.flush(engine)
    print(
        f"rows written in {time.perf_counter() - began:.0f} s; indexing",
        file=sys.stderr,
    )
    began = time.perf_counter()
    for index in indexes:
        index.create(engine)
    ensure_search_index(engine)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    print(f"search index built in {time.perf_counter() - began:.0f} s", file=sys.stderr)


def bulk_engine(url: str) -> Engine:
    """An engine for the one-off load: no journal fsyncs, a big page cache (a crash = rebuild)."""
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-400000",
            "temp_store=MEMORY",
            "foreign_keys=OFF",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


Sample = tuple[float, float]  # (wall ms, CPU ms of this process)


def timed(calls: Iterator[Callable[[], object]]) -> list[Sample]:
    samples = []
    for call in calls:
        began, cpu = time.perf_counter(), time.process_time()
        call()
        samples.append(
            ((time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000)
        )
    return samples


def search_queries(engine: Engine, rng: random.Random, count: int) -> list[str]:
    """Two or three neighbouring words of random stored paragraphs (what a reader remembers)."""
    top = engine.connect().execute(text("SELECT max(id) FROM paragraphs")).scalar() or 1
    queries = []
    with engine.connect() as conn:
        while len(queries) < count:
            row = conn.execute(
                text("SELECT text FROM paragraphs WHERE id = :i"),
                {"i": rng.randint(1, top)},
            ).first()
            if row is None:
                continue
            tokens = [t.strip(".").lower() for t in row[0].split()]
            i = rng.randrange(max(1, len(tokens) - 3))
            queries.append(" ".join(tokens[i : i + rng.randint(2, 3)]))
    return queries


def cli_history(session: Any, article_id: int) -> object:
    """What ``defwatch history URL`` reads: every version and its body."""
    return [body_of(session, v) for v in versions_of(session, article_id)]


def measure(engine: Engine, queries: int, seed: int) -> dict[str, list[Sample]]:
    rng = random.Random(seed + 1)
    factory = session_factory(engine)
    with engine.connect() as conn:
        articles = conn.execute(text("SELECT max(id) FROM articles")).scalar() or 1
        sources = [r[0] for r in conn.execute(text("SELECT name FROM sources"))]
    app = create_app(engine)
    phrases = search_queries(engine, rng, queries)
    ids = [rng.randint(1, articles) for _ in range(queries)]

    def store_call(fn: Callable[[Any], object]) -> Callable[[], object]:
        def call() -> object:
            with factory() as session:
                return fn(session)

        return call

    results: dict[str, list[Sample]] = {}
    results["search (store)"] = timed(
        store_call(lambda s, q=q: search(s, q, limit=50)) for q in phrases
    )
    results["article history (store)"] = timed(
        store_call(lambda s, i=i: timeline(s, i)) for i in ids
    )
    results["history (CLI query path)"] = timed(
        store_call(lambda s, i=i: cli_history(s, i)) for i in ids
    )

    async def web(paths: list[str]) -> list[Sample]:
        transport = httpx.ASGITransport(app=app)
        samples = []
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench"
        ) as client:
            for path in paths:
                began, cpu = time.perf_counter(), time.process_time()
                response = await client.get(path)
                wall_ms = (time.perf_counter() - began) * 1000
                samples.append((wall_ms, (time.process_time() - cpu) * 1000))
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code}")
        return samples

    results["article page (web)"] = asyncio.run(web([f"/articles/{i}" for i in ids]))
    results["changes page (web)"] = asyncio.run(
        web([f"/?offset={50 * rng.randint(0, 20)}" for _ in range(queries)])
    )
    results["source changes page (web)"] = asyncio.run(
        web(
            [
                f"/sources/{rng.choice(sources)}?offset={50 * rng.randint(0, 5)}"
                for _ in range(queries)
            ]
        )
    )
    results["search page (web)"] = asyncio.run(
        web([f"/search?q={quote(q)}" for q in phrases])
    )
    return results


def storage(engine: Engine) -> tuple[int, int]:
    """(bytes of all versions' stored text, bytes of the latest versions' text)."""
    with engine.connect() as conn:
        paragraphs = conn.execute(
            text("SELECT total(length(CAST(text AS BLOB))) FROM paragraphs")
        ).scalar()
        heads = conn.execute(
            text(
                "SELECT total(length(CAST(title AS BLOB)) + length(CAST(standfirst AS BLOB))) "
                "FROM versions"
            )
        ).scalar()
        latest_heads = conn.execute(
            text(
                "SELECT total(length(CAST(v.title AS BLOB)) + length(CAST(v.standfirst AS BLOB))) "
                "FROM versions v JOIN articles a ON a.id = v.article_id AND v.number = a.version_count"
            )
        ).scalar()
        latest_body = conn.execute(
            text(
                "SELECT total(length(CAST(p.text AS BLOB))) FROM versions v "
                "JOIN articles a ON a.id = v.article_id AND v.number = a.version_count, "
                "json_each(v.body_ids) j JOIN paragraphs p ON p.id = j.value"
            )
        ).scalar()
    return int((paragraphs or 0) + (heads or 0)), int(
        (latest_heads or 0) + (latest_body or 0)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--db", type=Path, default=Path("/tmp/defwatch-bench-history.sqlite3")
    )
    parser.add_argument("--reuse", action="store_true", help="Time an existing store.")
    parser.add_argument("--build-only", action="store_true", help="Build, do not time.")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = f"sqlite:///{args.db}"
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        began = time.perf_counter()
        build(bulk_engine(url), args.articles, args.versions, args.sources, args.seed)
        print(
            f"built {args.db} in {time.perf_counter() - began:.0f} s", file=sys.stderr
        )
        if args.build_only:
            return
    engine = make_engine(url, read_only=True)
    with engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("articles", "versions", "paragraphs", "changes")
        }
    print("store: " + ", ".join(f"{n:,} {t}" for t, n in counts.items())
          + f"; file {args.db.stat().st_size / 1e6:,.0f} MB")  # fmt: skip
    results = measure(engine, args.queries, args.seed)
    print(
        f"\n{'query (ms)':<28}{'n':>5}{'p50':>9}{'p95':>9}{'max':>9}{'cpu p50':>9}"
        f"{'cpu p95':>9}  target p95 < 100 ms"
    )
    for name, samples in results.items():
        wall, cpu = [w for w, _ in samples], [c for _, c in samples]
        p95 = percentile(wall, 0.95)
        print(
            f"{name:<28}{len(samples):>5}{statistics.median(wall):>9.1f}{p95:>9.1f}"
            f"{max(wall):>9.1f}{statistics.median(cpu):>9.1f}{percentile(cpu, 0.95):>9.1f}"
            f"  {'ok' if p95 < 100 else 'OVER'}"
        )
    print(
        "(wall clock; cpu = this process's CPU time, which other load on the machine does not inflate)"
    )
    stored, latest = storage(engine)
    ratio = stored / latest if latest else 0.0
    print(
        f"\nstorage: all versions' text {stored / 1e6:,.1f} MB / latest versions' text "
        f"{latest / 1e6:,.1f} MB = {ratio:.2f}x  (target <= 2x: {'ok' if ratio <= 2 else 'OVER'})"
    )
    print(json.dumps({"counts": counts, "ratio": round(ratio, 3)}), file=sys.stderr)


if __name__ == "__main__":
    main()
