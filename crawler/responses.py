"""Turn an article response (or a failed fetch) into an ArticleItem or a PageEventItem.

Public API::

    HANDLED_STATUSES                                     statuses article requests let through
    page_event_for(response, fetch) -> PageEventItem | None   304, gone, moved away, error, unchanged
    article_item(response, fetch, lexicon, fetched_at=) -> ArticleItem   clean and score a page
    failure_event(exception, request, source) -> PageEventItem
    discovery_event(source, kind, url, status, message) -> PageEventItem   a feed/sitemap failed
    describe_failure(exception, url, timeout) -> str          one line: what went wrong, where
    redirected_away(original, final, listing_keys) -> bool
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawler.canonical import choose_canonical
from crawler.cleaning import CleanArticle, clean_html
from crawler.cleaning.decode import decode_html, looks_binary
from crawler.items import ArticleItem, PageEventItem
from crawler.redirects import RedirectRefused
from crawler.relevance import RelevanceLexicon, score_relevance
from crawler.urls import strip_tracking, url_key

logger = logging.getLogger(__name__)

# 304 answers our conditional requests; 4xx/5xx are turned into events instead of being dropped by
# Scrapy's HttpErrorMiddleware. 3xx are left out so that the redirect middleware follows them.
HANDLED_STATUSES = (304, *range(400, 600))
GONE_STATUSES = frozenset({404, 410})
# Scrapy's message when a body is over DOWNLOAD_MAXSIZE: "... 123 bytes which is larger than
# download max size (100) ..."; read to give a short message instead of a request repr.
_MAXSIZE_MESSAGE = re.compile(
    r"(\d+) bytes which is larger than download max size \((\d+)\)"
)
# Scrapy's message when a compressed body unpacks past DOWNLOAD_MAXSIZE (a gzip bomb).
_DECOMPRESSED_MESSAGE = re.compile(
    r"exceeded DOWNLOAD_MAXSIZE \((\d+) B\) during decompression"
)
# pyOpenSSL's reason inside a failed download: [('SSL routines', '', 'wrong version number')].
_TLS_REASON = re.compile(r"SSL routines', '[^']*', '([^']+)'")
# charset=... in a Content-Type header
_HEADER_CHARSET = re.compile(
    r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.IGNORECASE
)
# Content types whose body is an HTML page the cleaner can read.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class FetchContext:
    """What the spider knew when it asked for a page: which source, what is stored of it."""

    source: str
    key: str = ""  # url_key of the requested URL
    known_hash: str | None = None
    listed_modified_at: str | None = None
    listing_keys: frozenset[str] = frozenset()
    all_relevant: bool = False
    discovered: bool = (
        False  # found by discovery (not known, re-checked or watched directly)
    )
    learned: frozenset[str] = frozenset()  # the source's learned boilerplate lines


def _now() -> datetime:
    return datetime.now(UTC)


def _header(response: Any, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() if value else None


def content_type(response: Any) -> str:
    """The response's media type in lower case, without parameters ("" when absent)."""
    return (_header(response, "Content-Type") or "").split(";", 1)[0].strip().lower()


def is_html(response: Any) -> bool:
    """True for an HTML content type, or no content type and a body that starts like markup."""
    kind = content_type(response)
    if kind:
        return kind in HTML_TYPES
    return bool(response.body.lstrip()[:1] == b"<")


def requested_url(response: Any) -> str:
    """The URL the spider asked for, before any redirect."""
    redirects = response.request.meta.get("redirect_urls") or [response.request.url]
    return str(redirects[0])


def body_hash(body: bytes) -> str:
    """SHA-256 of a response body, hex."""
    return hashlib.sha256(body).hexdigest()


def redirected_away(original: str, final: str, listing_keys: Collection[str]) -> bool:
    """True when a redirect of an article lands on a home, section or listing page."""
    if url_key(original) == url_key(final):
        return False
    final_path = urlsplit(final).path.rstrip("/")
    original_path = urlsplit(original).path.rstrip("/")
    if not final_path:
        return True
    if original_path.startswith(final_path + "/"):
        return True
    return url_key(final) in listing_keys


def _event(
    response: Any, fetch: FetchContext, outcome: Any, message: str
) -> PageEventItem:
    return PageEventItem(
        source=fetch.source,
        url=strip_tracking(response.url),
        requested_url=requested_url(response),
        fetched_at=_now(),
        outcome=outcome,
        http_status=response.status,
        message=message,
        etag=_header(response, "ETag"),
        last_modified=_header(response, "Last-Modified"),
    )


def not_modified_event(
    fetch: FetchContext, url: str, *, etag: str | None, last_modified: str | None
) -> PageEventItem:
    """The event of a page the server answered 304 Not Modified (asked outside Scrapy)."""
    return PageEventItem(
        source=fetch.source,
        url=strip_tracking(url),
        requested_url=url,
        fetched_at=_now(),
        outcome="not_modified",
        http_status=304,
        message=f"not modified since last fetch: {url}",
        etag=etag,
        last_modified=last_modified,
    )


def page_event_for(response: Any, fetch: FetchContext) -> PageEventItem | None:
    """The event for a response that carries no new article content, else None."""
    status = response.status
    url = response.url
    if status == 304:
        return _event(
            response, fetch, "not_modified", f"not modified since last fetch: {url}"
        )
    if status in GONE_STATUSES:
        return _event(response, fetch, "gone", f"HTTP {status} from {url}")
    if status >= 300:
        return _event(response, fetch, "error", f"HTTP {status} from {url}")
    original = requested_url(response)
    if response.request.meta.get("redirect_urls") and redirected_away(
        original, url, fetch.listing_keys
    ):
        return _event(
            response, fetch, "redirected_away", f"{original} redirects to {url}"
        )
    if not is_html(response):
        kind = content_type(response) or "unknown content type"
        return _event(response, fetch, "error", f"not HTML ({kind}) at {url}")
    if fetch.known_hash and body_hash(response.body) == fetch.known_hash:
        return _event(response, fetch, "unchanged", f"same content as stored: {url}")
    return None


