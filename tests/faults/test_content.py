"""Bad content, through the real crawler: wrong charsets, binary, huge, deep, walls, empty, 404.

Each page's text is stored right, or the page is held/failed with a line saying so: never stored
as mojibake, never a hang, never a crash of the run.
"""

from __future__ import annotations

import random
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from crawler.items import PageEventItem
from monitor.db import ensure_schema, make_engine, session_factory
from monitor.ingest import AlertRules, Recorder
from monitor.runs import start_run
from tests.e2e import defwatch
from tests.faults.conftest import FAST, change_kinds, issues, stored_versions
from tests.faults.site import WORDS, Answer, FaultSite, article_html, serve

# Accented words in every Western charset, and cp1252-only punctuation.
ACCENTED = "Le ministère a confirmé: la frégate coûtera “deux” milliards — l’armée"
MOJIBAKE = ("\ufffd", "Ã", "â€")


def _page(charset_header: str | None, text_encoding: str, meta: str = "") -> Answer:
    html = (
        f"<html><head>{meta}<title>Frégate</title></head><body><article>"
        f"<h1>Frégate retardée</h1><p>{ACCENTED}. {WORDS}</p><p>{WORDS} {ACCENTED}.</p>"
        "</article></body></html>"
    )
    kind = "text/html" + (f"; charset={charset_header}" if charset_header else "")
    return Answer(200, html.encode(text_encoding), (("Content-Type", kind),))


def _deep(levels: int) -> bytes:
    inner = f"<p>{WORDS} Deep paragraph.</p>"
    return (
        "<html><head><title>Deep</title></head><body><article><h1>Deep markup</h1>"
        f"<p>{WORDS}</p>"
        + "<div>" * levels
        + inner
        + "</div>" * levels
        + "</article></body></html>"
    ).encode()


CONSENT = (
    "<html><head><title>Before you continue</title></head><body><div class='consent'>"
    "<h1>We value your privacy</h1><button>Accept all cookies</button>"
    "<button>Manage options</button></div></body></html>"
)
ROUTES: dict[str, Answer] = {
    "/news/cp1252-said-utf8": _page("utf-8", "cp1252"),
    "/news/utf8-said-latin1": _page("iso-8859-1", "utf-8"),
    "/news/cp1252-no-charset": _page(None, "cp1252"),
    "/news/utf8-meta-only": _page(None, "utf-8", '<meta charset="utf-8">'),
    "/news/binary": Answer(
        200,
        random.Random(9).randbytes(200_000),
        (("Content-Type", "text/html"),),
    ),
    "/news/twenty-mb": Answer(200, b"<html><body>" + b"<p>word </p>" * 1_750_000),
    "/news/deep": Answer(200, _deep(10_000)),
    "/news/deep-500": Answer(200, _deep(500)),
    "/news/consent-wall": Answer(200, CONSENT.encode()),
    "/news/empty": Answer(200, b""),
    "/news/good": Answer(200, article_html("Destroyer refit finished").encode()),
}
# The 20 MB page runs under the default 10 MB limit (the others under FAST's 1 MB).
SETTINGS = [*FAST, "-s", "DOWNLOAD_MAXSIZE=10485760"]


@dataclass
class Crawl:
    site: FaultSite
    result: subprocess.CompletedProcess[str]
    db: str
    seconds: float

    def lines_for(self, path: str) -> list[str]:
        url = self.site.url(path)
        return [line for line in self.result.stderr.splitlines() if url in line]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    db = f"sqlite:///{tmp_path_factory.mktemp('content') / 'store.sqlite3'}"
    with serve(dict(ROUTES)) as site:
        args = ["--db", db, "crawl", *SETTINGS]
        for path in ROUTES:
            args += ["--url", site.url(path)]
        started = time.monotonic()
        result = defwatch(*args, timeout=100)
        yield Crawl(site, result, db, time.monotonic() - started)


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "/news/cp1252-said-utf8",
        "/news/utf8-said-latin1",
        "/news/cp1252-no-charset",
        "/news/utf8-meta-only",
    ],
)
def test_wrong_or_missing_charsets_never_store_mojibake(
    crawl: Crawl, path: str
) -> None:
    versions = stored_versions(crawl.db, crawl.site.url(path))
    if versions:
        text = " ".join((versions[0].title, *versions[0].body))
        assert not any(bad in text for bad in MOJIBAKE), text[:300]
        assert ACCENTED in text
    else:  # not stored: then the run says why
        assert crawl.lines_for(path), crawl.result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/news/binary", "binary data"),
        ("/news/consent-wall", ""),
        ("/news/empty", "empty page"),
    ],
)
def test_pages_that_are_not_articles_are_held_with_no_version(
    crawl: Crawl, path: str, says: str
) -> None:
    url = crawl.site.url(path)
    assert stored_versions(crawl.db, url) == []
    held = [m for severity, u, m in issues(crawl.db) if u == url]
    assert len(held) == 1 and says in held[0], issues(crawl.db)
    assert not crawl.lines_for(path)  # held pages are listed with -v / defwatch status


@pytest.mark.slow
def test_a_20_mb_page_is_refused_in_one_line(crawl: Crawl) -> None:
    url = crawl.site.url("/news/twenty-mb")
    assert stored_versions(crawl.db, url) == []
    lines = crawl.lines_for("/news/twenty-mb")
    assert len(lines) == 1 and lines[0].startswith("error: "), crawl.result.stderr
    assert "body too large (21000012 bytes, limit 10485760)" in lines[0]


@pytest.mark.slow
def test_deep_markup_is_held_not_stored_with_its_deep_text_missing(
    crawl: Crawl,
) -> None:
    url = crawl.site.url("/news/deep")
    assert stored_versions(crawl.db, url) == []  # libxml2 would drop the deep paragraph
    held = [m for _, u, m in issues(crawl.db) if u == url]
    assert held == [
        "not an article: markup nested too deep to read whole (over 2048 levels)"
    ]


@pytest.mark.slow
def test_the_run_finishes_in_bounded_time_and_keeps_the_good_page(crawl: Crawl) -> None:
    assert crawl.seconds < 60
    assert "Traceback" not in crawl.result.stderr
    assert crawl.result.returncode in (0, 3), crawl.result.stderr
    good = stored_versions(crawl.db, crawl.site.url("/news/good"))
    assert [v.title for v in good] == ["Destroyer refit finished"]


@pytest.mark.parametrize("outcome", ["unchanged", "not_modified"])
def test_an_article_back_with_the_same_bytes_after_a_404_is_restored(
    sqlite_db: str, make_item: Any, outcome: Any
) -> None:
    """The spider skips parsing a body whose hash is stored ("unchanged") or gets a 304: the
    article it returned must still be restored. (Back with new content is
    tests/monitor/test_ingest.py::test_a_page_that_disappears_is_recorded_as_removed_then_restored.)
    """
    engine = make_engine(sqlite_db)
    ensure_schema(engine)
    factory = session_factory(engine)
    recorder = Recorder(factory, AlertRules(), start_run(factory, scope="test"))
    item = make_item()
    recorder.record(item)
    for event, status in (("gone", 404), (outcome, 200)):
        recorder.record(
            PageEventItem(
                source=item.source,
                url=item.url,
                requested_url=item.url,
                fetched_at=datetime.now(UTC),
                outcome=event,
                http_status=status,
                message=f"HTTP {status}",
            )
        )
    assert change_kinds(sqlite_db, item.url) == ["new", "removed", "restored"]
    assert [v.number for v in stored_versions(sqlite_db, item.url)] == [1]
