"""The Atom feed of changes (RFC 4287): one entry per change, linking to its diff page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from monitor.listing import ChangeSummary

ATOM_NS = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 forbids; scraped text may hold them and must not break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def change_path(change: ChangeSummary) -> str:
    """The page a change is read on: its diff for an edit, else the article's timeline."""
    if change.is_edit:
        return (
            f"/articles/{change.article_id}/diff"
            f"?from={change.from_version}&to={change.to_version}"
        )
    return f"/articles/{change.article_id}"


def _add(
    parent: ET.Element, tag: str, text: str | None = None, **attrs: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def build_feed(
    changes: Sequence[ChangeSummary],
    *,
    title: str,
    feed_url: str,
    base_url: str,
) -> bytes:
    """The feed document as UTF-8 XML; ``base_url`` has no trailing slash."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    newest = max(
        (c.detected_at for c in changes), default=datetime(2000, 1, 1, tzinfo=UTC)
    )
    _add(feed, "updated", _iso(newest))
    _add(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=base_url + "/", type="text/html")
    author = _add(feed, "author")
    _add(author, "name", "defwatch")
    _add(feed, "generator", "defwatch")
    for change in changes:
        entry = _add(feed, "entry")
        _add(entry, "id", f"{base_url}/changes/{change.change_id}")
        _add(entry, "title", f"{change.kind}: {change.title}")
        _add(entry, "updated", _iso(change.detected_at))
        _add(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=base_url + change_path(change),
        )
        _add(entry, "link", rel="related", href=change.url)
        _add(entry, "category", term=change.source)
        _add(entry, "summary", f"{change.source}: {change.summary}")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
