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
from pathlib import Path

import pytest

from tests.e2e import defwatch
from tests.faults.conftest import FAST, change_kinds, issues, stored_versions
from tests.faults.site import WORDS, Answer, FaultSite, article_html, serve

pytestmark = pytest.mark.slow

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


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/news/binary", ""),
        ("/news/consent-wall", ""),
        ("/news/empty", ""),
        ("/news/twenty-mb", "too large"),
    ],
)
def test_pages_that_are_not_articles_get_no_version_and_one_line(
    crawl: Crawl, path: str, says: str
) -> None:
    assert stored_versions(crawl.db, crawl.site.url(path)) == []
    lines = crawl.lines_for(path)
    assert len(lines) == 1 and says in lines[0], crawl.result.stderr
    assert lines[0].startswith(("warning: ", "error: "))


def test_deep_markup_neither_crashes_nor_loses_the_article(crawl: Crawl) -> None:
    versions = stored_versions(crawl.db, crawl.site.url("/news/deep"))
    assert versions or crawl.lines_for("/news/deep"), crawl.result.stderr
    if versions:
        assert versions[0].title == "Deep markup"


def test_the_run_finishes_in_bounded_time_and_keeps_the_good_page(crawl: Crawl) -> None:
    assert crawl.seconds < 60
    assert "Traceback" not in crawl.result.stderr
    assert crawl.result.returncode in (0, 3), crawl.result.stderr
    good = stored_versions(crawl.db, crawl.site.url("/news/good"))
    assert [v.title for v in good] == ["Destroyer refit finished"]


def test_an_article_that_vanishes_and_comes_back_is_removed_then_restored(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 's.sqlite3'}"
    page = Answer(200, article_html("Submarine contract signed").encode())
    with serve({"/news/sub": page}) as site:
        url = site.url("/news/sub")
        args = ["--db", db, "crawl", *FAST, "--url", url]
        assert defwatch(*args).returncode == 0
        site.routes["/news/sub"] = Answer(404, b"<html>Not found</html>")
        gone = defwatch(*args)
        site.routes["/news/sub"] = page
        back = defwatch(*args)
    assert gone.returncode == 0, gone.stderr  # a removal is news, not a failure
    assert back.returncode == 0, back.stderr
    assert change_kinds(db, url) == ["new", "removed", "restored"]
    assert [v.number for v in stored_versions(db, url)] == [
        1
    ]  # same text: no new version
    assert not [i for i in issues(db) if i[0] == "error"]
