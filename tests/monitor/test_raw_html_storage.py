"""Raw HTML is stored compressed and reads back byte for byte, also from stores of earlier releases."""

from __future__ import annotations

import zlib
from pathlib import Path

from monitor.store import compress, decompress

SEED_PAGE = Path(__file__).resolve().parents[1] / "fixtures"


def _pages() -> list[bytes]:
    pages = sorted(SEED_PAGE.rglob("*.html"))[:20]
    assert pages, "the test fixtures hold HTML pages"
    return [page.read_bytes() for page in pages]


def test_raw_html_reads_back_exactly_and_smaller() -> None:
    for raw in _pages():
        stored = compress(raw)
        assert decompress(stored) == raw
        assert len(stored) < len(raw) or len(raw) < 200


def test_versions_stored_with_zlib_by_earlier_releases_still_read_back() -> None:
    for raw in _pages():
        assert decompress(zlib.compress(raw, 6)) == raw
