"""robots.txt for every request, also those that arrive while it is still being fetched.

Scrapy 2.19's RobotsTxtMiddleware lets the requests to a site that arrive while its robots.txt is
downloading wait on one Deferred, each through ``Deferred.asFuture``. Twisted's ``asFuture``
hands the result to its future and leaves None in the Deferred, so only the first waiter gets the
parser; every later one gets None, which means "no robots.txt": a crawl that starts with several
pages of one site fetched some that robots.txt forbids. Here each waiter gets its own Deferred,
fired with the parser, and the shared one keeps its result.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):  # type: ignore[misc]
    """Scrapy's robots.txt middleware, with every waiting request given the parser."""

    async def robot_parser(self, request: Any) -> Any:
        """The site's robots.txt parser (None when it could not be read: everything allowed)."""
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        waiter: Deferred[Any] = Deferred()

        def relay(result: Any) -> Any:
            waiter.callback(result)
            return result  # the next waiter gets the parser too

        pending.addBoth(relay)
        return await maybe_deferred_to_future(waiter)
