"""Property tests the fault suite adds (the normaliser, differ and fingerprint properties - a text
never differs from itself, applying a diff gives the new version, normalising twice changes
nothing - live in tests/monitor/test_diffing_properties.py).

Here: page decoding never raises and never garbles text it can read; terminal escaping leaves no
control character; whatever paragraphs an article has, the store gives back exactly those.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from alerts.render import strip_control
from crawler.cleaning.decode import decode_html
from monitor.cli.output import safe
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.ingest import AlertRules, Recorder
from monitor.runs import start_run
from monitor.store import body_of, find_article_by_urls, versions_of
from tests.conftest import ItemFactory

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
LABELS = st.sampled_from(
    [None, "utf-8", "UTF8", "iso-8859-1", "latin-1", "windows-1252", "koi8-r", "bogus"]
)
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
CP1252_TEXT = st.text(
    st.characters(codec="cp1252", exclude_categories=("Cs",)), max_size=200
)


@FAST
@given(st.text(max_size=300), LABELS)
def test_utf8_pages_read_right_whatever_they_declare(
    text: str, header: str | None
) -> None:
    decoded, encoding = decode_html(text.encode("utf-8"), header)
    if not text.startswith("\ufeff"):  # a leading BOM is dropped
        assert (decoded, encoding) == (text, "utf-8")


@FAST
@given(CP1252_TEXT, st.sampled_from([None, "utf-8", "iso-8859-1", "windows-1252"]))
def test_cp1252_pages_read_right(text: str, header: str | None) -> None:
    data = text.encode("cp1252")
    # bytes holding a UTF-8 sequence (e.g. "Â" + no-break space) are read as mixed UTF-8 on
    # purpose: that pair is what mojibake looks like, not what an article says
    assume(UTF8_SEQUENCE.search(data) is None)
    decoded, _ = decode_html(data, header)
    assert decoded == text


@FAST
@given(st.binary(max_size=400), LABELS)
def test_any_bytes_decode_without_raising(data: bytes, header: str | None) -> None:
    decoded, encoding = decode_html(data, header)
    assert isinstance(decoded, str) and encoding


@FAST
@given(st.text(max_size=300))
def test_terminal_text_has_no_control_characters_left(text: str) -> None:
    for strip in (safe, strip_control):
        shown = strip(text)
        assert all(
            c in "\n\t" or not (ord(c) < 32 or 0x7F <= ord(c) <= 0x9F) for c in shown
        )
        assert strip(shown) == shown


_PARAGRAPH = st.text(min_size=1, max_size=120).filter(lambda t: t.strip() != "")


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(_PARAGRAPH, min_size=1, max_size=8), min_size=1, max_size=3))
def test_the_store_gives_back_exactly_the_paragraphs_of_each_version(
    make_item: ItemFactory, editions: list[list[str]]
) -> None:
    engine = make_engine("sqlite://")  # one in-memory store per example
    ensure_schema(engine)
    factory = session_factory(engine)
    recorder = Recorder(factory, AlertRules(), start_run(factory, scope="property"))
    url = "https://news.example.com/news/article/1/property"
    for body in editions:
        recorder.record(make_item(url, body=tuple(body), fetched_at=datetime.now(UTC)))
    with session_scope(factory) as session:
        article = find_article_by_urls(session, [url])
        assert article is not None
        stored = [body_of(session, v) for v in versions_of(session, article.id)]
    engine.dispose()
    # each version is one whole edition, in the order recorded (an edition equal to the one
    # before after normalisation, or a big shrink held for review, adds none)
    assert stored[0] == editions[0]
    remaining = iter(editions)
    assert all(any(body == e for e in remaining) for body in stored)
