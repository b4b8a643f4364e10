"""The canonical URL a page declares, and whether to believe it.

Public API::

    declared_canonical(html, base_url) -> str | None    rel=canonical, else og:url (absolute)
    choose_canonical(url, declared) -> str               declared when on the same site, else url

Only the page's head is read, with a tag scanner instead of a second full parse of the page:
canonical links live in <head>, and the cleaner already parses the whole page once.
"""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import urljoin, urlsplit

from crawler.urls import same_site, strip_tracking

logger = logging.getLogger(__name__)

# Where the head ends; pages without one are scanned up to _MAX_SCAN characters.
_HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.IGNORECASE)
_MAX_SCAN = 300_000
_TAG = re.compile(r"<(link|meta)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([a-zA-Z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
)


def _attributes(raw: str) -> dict[str, str]:
    return {
        match.group(1).lower(): html.unescape(
            match.group(2) or match.group(3) or match.group(4) or ""
        ).strip()
        for match in _ATTRIBUTE.finditer(raw)
    }


def declared_canonical(page: str, base_url: str) -> str | None:
    """The page's rel=canonical link, else its og:url, made absolute; None when it has neither."""
    end = _HEAD_END.search(page, 0, _MAX_SCAN)
    head = page[: end.start() if end else _MAX_SCAN]
    canonical = og_url = ""
    for match in _TAG.finditer(head):
        attributes = _attributes(match.group(2))
        if match.group(1).lower() == "link":
            rels = attributes.get("rel", "").lower().split()
            if "canonical" in rels and not canonical:
                canonical = attributes.get("href", "")
        elif attributes.get("property", "").lower() == "og:url" and not og_url:
            og_url = attributes.get("content", "")
    found = canonical or og_url
    if not found:
        return None
    try:
        return urljoin(base_url, found)
    except ValueError:  # malformed ("http://[oops")
        return None


def choose_canonical(url: str, declared: str | None) -> str:
    """The page's declared canonical URL when it is on the same site as ``url``, else ``url``.

    A page must not claim another site's URL: that would let one site overwrite another's
    article in the store.
    """
    if not declared:
        return url
    try:
        if urlsplit(declared).scheme in ("http", "https") and same_site(url, declared):
            return strip_tracking(declared)
    except ValueError:
        pass
    logger.info("Ignoring canonical %s declared by %s: another site", declared, url)
    return url
