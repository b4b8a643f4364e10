"""The process dies or the disk fails under a crawl: the store stays whole, nothing is lost.

SIGKILL at several points of a crawl, then crawl again: the SQLite file passes integrity_check,
every article served has its versions (numbered 1..n, each with all its paragraphs), and the
latest version of each is what the site serves now.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import string
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from monitor.db import ensure_schema, make_engine
from tests.e2e import REPO, defwatch
from tests.faults.conftest import FAST, stored_versions
from tests.faults.site import WORDS, Answer, FaultSite, serve

ARTICLES = 24


def _article(n: int, edition: int) -> bytes:
    title = f"Frigate {n} report edition {edition}"
    paragraphs = "".join(
        f"<p>{WORDS} Frigate {n}, part {p}, edition {edition}.</p>" for p in range(4)
    )
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


def _slow(body: bytes) -> object:
    """An article answered after 0.3 s: a crawl of 24, two at a time, takes 3.6 s, well beyond
    its first batch (recorded after 1 s), so a busy machine still sees it mid-crawl."""

    def write(handler: object, stop: threading.Event) -> None:
        stop.wait(0.3)
        handler._answer(Answer(200, body))  # type: ignore[attr-defined]

    return write


def _publish(site: FaultSite, edition: int) -> None:
    for n in range(ARTICLES):
        site.routes[f"/news/frigate-{n}"] = _slow(_article(n, edition))  # type: ignore[assignment]


def _start_crawl(
    db: str, urls_file: Path, *, capture: bool = False
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DEFWATCH_CONFIG", None)
    env.pop("DEFWATCH_DB", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor",
            "--db",
            db,
            "crawl",
            *FAST,
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=2",
            "--urls-file",
            str(urls_file),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
        text=True,
    )


def _versions_in(db_file: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as connection:
            return int(
                connection.execute("SELECT count(*) FROM versions").fetchone()[0]
            )
    except sqlite3.OperationalError:  # not created yet
        return 0


def _kill_after(db_file: Path, crawl: subprocess.Popen[str], versions: int) -> None:
    """SIGKILL the crawl once it has stored ``versions`` versions (it is then mid-crawl)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and crawl.poll() is None:
        if _versions_in(db_file) >= versions:
            crawl.send_signal(signal.SIGKILL)
            break
        threading.Event().wait(0.02)
    crawl.wait(timeout=30)
    assert crawl.returncode == -signal.SIGKILL, "the crawl ended before it was killed"


def _check_store(db_file: Path, site: FaultSite, edition: int) -> int:
    """Check the store whole; returns how many articles have more than one version."""
    with sqlite3.connect(db_file) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        orphans = connection.execute(
            "SELECT count(*) FROM versions v WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.id = v.article_id)"
        ).fetchone()
        assert orphans == (0,)
    db = f"sqlite:///{db_file}"
    edited = 0
    for n in range(ARTICLES):
        versions = stored_versions(db, site.url(f"/news/frigate-{n}"))
        assert [v.number for v in versions] == list(range(1, len(versions) + 1))
        assert all(len(v.body) == 4 for v in versions), n  # no half-written version
        assert versions[-1].title == f"Frigate {n} report edition {edition}"
        edited += len(versions) > 1
    return edited


@pytest.mark.slow
def test_sigkill_mid_crawl_loses_nothing_and_corrupts_nothing(tmp_path: Path) -> None:
    db_file = tmp_path / "store.sqlite3"
    db = f"sqlite:///{db_file}"
    with serve({}) as site:
        _publish(site, edition=1)
        urls_file = tmp_path / "urls.txt"
        urls_file.write_text(
            "\n".join(site.url(f"/news/frigate-{n}") for n in range(ARTICLES)), "utf-8"
        )
        # first run: edition 1, killed mid-crawl (SIGKILL: no cleanup, no rollback by us)
        _kill_after(db_file, _start_crawl(db, urls_file), versions=4)
        assert _versions_in(db_file) < ARTICLES, (
            "the crawl stored all before it was killed"
        )
        _publish(site, edition=2)  # every article edited while the crawl was dead
        final = defwatch("--db", db, "crawl", *FAST, "--urls-file", str(urls_file))
        assert final.returncode == 0, final.stderr
        # articles stored before the kill got edition 2 as version 2; the others only edition 2
        assert 0 < _check_store(db_file, site, edition=2) < ARTICLES


