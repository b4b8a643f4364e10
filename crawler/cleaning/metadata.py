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


def jsonld_article(doc: Any) -> dict[str, Any]:
    """The page's schema.org article object (the one with the longest body/headline), or {}."""
    best: dict[str, Any] = {}
    best_rank = (-1, -1)
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
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


def _meta(doc: Any, *names: str) -> str:
    for name in names:
        found = doc.xpath(
            "//meta[@property=$n or @name=$n or @itemprop=$n]/@content", n=name
        )
        for value in found:
            if norm(value):
                return norm(value)
    return ""


def _first_text(doc: Any, xpath: str) -> str:
    for element in doc.xpath(xpath):
        text = norm("".join(element.itertext()))
        if text:
            return text
    return ""


def _language(doc: Any, article: dict[str, Any]) -> str | None:
    lang = (
        "".join(doc.xpath("/html/@lang | /html/@xml:lang")[:1])
        or _meta(doc, "og:locale", "language", "content-language")
        or (
            article.get("inLanguage")
            if isinstance(article.get("inLanguage"), str)
            else ""
        )
        or "".join(doc.xpath("//meta[@http-equiv='content-language']/@content")[:1])
    )
    lang = norm(str(lang)).replace("_", "-")
    return lang or None


def _url(doc: Any, base: str | None) -> str | None:
    found = doc.xpath("//link[@rel='canonical']/@href") or doc.xpath(
        "//meta[@property='og:url']/@content"
    )
    href = norm(found[0]) if found else ""
    if not href:
        return None
    return urljoin(base, href) if base else href


def _authors(doc: Any, article: dict[str, Any]) -> tuple[str, ...]:
    authors = _names(article.get("author"))
    if authors:
        return authors
    meta = _meta(
        doc, "author", "article:author", "byl", "parsely-author", "sailthru.author"
    )
    if meta and not meta.startswith("http"):
        return (meta.removeprefix("By ").removeprefix("by "),)
    text = _first_text(
        doc,
        "//*[@rel='author' or @itemprop='author' or contains(@class, 'author-name')]",
    )
    return (text.removeprefix("By ").removeprefix("by "),) if text else ()


def extract_metadata(doc: Any, url: str | None) -> Metadata:
    """Read metadata before the page is pruned (it lives in head, scripts and bylines)."""
    article = jsonld_article(doc)
    publisher = article.get("publisher")
    title = (
        _name(article.get("headline"))
        or _meta(doc, "og:title", "twitter:title")
        or _first_text(doc, "//h1")
        or _first_text(doc, "//title")
    )
    body = article.get("articleBody")
    description = article.get("description")
    return Metadata(
        title=title,
        authors=_authors(doc, article),
        published_at=normalise_date(
            article.get("datePublished")
            or _meta(doc, "article:published_time", "datePublished", "pubdate", "date")
            or "".join(doc.xpath("//time/@datetime")[:1])
        ),
        modified_at=normalise_date(
            article.get("dateModified")
            or _meta(doc, "article:modified_time", "og:updated_time", "dateModified")
        ),
        language=_language(doc, article),
        canonical_url=_url(doc, url),
        site_name=_meta(doc, "og:site_name", "application-name")
        or _name(publisher)
        or None,
        description=(
            norm(description)
            if isinstance(description, str)
            else _meta(doc, "og:description", "description")
        ),
        article_body=body.strip() if isinstance(body, str) else "",
    )
