"""Redirects stay on the source's site: a downloader middleware that refuses the others.

Scrapy's RedirectMiddleware follows a redirect anywhere. A news page that redirects to another site
(an ad network, a hijacked domain) or to a private address (169.254.169.254, 10.x, localhost: the
classic server-side request forgery path) must not be fetched and stored as the article. A redirected
request is followed only when its host is on the same registrable domain as the page first asked
for, or inside the source's allowed domains; a private or loopback address is followed only from a
page that was itself on one (a site on the local network, a test server).

Enabled in crawler.settings.DOWNLOADER_MIDDLEWARES, before robots.txt (nothing is requested from
the other site, not even its robots.txt). A refused redirect reaches the request's errback as
``RedirectRefused`` (an IgnoreRequest) and becomes one error line for the page.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest

from crawler.urls import host_of, same_site

logger = logging.getLogger(__name__)


class RedirectRefused(IgnoreRequest):  # type: ignore[misc]
    """A redirect that leaves the source's site, or goes to a private address."""


def is_private_host(host: str) -> bool:
    """True for localhost and private, loopback, link-local or reserved IP literals."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global


def redirect_refusal(original: str, target: str, in_source: bool) -> str | None:
    """Why the redirect from ``original`` to ``target`` is refused, or None when it may be followed."""
    if is_private_host(host_of(target)) and not is_private_host(host_of(original)):
        return f"{original} redirects to a private address ({target}); not followed"
    if not same_site(original, target) and not in_source:
        return f"{original} redirects to another site ({target}); not followed"
    return None


class SiteBoundRedirectMiddleware:
    """Refuse redirected requests that leave the site of the page first requested."""

    def __init__(self, crawler: Any) -> None:
        self._crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteBoundRedirectMiddleware:
        return cls(crawler)

    def process_request(self, request: Any, spider: Any = None) -> None:
        redirects = request.meta.get("redirect_urls")
        if not redirects:
            return
        original = str(redirects[0])
        reason = redirect_refusal(
            original, request.url, self._in_source(request, request.url)
        )
        if reason is not None:
            self._crawler.stats.inc_value("defwatch/redirect_refused")
            raise RedirectRefused(reason)

    def _in_source(self, request: Any, url: str) -> bool:
        spider = self._crawler.spider
        check = getattr(spider, "in_source_domains", None)
        fetch = request.meta.get("defwatch_fetch")
        source = getattr(fetch, "source", None) or request.meta.get("defwatch_source")
        return bool(check and source and check(source, url))
