"""Scrapy's downloader, holding every site to its concurrency limit.

Scrapy 2.19's ``Downloader._process_queue`` hands queued requests to download tasks while
``slot.free_transfer_slots()`` is above zero, but a request counts as transferring only once its
task starts running (``_download``), after that loop has ended. Under the asyncio reactor every
request waiting in a site's queue therefore started at once: with CONCURRENT_REQUESTS_PER_DOMAIN
at 2, a site saw nine or more requests at the same time. Here a request counts as transferring
as soon as it is handed over; ``_download`` adds it again (a set) and removes it when done.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.http import Request, Response
from twisted.internet.defer import Deferred


class SlotLimitedDownloader(Downloader):  # type: ignore[misc]
    """Scrapy's downloader, with a request counted against its slot when it leaves the queue."""

    def _wait_for_download(
        self, slot: Slot, request: Request, queue_dfd: Deferred[Response]
    ) -> Coroutine[Any, Any, None]:
        # a plain method: it runs while _process_queue still counts the free slots
        slot.transferring.add(request)
        coroutine: Coroutine[Any, Any, None] = super()._wait_for_download(
            slot, request, queue_dfd
        )
        return coroutine
