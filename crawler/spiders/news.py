"""The ``news`` spider: discovers articles from feeds, sitemaps and listing pages, and fetches them.

Each article response becomes one ArticleItem, or a PageEventItem when there is no new content
(304, same hash as stored, 404/410, redirected to a home/section page, or an error). A feed,
sitemap or listing page that fails gives an error PageEventItem with ``page_kind`` set. Errors
never stop the crawl. Article URLs are deduplicated after canonicalisation (crawler.urls), so a
page listed by a feed, a sitemap and a listing page is fetched once. In process (monitor.crawl)::

    process.crawl(NewsSpider, sources=[SourceSpec(...)], known=[KnownPage(...)],
                  recheck=[KnownPage(...)], lexicon=RelevanceLexicon.default())

From the shell: ``scrapy crawl news -a url=https://... -a feed=... -a sitemap=... -a listing=...``
(see crawler.spiders.arguments).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler import discovery
from crawler.batching import Batcher
from crawler.discovery import Candidate
from crawler.errors import SourceConfigError
from crawler.items import ArticleItem
from crawler.links import LinkRules
from crawler.relevance import DEFAULT_TERMS, RelevanceLexicon
from crawler.responses import (
    HANDLED_STATUSES,
    FetchContext,
    article_item,
    describe_failure,
    discovery_event,
    failure_event,
    not_modified_event,
    page_event_for,
)
from crawler.revalidate import Politeness, Probe, Revalidator
from crawler.sources import KnownPage, SourceSpec
from crawler.spiders.arguments import (
    check_sources,
    is_http_url,
    source_from_arguments,
)
from crawler.urls import strip_tracking, url_key

logger = logging.getLogger(__name__)


CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")


def _probe_of(output: Any) -> Probe | None:
    """The revalidation probe of a conditional article request, else None."""
    if not isinstance(output, Request) or "defwatch_fetch" not in output.meta:
        return None
    headers = {
        name: value.decode("latin-1")
        for name in CONDITIONAL_HEADERS
        if (value := output.headers.get(name)) is not None
    }
    return Probe(output.url, headers) if headers else None


@dataclasses.dataclass(frozen=True, slots=True)
class _Page:
    """An article page waiting to be cleaned, and when it arrived."""

    response: Any
    fetch: FetchContext
    fetched_at: datetime


class NewsSpider(scrapy.Spider):  # type: ignore[misc]
    """Discover articles of the given sources and fetch them, plus known pages to re-check."""

    name = "news"

    def __init__(
        self,
        sources: Sequence[SourceSpec] | None = None,
        known: Sequence[KnownPage] = (),
        recheck: Sequence[KnownPage] = (),
        lexicon: RelevanceLexicon | None = None,
        *,
        url: str | None = None,
        feed: str | None = None,
        sitemap: str | None = None,
        listing: str | None = None,
        source: str | None = None,
        domains: str | None = None,
        max_articles: str | int | None = None,
        all_relevant: str | bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(sources, str):
            raise SourceConfigError(
                "sources must be SourceSpec objects; from the shell use -a url=/feed=/sitemap="
            )
        specs = list(sources or ())
        from_cli = source_from_arguments(
            url=url,
            feed=feed,
            sitemap=sitemap,
            listing=listing,
            source=source,
            domains=domains,
            max_articles=max_articles,
            all_relevant=all_relevant,
        )
        if from_cli is not None:
            specs.append(from_cli)
        check_sources(specs)
        if (
            sources is None and not specs and not recheck
        ):  # e.g. `scrapy crawl news` alone
            raise SourceConfigError(
                "nothing to crawl: pass sources or recheck, or -a url=/feed=/sitemap=/listing="
            )
        self._sources = {spec.name: spec for spec in specs}
        self._rules = {spec.name: LinkRules.for_source(spec) for spec in specs}
        self._listing_keys = {
            spec.name: frozenset(url_key(u) for u in spec.listing_pages)
            for spec in specs
        }
        self._known = {
            url_key(url): page
            for page in (*known, *recheck)
            for url in (page.url, *page.aliases)
            if is_http_url(url)
        }
        self._recheck = tuple(page for page in recheck if is_http_url(page.url))
        self._lexicon = lexicon
        self._scheduled: set[str] = set()
        self._discovered: Counter[str] = Counter()
        # The first date hint a feed or sitemap gave per URL key: a page found on a listing page
        # first still gets the hint when a feed lists it before its response arrives.
        self._hints: dict[str, str] = {}
        self._cleaning: Batcher[_Page, ArticleItem] | None = None  # from_crawler
        self._revalidator: Revalidator | None = (
            None  # made on the first conditional request
        )

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        """The spider, with its cleaning batches sized from the crawler's settings."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider._cleaning = Batcher(
            spider._clean,
            size=settings.getint("DEFWATCH_CLEAN_BATCH", 1),
            wait=settings.getfloat("DEFWATCH_CLEAN_BATCH_WAIT", 0.0),
            full=spider._holding_all_it_will,
        )
        return spider

    def _holding_all_it_will(self) -> bool:
        """Scrapy holds as many responses as SCRAPER_SLOT_MAX_ACTIVE_SIZE allows: it downloads
        nothing more until some are done, so the pages waiting to be cleaned must go now."""
        engine = getattr(self.crawler, "engine", None)
        slot = getattr(getattr(engine, "scraper", None), "slot", None)
        return slot is not None and bool(slot.needs_backout())

    # -- start ---------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """Known pages to re-check and watched articles first, then the discovery pages."""
        if self._lexicon is None:
            threshold = self.settings.getfloat("DEFWATCH_RELEVANCE_THRESHOLD", 0.5)
            self._lexicon = RelevanceLexicon(terms=DEFAULT_TERMS, threshold=threshold)
        async for output in self._settled(self._start_requests()):
            yield output

    async def _settled(self, outputs: Iterable[Any]) -> AsyncIterator[Any]:
        """``outputs`` as given, except conditional requests the server answers 304 to.

        Those are asked all at once by crawler.revalidate (much cheaper than through Scrapy)
        and become a ``not_modified`` event each; every other answer leaves the request to
        Scrapy. The other outputs go first, so discovery never waits on the asking.
        ``DEFWATCH_REVALIDATE=False`` sends every request through Scrapy.
        """
        probed: list[tuple[Request, Probe]] = []
        for output in outputs:
            probe = _probe_of(output) if self._revalidating else None
            if probe is None:
                yield output
            else:
                probed.append((output, probe))
        if not probed:
            return
        if self._revalidator is None:
            self._revalidator = Revalidator(Politeness.from_settings(self.settings))
        answers = await self._revalidator.ask([probe for _, probe in probed])
        for request, _ in probed:
            answer = answers.get(request.url)
            if answer is None:
                yield request
                continue
            fetch: FetchContext = request.meta["defwatch_fetch"]
            self.crawler.stats.inc_value("defwatch/outcome/not_modified")
            self.crawler.stats.inc_value("defwatch/revalidated")
            yield not_modified_event(
                fetch, request.url, etag=answer.etag, last_modified=answer.last_modified
            )

    async def closed(self, reason: str) -> None:
        """Close the revalidation's HTTP session when the crawl ends."""
        if self._revalidator is not None:
            await self._revalidator.close()

    @property
    def _revalidating(self) -> bool:
        return bool(self.settings.getbool("DEFWATCH_REVALIDATE", True))

    def _start_requests(self) -> Iterator[Request]:
        for page in self._recheck:
            yield from self._article_requests(
                page.source, [Candidate(page.url)], counted=False
            )
        for spec in self._sources.values():
            candidates = [Candidate(u) for u in spec.article_urls]
            yield from self._article_requests(spec.name, candidates, counted=False)
        for spec in self._sources.values():
            yield from self._discovery_requests(spec.name, spec.feeds, "feed")
            yield from self._discovery_requests(spec.name, spec.sitemaps, "sitemap")
            yield from self._discovery_requests(
                spec.name, spec.listing_pages, "listing"
            )

    def _discovery_requests(
        self, source: str, urls: Iterable[str], kind: str, depth: int = 0
    ) -> Iterator[Request]:
        callback = {
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "listing": self.parse_listing,
        }[kind]
        for url in urls:
            if not url.lower().startswith(("http://", "https://")):
                logger.warning("Skipping %s URL that is not http(s): %r", kind, url)
                continue
            yield Request(
                url,
                callback=callback,
                errback=self.discovery_failed,
                meta={
                    "defwatch_source": source,
                    "defwatch_kind": kind,
                    "defwatch_sitemap_depth": depth,
                },
            )

    # -- discovery ------------------------------------------------------------------------------

    async def parse_feed(self, response: Any) -> AsyncIterator[Any]:
        """Entry links of an RSS or Atom feed, newest first."""
        async for output in self._settled(self._parse_feed(response)):
            yield output

    def _parse_feed(self, response: Any) -> Iterator[Any]:
        source = response.meta["defwatch_source"]
        try:
            found = discovery.parse_feed(self._xml_body(response), response.url)
        except discovery.DiscoveryBodyError as exc:
            yield self._unreadable(response, exc)
            return
        self._log_found("feed", response.url, found)
        candidates = discovery.newest_first(self._follow(source, found, listed=True))
        yield from self._article_requests(source, candidates, counted=True)

    async def parse_sitemap(self, response: Any) -> AsyncIterator[Any]:
        """Sub-sitemaps of an index, or the article pages of a urlset, newest first."""
        async for output in self._settled(self._parse_sitemap(response)):
            yield output

    def _parse_sitemap(self, response: Any) -> Iterator[Any]:
        source = response.meta["defwatch_source"]
        try:
            content = discovery.parse_sitemap(self._xml_body(response), response.url)
        except discovery.DiscoveryBodyError as exc:
            yield self._unreadable(response, exc)
            return
        depth = response.meta.get("defwatch_sitemap_depth", 0) + 1
        if content.sitemaps:
            if depth > self.settings.getint("DEFWATCH_SITEMAP_MAX_DEPTH", 3):
                logger.warning(
                    "Sitemap index %s is nested too deep; not followed", response.url
                )
                return
            inside = [
                s.url for s in content.sitemaps if self._rules[source].in_domain(s.url)
            ]
            yield from self._discovery_requests(source, inside, "sitemap", depth)
            return
        self._log_found("sitemap", response.url, content.pages)
        # Google news sitemaps list only articles; a plain sitemap lists every page of the site.
        follow = self._follow(source, content.pages, listed=content.is_news)
        yield from self._article_requests(
            source, discovery.newest_first(follow), counted=True
        )

    async def parse_listing(self, response: Any) -> AsyncIterator[Any]:
        """Article links on a listing page, in page order."""
        async for output in self._settled(self._parse_listing(response)):
            yield output

    def _parse_listing(self, response: Any) -> Iterator[Any]:
        source = response.meta["defwatch_source"]
        if not hasattr(response, "text"):
            kind = (
                response.headers.get("Content-Type", b"").decode("latin-1")
                or "not text"
            )
            yield self._unreadable(response, f"not an HTML page ({kind})")
            return
        found = discovery.parse_listing(response.text, response.url)
        self._log_found("listing page", response.url, found)
        follow = self._follow(source, found, listed=False)
        yield from self._article_requests(source, follow, counted=True)

    def discovery_failed(self, failure: Any) -> Iterator[Any]:
        """A feed, sitemap or listing page could not be fetched: an error event, crawl goes on."""
        request = failure.request
        exc = failure.value
        message = describe_failure(
            exc, request.url, request.meta.get("download_timeout")
        )
        status = (
            exc.response.status if hasattr(exc, "response") and exc.response else None
        )
        yield self._discovery_error(request, status, message)

    def _unreadable(self, response: Any, problem: object) -> Any:
        return self._discovery_error(
            response.request, response.status, f"{problem}: {response.url}"
        )

    def _discovery_error(self, request: Any, status: int | None, message: str) -> Any:
        source = request.meta.get("defwatch_source", "")
        kind = request.meta.get("defwatch_kind", "feed")
        self.crawler.stats.inc_value("defwatch/discovery_errors")
        logger.warning("Discovery failed for source %s: %s %s", source, kind, message)
        return discovery_event(source, kind, request.url, status, message)

    def _xml_body(self, response: Any) -> bytes:
        limit = self.settings.getint("DEFWATCH_SITEMAP_MAX_BYTES", 0)
        return discovery.gunzip_if_needed(response.body, limit)

    def _follow(
        self, source: str, found: Iterable[Candidate], *, listed: bool
    ) -> list[Candidate]:
        rules = self._rules[source]
        return [c for c in found if rules.follows(c.url, listed=listed)]

    def in_source_domains(self, source: str, url: str) -> bool:
        """True when ``url`` is inside the allowed domains of ``source`` (crawler.redirects asks)."""
        rules = self._rules.get(source)
        return rules is not None and rules.in_domain(url)

    def _log_found(self, kind: str, url: str, found: Sequence[Candidate]) -> None:
        if not found:
            logger.warning("No links found in %s %s", kind, url)
        else:
            logger.debug("%d links in %s %s", len(found), kind, url)

    # -- articles -------------------------------------------------------------------------------

    def _article_requests(
        self, source: str, candidates: Iterable[Candidate], *, counted: bool
    ) -> Iterator[Request]:
        spec = self._sources.get(source)
        limit = spec.max_articles if spec is not None and counted else None
        for candidate in candidates:
            if limit is not None and self._discovered[source] >= limit:
                return
            request = self._article_request(source, candidate, discovered=counted)
            if request is not None:
                if counted:
                    self._discovered[source] += 1
                yield request

    def _article_request(
        self, source: str, candidate: Candidate, *, discovered: bool
    ) -> Request | None:
        try:
            return self._new_article_request(source, candidate, discovered=discovered)
        except ValueError as exc:  # a malformed URL: skip it, never stop the crawl
            logger.warning(
                "Skipping malformed URL %r (%s): %s", candidate.url, source, exc
            )
            return None

    def _new_article_request(
        self, source: str, candidate: Candidate, *, discovered: bool
    ) -> Request | None:
        url = strip_tracking(candidate.url)
        key = url_key(url)
        if candidate.modified_hint:
            self._hints.setdefault(key, candidate.modified_hint)
        if key in self._scheduled:
            return None
        self._scheduled.add(key)
        known = self._known.get(key)
        headers: dict[str, str] = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        spec = self._sources.get(source)
        fetch = FetchContext(
            source=source,
            key=key,
            known_hash=known.raw_html_hash if known is not None else None,
            listed_modified_at=candidate.modified_hint,
            listing_keys=self._listing_keys.get(source, frozenset()),
            all_relevant=spec.all_relevant if spec is not None else False,
            discovered=discovered and known is None,
            learned=spec.learned_boilerplate if spec is not None else frozenset(),
        )
        # dont_filter: our own dedupe ran above; Scrapy's filter would silently drop a redirect
        # to an already crawled page (an article moved to the home page) and lose its outcome.
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            headers=headers,
            dont_filter=True,
            meta={"defwatch_fetch": fetch, "handle_httpstatus_list": HANDLED_STATUSES},
        )

    async def parse_article(self, response: Any) -> AsyncIterator[Any]:
        """One ArticleItem, or one PageEventItem when the page has no new content.

        The page is cleaned and scored with the other pages that arrive meanwhile
        (crawler.batching): DEFWATCH_CLEAN_BATCH pages, what came within
        DEFWATCH_CLEAN_BATCH_WAIT seconds, or as many as Scrapy will hold.
        """
        fetch: FetchContext = response.meta["defwatch_fetch"]
        if fetch.listed_modified_at is None and fetch.key in self._hints:
            fetch = dataclasses.replace(
                fetch, listed_modified_at=self._hints[fetch.key]
            )
        event = page_event_for(response, fetch)
        if event is not None:
            self.crawler.stats.inc_value(f"defwatch/outcome/{event.outcome}")
            yield event
            return
        self.crawler.stats.inc_value("defwatch/outcome/article")
        assert self._cleaning is not None  # made in from_crawler()
        page = _Page(response, fetch, datetime.now(UTC))
        yield await self._cleaning.run(page)

    def _clean(self, page: _Page) -> ArticleItem:
        assert self._lexicon is not None  # set in start()
        return article_item(
            page.response, page.fetch, self._lexicon, fetched_at=page.fetched_at
        )

    def article_failed(self, failure: Any) -> Iterator[Any]:
        """A fetch that produced no response (timeout, refused, too large...): an error event."""
        request = failure.request
        fetch: FetchContext = request.meta["defwatch_fetch"]
        if fetch.discovered and isinstance(failure.value, IgnoreRequest):
            # robots.txt forbids a link found on the site: policy, not a fault to report each run
            logger.info(
                "Not fetched (%s): %s: %s", fetch.source, failure.value, request.url
            )
            self.crawler.stats.inc_value("defwatch/discovered_ignored")
            return
        event = failure_event(failure.value, request, fetch.source)
        logger.warning("Fetch failed (%s): %s", fetch.source, event.message)
        self.crawler.stats.inc_value(f"defwatch/outcome/{event.outcome}")
        yield event
