"""Article metadata from schema.org JSON-LD, OpenGraph/meta tags and the page's own markup."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from crawler.cleaning.text import norm

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "techarticle",
    "scholarlyarticle", "report", "liveblogposting", "socialmediaposting", "webpage",
    "advertisercontentarticle", "satiricalarticle", "posting", "review",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str = ""
    authors: tuple[str, ...] = ()
    published_at: str | None = None
    modified_at: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    description: str = ""
    article_body: str = ""  # JSON-LD articleBody, possibly a teaser


def _walk_jsonld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(node.get(key), list | dict):
                yield from _walk_jsonld(node[key])


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {str(k).lower() for k in kinds}


@dataclass(frozen=True, slots=True)
class _Head:
    """What metadata is read from, gathered in one pass per tag (no full-tree XPath)."""

    metas: dict[str, str]
    canonical: str
    ld_json: tuple[str, ...]
    h1: str
    title: str
    time: str
    lang: str


def _canonical_link(doc: Any) -> str:
    """The href of the first rel=canonical link (a rel token, any case), in the head first.

    libxml2 ends the head early at the first thing it thinks belongs in a body (a stray BOM or
    text, a tracking pixel, an iframe): links after it land in the body, so they count too.
    """
    head = doc.find("head")
    links = (head.iter("link") if head is not None else iter(()), doc.iter("link"))
    for found in links:
        for link in found:
            href = norm(link.get("href") or "")
            if href and "canonical" in (link.get("rel") or "").lower().split():
                return href
    return ""


def _gather(doc: Any) -> _Head:
    metas: dict[str, str] = {}
    for meta in doc.iter("meta"):
        content = norm(meta.get("content") or "")
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        key = key or meta.get("http-equiv") or ""
        if content and key and key.lower() not in metas:
            metas[key.lower()] = content
    canonical = _canonical_link(doc)
    ld_json = tuple(
        script.text or ""
        for script in doc.iter("script")
        if (script.get("type") or "").strip().lower() == "application/ld+json"
    )
    return _Head(
        metas=metas,
        canonical=canonical,
        ld_json=ld_json,
        h1=_first_text(doc.iter("h1")),
        title=_first_text(doc.iter("title")),
        time=next(
            (t.get("datetime") or "" for t in doc.iter("time") if t.get("datetime")), ""
        ),
        lang=norm(
            doc.get("lang")
            or doc.get("{http://www.w3.org/XML/1998/namespace}lang")
            or ""
        ),
    )


def jsonld_article(scripts: tuple[str, ...]) -> dict[str, Any]:
    """The page's schema.org article object (the one with the longest body/headline), or {}."""
    best: dict[str, Any] = {}
    best_rank = (-1, -1)
    for text in scripts:
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            logger.debug("unparseable JSON-LD block skipped")
            continue
        for node in _walk_jsonld(data):
            types = _types(node)
            if not types & _ARTICLE_TYPES:
                continue
            body = node.get("articleBody")
            rank = (
                int(bool(types - {"webpage"})) + int("headline" in node),
                len(body) if isinstance(body, str) else 0,
            )
            if rank > best_rank:
                best, best_rank = node, rank
    return best


def _name(value: Any) -> str:
    if isinstance(value, str):
        return norm(value)
    if isinstance(value, dict):
        return _name(value.get("name", ""))
    return ""


def _names(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    names = [_name(item) for item in items]
    return tuple(dict.fromkeys(n for n in names if n and not n.startswith("http")))


def normalise_date(value: Any) -> str | None:
    """ISO 8601 as given, normalised when parseable (``Z`` becomes ``+00:00``)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text: str = value.strip()
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return text


def _meta(head: _Head, *names: str) -> str:
    for name in names:
        value = head.metas.get(name)
        if value:
            return value
    return ""


def _first_text(elements: Iterator[Any]) -> str:
    for element in elements:
        text = norm("".join(element.itertext()))
        if text:
            return text
    return ""


def _language(head: _Head, article: dict[str, Any]) -> str | None:
    in_language = article.get("inLanguage")
    lang = (
        head.lang
        or _meta(head, "og:locale", "language", "content-language")
        or (in_language if isinstance(in_language, str) else "")
    )
    lang = norm(lang).replace("_", "-")
    return lang or None


def _url(head: _Head, base: str | None) -> str | None:
    """rel=canonical (a link in the head), else og:url, made absolute; None when malformed."""
    href = head.canonical or _meta(head, "og:url")
    if not href:
        return None
    try:
        return urljoin(base, href) if base else href
    except ValueError:  # "http://[oops"
        return None


def _authors(doc: Any, head: _Head, article: dict[str, Any]) -> tuple[str, ...]:
    authors = _names(article.get("author"))
    if authors:
        return authors
    meta = _meta(
        head, "author", "article:author", "byl", "parsely-author", "sailthru.author"
    )
    if meta and not meta.startswith("http"):
        return (meta.removeprefix("By ").removeprefix("by "),)
    text = _first_text(
        iter(
            doc.xpath(
                "//*[@rel='author' or @itemprop='author' or contains(@class, 'author-name')]"
            )
        )
    )
    return (text.removeprefix("By ").removeprefix("by "),) if text else ()


def extract_metadata(doc: Any, url: str | None) -> Metadata:
    """Read metadata before the page is pruned (it lives in head, scripts and bylines)."""
    head = _gather(doc)
    article = jsonld_article(head.ld_json)
    publisher = article.get("publisher")
    title = (
        _name(article.get("headline"))
        or _meta(head, "og:title", "twitter:title")
        or head.h1
        or head.title
    )
    body = article.get("articleBody")
    description = article.get("description")
    return Metadata(
        title=title,
        authors=_authors(doc, head, article),
        published_at=normalise_date(
            article.get("datePublished")
            or _meta(head, "article:published_time", "datepublished", "pubdate", "date")
            or head.time
        ),
        modified_at=normalise_date(
            article.get("dateModified")
            or _meta(head, "article:modified_time", "og:updated_time", "datemodified")
        ),
        language=_language(head, article),
        canonical_url=_url(head, url),
        site_name=_meta(head, "og:site_name", "application-name")
        or _name(publisher)
        or None,
        description=(
            norm(description)
            if isinstance(description, str)
            else _meta(head, "og:description", "description")
        ),
        article_body=body.strip() if isinstance(body, str) else "",
    )