def _incompressible_article(n: int, rng: random.Random) -> bytes:
    words = (
        " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(150))
        for _ in range(5)
    )
    paragraphs = "".join(f"<p>{w} frigate destroyer navy.</p>" for w in words)
    return (
        f"<html><head><title>Big {n}</title></head><body><article><h1>Big {n}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


@contextmanager
def _tiny_disk(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {mounted.stderr!r}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _remount(disk: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(disk)], check=True)


@pytest.mark.slow
def test_a_full_disk_stops_the_crawl_with_one_line_and_no_partial_row(
    tmp_path: Path,
) -> None:
    rng = random.Random(3)
    routes = {
        f"/news/big-{n}": Answer(200, _incompressible_article(n, rng)) for n in range(6)
    }
    with _tiny_disk(tmp_path / "disk", "8m") as disk, serve(routes) as site:
        db = f"sqlite:///{disk / 'store.sqlite3'}"
        engine = make_engine(db)
        ensure_schema(engine)  # the empty store fits; a few of the articles will not
        engine.dispose()
        used_kb = sum(f.stat().st_size for f in disk.iterdir()) // 1024
        _remount(disk, f"{used_kb + 160}k")
        args = ["--db", db, "crawl", *FAST]
        for path in routes:
            args += ["--url", site.url(path)]
        full = defwatch(*args)
        assert full.returncode == 1, full.stderr
        assert full.stderr.strip().splitlines() == [
            line
            for line in full.stderr.strip().splitlines()
            if "database or disk is full" in line
        ]
        assert (
            "defwatch: cannot write to the database (database or disk is full)"
            in full.stderr
        )
        assert "Traceback" not in full.stderr
        with sqlite3.connect(disk / "store.sqlite3") as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored_before = sum(bool(stored_versions(db, site.url(p))) for p in routes)
        assert stored_before < len(routes)

        _remount(disk, "8m")
        again = defwatch(*args)
        assert again.returncode == 0, again.stderr
        for path in routes:  # every page refused for lack of space was fetched again
            versions = stored_versions(db, site.url(path))
            assert [(v.number, len(v.body)) for v in versions] == [(1, 5)]


LOCKED_LINE = (
    "defwatch: database error: database is locked (another program holds a "
    "write lock; the wait is set by ?timeout=SECONDS in a SQLite URL)"
)


@pytest.mark.slow
def test_a_database_locked_by_another_program_waits_then_fails_in_one_line(
    tmp_path: Path,
) -> None:
    """Locked before the crawl starts, then locked while a page is being recorded."""
    db_file = tmp_path / "store.sqlite3"
    db = f"sqlite:///{db_file}?timeout=1"  # the wait is the URL's, 30 s by default
    holder = sqlite3.connect(db_file, isolation_level=None, check_same_thread=False)

    def lock_then_answer(handler: object, stop: threading.Event) -> None:
        holder.execute("BEGIN EXCLUSIVE")  # another program writes while we fetch
        handler._answer(Answer(200, _article(2, 1)))  # type: ignore[attr-defined]

    ensure_schema(make_engine(db))
    routes = {"/news/frigate-1": Answer(200, _article(1, 1))}
    with serve(routes) as site:  # type: ignore[arg-type]
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        locked = defwatch(
            "--db", db, "crawl", *FAST, "--url", site.url("/news/frigate-1")
        )
        assert time.monotonic() - started < 40
        holder.execute("ROLLBACK")
        assert locked.returncode == 1
        assert locked.stderr.strip().splitlines() == [LOCKED_LINE]

        site.routes["/news/frigate-2"] = lock_then_answer  # type: ignore[assignment]
        url = site.url("/news/frigate-2")
        mid = defwatch("--db", db, "crawl", *FAST, "--url", url)
        holder.execute("ROLLBACK")
        assert mid.returncode == 1, mid.stderr
        assert mid.stderr.strip().splitlines() == [
            f"defwatch: cannot write to the database (database is locked); stopped at {url}"
        ]
        assert stored_versions(db, url) == []

        site.routes["/news/frigate-2"] = Answer(200, _article(2, 1))
        again = defwatch("--db", db, "crawl", *FAST, "--url", url)
    holder.close()
    assert again.returncode == 0, again.stderr
    assert [v.title for v in stored_versions(db, url)] == ["Frigate 2 report edition 1"]
    with sqlite3.connect(db_file) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
