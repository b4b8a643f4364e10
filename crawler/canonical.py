"""Whether to believe the canonical URL a page declares.

Public API::

    choose_canonical(url, declared) -> str    declared when on the same site, else url

The cleaner reads what the page declares (``CleanArticle.canonical_url``: rel=canonical in the
head, else og:url) from the tree it parses anyway.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from crawler.urls import same_site, strip_tracking

logger = logging.getLogger(__name__)


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
