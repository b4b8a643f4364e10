"""Find article URLs in feeds, sitemaps and listing pages: pure functions on response bodies.

Public API::

    parse_feed(body, base_url) -> tuple[Candidate, ...]         RSS 2.0, RSS 1.0 (RDF) and Atom
    parse_sitemap(body, base_url) -> SitemapContent             index, urlset, Google news sitemap
    parse_listing(body, base_url) -> tuple[Candidate, ...]      every link on an HTML page
    gunzip_if_needed(body, max_size) -> bytes                   .xml.gz sitemaps
    newest_first(candidates) -> tuple[Candidate, ...]           by their date hint, undated last
    normalise_date(text) -> str | None                          RFC 822 / ISO 8601 -> ISO 8601

Namespaces are matched by local name, so feeds with odd or missing namespace declarations still parse.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from crawler.errors import CrawlerError

# Feed entry children that carry a date, best "changed" hint first.
_FEED_DATE_TAGS = ("updated", "modified", "date", "pubDate", "published", "issued")
_GZIP_MAGIC = b"\x1f\x8b"
_FEED_ROOTS = frozenset({"rss", "feed", "RDF"})  # RSS 0.9x/2.0, Atom, RSS 1.0
_LINK_SCHEMES_SKIPPED = ("javascript:", "mailto:", "tel:", "data:", "#")


class DiscoveryBodyError(CrawlerError):
    """A feed or sitemap body could not be read (not a feed, bad gzip, over the size limit)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL found while discovering, with the publisher's date hint when it gave one."""

    url: str
    modified_hint: str | None = None  # ISO 8601 when parseable, else as given


@dataclass(frozen=True, slots=True)
class SitemapContent:
    """What one sitemap file lists: more sitemaps (an index) or pages (a urlset)."""

    sitemaps: tuple[Candidate, ...] = ()
    pages: tuple[Candidate, ...] = ()
    is_news: bool = False  # a Google news sitemap: every page listed is an article


def _parse_xml(body: bytes) -> lxml.etree._Element | None:
    parser = lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )
    try:
        root = lxml.etree.fromstring(body.lstrip(), parser)
    except lxml.etree.XMLSyntaxError:
        return None
    return root


def _describe_root(root: lxml.etree._Element | None) -> str:
    if root is None:
        return "no XML found"
    return f"its root element is <{_local(root) or '?'}>"


