"""Revalidation: ask many known pages "changed since?" at once, with a light HTTP client.

A re-crawl of an unchanged site is mostly conditional requests (If-None-Match, If-Modified-Since)
that the server answers 304 Not Modified. Through Scrapy each one costs its whole request
machinery; here it costs a fraction of that. Only a definite 304 is settled here. Any other
answer (200, a redirect, an error, a timeout, a page robots.txt now forbids, robots.txt that
cannot be read) leaves the page to Scrapy, which fetches and records it as it always does.

Politeness is the crawl's: its User-Agent, timeout and per-host concurrency (with AutoThrottle
on, no more than its target concurrency), its download delay between requests to one host, and
robots.txt when the crawl obeys it. Behind a proxy (``http_proxy`` and the like set) nothing is
revalidated here: Scrapy's proxy handling applies to every page.

Public API::

    revalidator = Revalidator(politeness)              one per crawl
    await revalidator.ask(probes) -> dict[str, NotModified]   (by probe URL)
    await revalidator.close()
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Politeness:
    """How hard the revalidation may press one site (taken from the crawl's settings)."""

    user_agent: str
    timeout_s: float
    per_host: int
    total: int
    delay_s: float = 0.0
    obey_robots: bool = True

    @classmethod
    def from_settings(cls, settings: Any) -> Politeness:
        """The politeness of a Scrapy crawl with these settings."""
        per_host = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8))
        if settings.getbool("AUTOTHROTTLE_ENABLED"):
            target = settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0)
            per_host = max(1, min(per_host, math.ceil(target)))
        return cls(
            user_agent=settings.get("USER_AGENT") or "defwatch",
            timeout_s=settings.getfloat("DOWNLOAD_TIMEOUT", 20.0),
            per_host=per_host,
            total=max(1, settings.getint("CONCURRENT_REQUESTS", 16)),
            delay_s=settings.getfloat("DOWNLOAD_DELAY", 0.0),
            obey_robots=settings.getbool("ROBOTSTXT_OBEY"),
        )


@dataclass(frozen=True, slots=True)
class Probe:
    """A conditional request for a known page: its URL and validator headers."""

    url: str
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class NotModified:
    """A page the server says has not changed, with the validators it sent back."""

    url: str
    etag: str | None
    last_modified: str | None


class _Host:
    """One site's share of the revalidation: its concurrency, delay and robots.txt."""

    def __init__(self, politeness: Politeness) -> None:
        self._politeness = politeness
        self.slots = asyncio.Semaphore(politeness.per_host)
        self._next_start = 0.0
        self._robots: Any = None
        self._robots_lock = asyncio.Lock()
        self._robots_read = False

    async def wait_turn(self) -> None:
        """Keep the crawl's download delay between two requests to this host."""
        if self._politeness.delay_s <= 0:
            return
        now = time.monotonic()
        start = max(now, self._next_start)
        self._next_start = start + self._politeness.delay_s
        if start > now:
            await asyncio.sleep(start - now)

    async def allows(self, session: Any, url: str) -> bool:
        """robots.txt allows ``url`` (False when it cannot be read: Scrapy decides then)."""
        if not self._politeness.obey_robots:
            return True
        async with self._robots_lock:
            if not self._robots_read:
                self._robots = await _read_robots(session, url)
                self._robots_read = True
        if self._robots is None:
            return False
        allowed: bool = self._robots.can_fetch(url, self._politeness.user_agent)
        return allowed


async def _read_robots(session: Any, url: str) -> Any:
    """The parsed robots.txt of ``url``'s site; None when it cannot be read."""
    from protego import Protego

    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    try:
        async with session.get(robots_url, allow_redirects=True) as response:
            if response.status >= 500:
                return None
            if response.status >= 400:  # no robots.txt: everything is allowed
                return Protego.parse("")
            return Protego.parse(await response.text(errors="replace"))
    except Exception as exc:  # noqa: BLE001 - any failure leaves the pages to Scrapy
        logger.debug("robots.txt of %s unreadable: %r", robots_url, exc)
        return None


class Revalidator:
    """Asks conditional requests for a whole crawl: one HTTP session, one state per site.

    Every call shares the per-site concurrency, delay and robots.txt (read once per site), so
    callbacks running at once (a sitemap index's sitemaps) do not add up. ``close`` when done.
    """

    def __init__(self, politeness: Politeness) -> None:
        self._politeness = politeness
        self._hosts: dict[str, _Host] = {}
        self._session: Any = None

    async def ask(self, probes: Sequence[Probe]) -> dict[str, NotModified]:
        """The probes the server answered 304 Not Modified, by URL."""
        if not probes or getproxies():
            return {}
        session = self._open()
        found: dict[str, NotModified] = {}

        async def ask(probe: Probe) -> None:
            netloc = urlsplit(probe.url).netloc
            host = self._hosts.get(netloc)
            if host is None:
                host = self._hosts[netloc] = _Host(self._politeness)
            if not await host.allows(session, probe.url):
                return
            async with host.slots:
                await host.wait_turn()
                answer = await _ask(session, probe)
            if answer is not None:
                found[probe.url] = answer

        await asyncio.gather(*(ask(probe) for probe in probes))
        logger.info("revalidated %d pages: %d not modified", len(probes), len(found))
        return found

    def _open(self) -> Any:
        if self._session is None:
            import aiohttp  # only a crawl with known pages to ask about needs it

            politeness = self._politeness
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=politeness.total, limit_per_host=politeness.per_host
                ),
                timeout=aiohttp.ClientTimeout(total=politeness.timeout_s),
                headers={"User-Agent": politeness.user_agent},
            )
        return self._session

    async def close(self) -> None:
        """Close the HTTP session (nothing to do if nothing was asked)."""
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _ask(session: Any, probe: Probe) -> NotModified | None:
    """One conditional GET; a NotModified only for a 304."""
    try:
        async with session.get(
            probe.url, headers=dict(probe.headers), allow_redirects=False
        ) as response:
            if response.status != 304:
                return None
            return NotModified(
                url=probe.url,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    except Exception as exc:  # noqa: BLE001 - any failure leaves the page to Scrapy
        logger.debug("revalidation of %s failed: %r", probe.url, exc)
        return None