def _clean(response: Any, learned: frozenset[str]) -> tuple[CleanArticle, str]:
    """The cleaned article and the charset its text was read with.

    The cleaner gets the bytes, not Scrapy's text: Scrapy trusts the declared charset (a
    windows-1252 page declared UTF-8 becomes "Fr\ufffdgate", a UTF-8 page declared latin-1
    "FrÃ©gate"); crawler.cleaning.decode checks the bytes first.
    """
    body = response.body
    text, encoding = decode_html(body, _charset(response))
    try:
        # the text decoded once here (binary data goes as bytes, for the cleaner to refuse)
        page = body if looks_binary(body) else text
        return clean_html(page, response.url, learned_boilerplate=learned), encoding
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the crawl
        logger.warning("Cleaner failed on %s: %r", response.url, exc)
        failure = f"cleaner error: {type(exc).__name__}: {exc}"
        return CleanArticle(failure=failure), encoding


def _charset(response: Any) -> str | None:
    """The charset parameter of the Content-Type header, if any."""
    found = _HEADER_CHARSET.search(_header(response, "Content-Type") or "")
    return found.group(1) if found else None


def article_item(
    response: Any,
    fetch: FetchContext,
    lexicon: RelevanceLexicon,
    *,
    fetched_at: datetime,
) -> ArticleItem:
    """Clean, score and package a page that returned new content (received at ``fetched_at``)."""
    article, encoding = _clean(response, fetch.learned)
    url = strip_tracking(response.url)
    relevance = score_relevance(article, lexicon)
    return ArticleItem(
        source=fetch.source,
        url=url,
        requested_url=requested_url(response),
        canonical_url=choose_canonical(url, article.canonical_url),
        http_status=response.status,
        fetched_at=fetched_at,
        raw_html=response.body,
        raw_html_hash=body_hash(response.body),
        encoding=encoding,
        etag=_header(response, "ETag"),
        last_modified=_header(response, "Last-Modified"),
        article=article,
        relevance=relevance.score,
        relevance_terms=relevance.terms,
        is_relevant=fetch.all_relevant or lexicon.is_relevant(relevance),
        listed_modified_at=fetch.listed_modified_at,
    )


def describe_failure(exc: BaseException, url: str, timeout: float | None) -> str:
    """One line saying what went wrong and where."""
    host = urlsplit(url).hostname or url
    if isinstance(exc, DownloadTimeoutError | TwistedTimeoutError | TCPTimedOutError):
        after = f" after {timeout:g}s" if timeout else ""
        return f"timed out{after} fetching {url}"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return f"cannot resolve host {host} ({url})"
    if isinstance(exc, DownloadConnectionRefusedError | ConnectionRefusedError):
        return f"connection refused by {host} ({url})"
    if isinstance(exc, DownloadCancelledError):
        return _cancelled_message(exc, url)
    if isinstance(exc, ResponseDataLossError):
        return f"connection dropped mid-response from {url}"
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status} from {url}"
    if isinstance(exc, RedirectRefused):
        return str(exc)
    if isinstance(exc, IgnoreRequest):
        return _ignored_message(exc, url)
    return _other_message(exc, url)


def _ignored_message(exc: BaseException, url: str) -> str:
    found = _DECOMPRESSED_MESSAGE.search(str(exc))
    if found:
        return (
            f"body too large once decompressed (limit {found.group(1)} bytes) at {url}"
        )
    return f"not fetched ({_one_line(exc) or 'request ignored'}): {url}"


def _other_message(exc: BaseException, url: str) -> str:
    tls = _TLS_REASON.search(str(exc))
    if tls or "SSL" in type(exc).__name__:
        reason = tls.group(1) if tls else _one_line(exc)
        return f"TLS handshake failed ({reason}) fetching {url}"
    return f"{type(exc).__name__} fetching {url}: {_one_line(exc)}"


def _cancelled_message(exc: BaseException, url: str) -> str:
    found = _MAXSIZE_MESSAGE.search(str(exc))
    if found:
        size, limit = found.groups()
        return f"body too large ({size} bytes, limit {limit}) at {url}"
    return f"download cancelled ({_one_line(exc)}) fetching {url}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def discovery_event(
    source: str, kind: Any, url: str, status: int | None, message: str
) -> PageEventItem:
    """The error event of a feed, sitemap or listing page that could not be fetched or read."""
    return PageEventItem(
        source=source,
        url=strip_tracking(url),
        requested_url=url,
        fetched_at=_now(),
        outcome="error",
        http_status=status,
        message=f"cannot read {kind}: {message}",
        page_kind=kind,
    )


def failure_event(exc: BaseException, request: Any, source: str) -> PageEventItem:
    """The error event for a request that produced no usable response."""
    status = exc.response.status if isinstance(exc, HttpError) else None
    redirects = request.meta.get("redirect_urls") or [request.url]
    return PageEventItem(
        source=source,
        url=strip_tracking(request.url),
        requested_url=str(redirects[0]),
        fetched_at=_now(),
        outcome="gone" if status in GONE_STATUSES else "error",
        http_status=status,
        message=describe_failure(
            exc, request.url, request.meta.get("download_timeout")
        ),
    )
