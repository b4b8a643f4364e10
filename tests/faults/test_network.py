"""Network faults, through the real crawler: each bad page is one error line, the rest is stored.

One crawl fetches every faulty page plus two good articles (one process start for the whole
module keeps the suite short); each test then checks one fault's line and the store.
"""

from __future__ import annotations

import gzip
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e import defwatch
from tests.faults.conftest import FAST, stored_versions
from tests.faults.site import (
    Answer,
    FaultSite,
    article_html,
    hang,
    serve,
    trickle,
    truncated,
)

pytestmark = pytest.mark.slow

HTML = (("Content-Type", "text/html; charset=utf-8"),)
ZEROS = gzip.compress(b"\0" * 8_000_000)  # ~8 kB on the wire, 8 MB unpacked


def _free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Crawl:
    site: FaultSite
    other: FaultSite
    result: subprocess.CompletedProcess[str]
    db: str
    refused: str

    def line_for(self, url: str) -> list[str]:
        return [line for line in self.result.stderr.splitlines() if url in line]


def _routes(other: FaultSite) -> dict[str, object]:
    return {
        "/news/good-one": Answer(
            200, article_html("Frigate programme delayed").encode()
        ),
        "/news/good-two": Answer(
            200, article_html("Destroyer refit finished").encode()
        ),
        "/news/hang": hang,
        "/news/trickle": trickle,
        "/news/too-many": Answer(429, b"slow down", (("Retry-After", "1"), *HTML)),
        "/news/server-error": Answer(500, b"<html>oops</html>"),
        "/news/loop-a": Answer(302, b"", (("Location", "/news/loop-b"),)),
        "/news/loop-b": Answer(302, b"", (("Location", "/news/loop-a"),)),
        "/news/off-site": Answer(
            302, b"", (("Location", other.url("/news/elsewhere")),)
        ),
        "/news/private": Answer(
            302, b"", (("Location", "http://169.254.169.254/latest/meta-data"),)
        ),
        "/news/huge": Answer(
            200, article_html("Huge", 10, "<p>" + "x" * 1_200_000 + "</p>").encode()
        ),
        "/news/gzip-bomb": Answer(200, ZEROS, (("Content-Encoding", "gzip"), *HTML)),
        "/news/truncated": truncated,
    }


def _config(path: Path, desk: list[str], partner: str) -> Path:
    """Source "desk" watches the faulty pages; "partner" allows redirects to localhost."""
    quoted = ", ".join(f'"{u}"' for u in desk)
    path.write_text(
        f'[[sources]]\nname = "desk"\nall_relevant = true\narticle_urls = [{quoted}]\n'
        f'[[sources]]\nname = "partner"\nall_relevant = true\narticle_urls = ["{partner}"]\n'
        'allowed_domains = ["127.0.0.1", "localhost"]\n',
        "utf-8",
    )
    return path


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    tmp = tmp_path_factory.mktemp("network")
    db = f"sqlite:///{tmp / 'store.sqlite3'}"
    elsewhere = {
        "/news/elsewhere": Answer(200, article_html("Elsewhere").encode()),
        "/news/partner-story": Answer(200, article_html("Partner story").encode()),
    }
    with serve(elsewhere, host="localhost") as other, serve({}) as site:
        site.routes.update(_routes(other))  # type: ignore[arg-type]
        refused = f"http://127.0.0.1:{_free_port()}/news/refused"
        urls = [site.url(p) for p in site.routes] + [
            refused,
            "http://news.defwatch-test.invalid/news/dns",
            site.url("/news/good-one").replace("http://", "https://"),
        ]
        site.routes["/news/partner-moved"] = Answer(
            302, b"", (("Location", other.url("/news/partner-story")),)
        )
        config = _config(tmp / "defwatch.toml", urls, site.url("/news/partner-moved"))
        result = defwatch("--config", str(config), "--db", db, "crawl", *FAST)
        yield Crawl(site, other, result, db, refused)


# (path or special key, what the page's one error line says)
FAULTS = [
    ("refused", "connection refused by 127.0.0.1"),
    ("dns", "cannot resolve host news.defwatch-test.invalid"),
    ("tls", "TLS handshake failed (wrong version number)"),
    ("/news/hang", "timed out after 2s"),
    ("/news/trickle", "timed out after 2s"),
    ("/news/too-many", "HTTP 429"),
    ("/news/server-error", "HTTP 500"),
    ("/news/loop-a", "max redirections reached"),
    ("/news/off-site", "redirects to another site"),
    ("/news/private", "redirects to another site (http://169.254.169.254/"),
    ("/news/huge", "body too large (1202"),
    ("/news/gzip-bomb", "body too large once decompressed (limit 1000000 bytes)"),
    ("/news/truncated", "connection dropped mid-response"),
]


def _url(crawl: Crawl, key: str) -> str:
    special = {
        "refused": crawl.refused,
        "dns": "http://news.defwatch-test.invalid/news/dns",
        "tls": crawl.site.url("/news/good-one").replace("http://", "https://"),
    }
    return special.get(key) or crawl.site.url(key)


@pytest.mark.parametrize(("key", "says"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_is_one_clear_error_line(crawl: Crawl, key: str, says: str) -> None:
    lines = crawl.line_for(_url(crawl, key))
    assert len(lines) == 1, crawl.result.stderr
    assert lines[0].startswith("error: ") and says in lines[0]
    assert "Traceback" not in crawl.result.stderr
    assert "Failure" not in lines[0] and "<GET" not in lines[0]


def test_some_pages_failed_exits_3_and_the_good_pages_are_stored(crawl: Crawl) -> None:
    assert crawl.result.returncode == 3, crawl.result.stderr
    assert "3 new articles" in crawl.result.stderr  # the two good ones, the partner's
    for path, title in (
        ("/news/good-one", "Frigate programme delayed"),
        ("/news/good-two", "Destroyer refit finished"),
    ):
        versions = stored_versions(crawl.db, crawl.site.url(path))
        assert [(v.number, v.title) for v in versions] == [(1, title)]


def test_redirects_off_the_site_are_not_followed(crawl: Crawl) -> None:
    assert "/news/elsewhere" not in crawl.other.requests
    assert stored_versions(crawl.db, crawl.other.url("/news/elsewhere")) == []


def test_a_redirect_is_followed_when_the_source_allows_the_domain(crawl: Crawl) -> None:
    assert "/news/partner-story" in crawl.other.requests
    story = stored_versions(crawl.db, crawl.other.url("/news/partner-story"))
    assert [v.title for v in story] == ["Partner story"]
