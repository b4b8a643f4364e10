"""The Atom feeds parse as Atom and link each change to its diff page."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from tests.web.asgi import get

A = "{http://www.w3.org/2005/Atom}"


def _feed(url: str, path: str) -> ET.Element:
    response = get(url, path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert root.findtext(f"{A}{tag}"), tag
    return root


def test_feed_entries_link_to_diff_pages_that_exist(history_store):
    root = _feed(history_store.url, "/feed.atom")
    entries = root.findall(f"{A}entry")
    assert len(entries) == 5  # 2 new articles + 3 edits
    diff_links = []
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert entry.findtext(f"{A}{tag}"), tag
        alternate = [
            l for l in entry.findall(f"{A}link") if l.get("rel") == "alternate"
        ]
        assert len(alternate) == 1
        href = alternate[0].get("href", "")
        if "/diff?" in href:
            diff_links.append(href)
    assert len(diff_links) == 3
    for href in diff_links:
        parts = urlsplit(href)
        assert parts.scheme == "http" and parts.netloc == "testserver"
        page = get(history_store.url, f"{parts.path}?{parts.query}")
        assert page.status_code == 200 and "<ins" in page.text


def test_per_source_feed_holds_only_that_source(history_store):
    root = _feed(history_store.url, "/sources/beta/feed.atom")
    entries = root.findall(f"{A}entry")
    assert len(entries) == 2
    assert {e.find(f"{A}category").get("term") for e in entries} == {"beta"}
    # the hostile headline is text in the feed, not markup
    assert all("<script>" in (e.findtext(f"{A}title") or "") for e in entries)
    assert get(history_store.url, "/sources/nope/feed.atom").status_code == 404