def _local(element: lxml.etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comments, processing instructions
    return tag.rsplit("}", 1)[-1]


def _children(element: lxml.etree._Element, name: str) -> Iterator[lxml.etree._Element]:
    return (child for child in element if _local(child) == name)


def _text(element: lxml.etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join((element.text or "").split())


def _first_text(element: lxml.etree._Element, names: Iterable[str]) -> str:
    for name in names:
        for child in _children(element, name):
            if text := _text(child):
                return text
    return ""


def normalise_date(text: str | None) -> str | None:
    """ISO 8601 for an RFC 822 or ISO 8601 date; the text as given when neither parses."""
    if not text or not text.strip():
        return None
    text = text.strip()
    parsed = _parse_date(text)
    return parsed.isoformat() if parsed else text


def _parse_date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def parse_feed(body: bytes, base_url: str) -> tuple[Candidate, ...]:
    """The entry links of an RSS or Atom feed, in feed order, with updated/pubDate as the hint.

    Raises DiscoveryBodyError when the body is not a feed at all (an HTML page, an error page).
    """
    root = _parse_xml(body)
    if root is None or _local(root) not in _FEED_ROOTS:
        raise DiscoveryBodyError(f"not an RSS or Atom feed ({_describe_root(root)})")
    found: list[Candidate] = []
    for entry in root.iter():
        if _local(entry) not in ("item", "entry"):
            continue
        link = _entry_link(entry)
        if link:
            hint = normalise_date(_first_text(entry, _FEED_DATE_TAGS))
            found.append(Candidate(_join(base_url, link), hint))
    return _dedupe(found)


def _entry_link(entry: lxml.etree._Element) -> str:
    for link in _children(entry, "link"):
        href = (link.get("href") or "").strip()
        if href and link.get("rel", "alternate") == "alternate":
            return href
        if not href and (text := _text(link)):
            return text
    for guid in _children(
        entry, "guid"
    ):  # RSS: a permalink guid stands in for a missing link
        text = _text(guid)
        if (
            text.startswith(("http://", "https://"))
            and guid.get("isPermaLink") != "false"
        ):
            return text
    return ""


def parse_sitemap(body: bytes, base_url: str) -> SitemapContent:
    """A sitemap index's sitemaps, or a urlset's pages with lastmod (else news date) as the hint.

    Raises DiscoveryBodyError when the body is not a sitemap.
    """
    root = _parse_xml(body)
    if root is None or _local(root) not in ("urlset", "sitemapindex"):
        raise DiscoveryBodyError(f"not an XML sitemap ({_describe_root(root)})")
    if _local(root) == "sitemapindex":
        sitemaps = [
            Candidate(_join(base_url, loc), normalise_date(_first_text(s, ["lastmod"])))
            for s in _children(root, "sitemap")
            if (loc := _first_text(s, ["loc"]))
        ]
        return SitemapContent(sitemaps=_dedupe(sitemaps))
    pages: list[Candidate] = []
    is_news = False
    for url in _children(root, "url"):
        loc = _first_text(url, ["loc"])
        if not loc:
            continue
        news = next(_children(url, "news"), None)
        is_news = is_news or news is not None
        published = _first_text(news, ["publication_date"]) if news is not None else ""
        hint = _first_text(url, ["lastmod"]) or published
        pages.append(Candidate(_join(base_url, loc), normalise_date(hint)))
    return SitemapContent(pages=_dedupe(pages), is_news=is_news)


def parse_listing(body: bytes | str, base_url: str) -> tuple[Candidate, ...]:
    """Every distinct link on an HTML page, absolute, in page order (``<base href>`` honoured)."""
    if not body or not body.strip():
        return ()
    try:
        doc = lxml.html.document_fromstring(body, base_url=base_url)
    except (lxml.etree.ParserError, ValueError):
        return ()
    base = next(iter(doc.xpath("//base/@href")), None)
    start = (_join(base_url, str(base).strip()) or base_url) if base else base_url
    found = [
        Candidate(_join(start, href))
        for raw in doc.xpath("//a/@href")
        if (href := str(raw).strip())
        and not href.lower().startswith(_LINK_SCHEMES_SKIPPED)
    ]
    return _dedupe(found)


def gunzip_if_needed(body: bytes, max_size: int) -> bytes:
    """The body, gunzipped when it is gzip data; at most ``max_size`` bytes (0: no limit)."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, max_size or 0)
    except zlib.error as exc:
        raise DiscoveryBodyError(f"not valid gzip data: {exc}") from exc
    if max_size and decompressor.unconsumed_tail:
        raise DiscoveryBodyError(f"gunzipped body is over the {max_size} byte limit")
    return data


def newest_first(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """Candidates sorted by date hint, newest first; undated ones keep their order at the end."""
    dated: list[tuple[datetime, int, Candidate]] = []
    undated: list[Candidate] = []
    for index, candidate in enumerate(candidates):
        parsed = (
            _parse_date(candidate.modified_hint) if candidate.modified_hint else None
        )
        if parsed is None:
            undated.append(candidate)
        else:
            aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            dated.append((aware, -index, candidate))
    dated.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return (*(row[2] for row in dated), *undated)


def _join(base: str, href: str) -> str:
    """``href`` made absolute against ``base``; "" for a malformed URL ("http://[oops")."""
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def _dedupe(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """Candidates in order, each URL once, malformed (empty) ones dropped."""
    seen: set[str] = set()
    unique: list[Candidate] = []
    for candidate in candidates:
        if candidate.url and candidate.url not in seen:
            seen.add(candidate.url)
            unique.append(candidate)
    return tuple(unique)
