"""What the spider yields: the contract between the crawler and whoever stores its output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from crawler.cleaning import CleanArticle

PageOutcome = Literal["not_modified", "unchanged", "gone", "redirected_away", "error"]
PageKind = Literal["article", "feed", "sitemap", "listing"]


@dataclass(kw_only=True, slots=True)
class ArticleItem:
    """One fetch of one article page that returned content, cleaned.

    ``article.failure`` is set when the page was fetched but is not an article the cleaner could
    extract (a consent wall, a stub, an error page): the store must hold it, not record a version.
    """

    source: str
    url: str  # the URL the response came from (after redirects), tracking parameters stripped
    requested_url: str  # the URL the spider asked for
    canonical_url: str  # rel=canonical / og:url when on the same site, else ``url``
    http_status: int
    fetched_at: datetime  # UTC
    raw_html: bytes
    raw_html_hash: str  # SHA-256 of the response body
    encoding: str
    etag: str | None
    last_modified: str | None
    article: CleanArticle
    relevance: float
    relevance_terms: tuple[str, ...]
    is_relevant: bool
    listed_modified_at: str | None = (
        None  # the publisher's own "changed" hint: lastmod / updated
    )


@dataclass(kw_only=True, slots=True)
class PageEventItem:
    """A fetch that produced no article content: unchanged, gone, moved away, or failed.

    ``outcome``:
      * ``not_modified``: the server answered 304 to our conditional request;
      * ``unchanged``: the body's hash equals the one stored, so it was not parsed again;
      * ``gone``: 404 or 410;
      * ``redirected_away``: the article now redirects to a home or section page;
      * ``error``: timeout, refused connection, 5xx, other 4xx, not HTML, too large...;
        also a feed, sitemap or listing page that could not be fetched or read (``page_kind``).
    """

    source: str
    url: str
    requested_url: str
    fetched_at: datetime
    outcome: PageOutcome
    http_status: int | None
    message: str
    etag: str | None = None
    last_modified: str | None = None
    # "article" for article pages; "feed" / "sitemap" / "listing" for a discovery page that failed
    # (always outcome "error"): the store reports it as an issue of the source, not of an article.
    page_kind: PageKind = "article"
