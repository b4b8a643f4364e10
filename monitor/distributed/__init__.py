"""Distributed crawling: one scheduler fills a Redis queue, any number of workers crawl from it.

* ``defwatch enqueue`` (``enqueue_round``) pushes one round of work into Redis: the due re-checks
  and the sources' discovery pages (feeds, sitemaps, listing pages) and watched URLs.
* ``defwatch worker`` (``run_worker``) runs the normal NewsSpider with scrapy-redis' scheduler:
  every request any worker makes (the articles a feed lists) goes into one shared Redis queue that
  all workers pull from, discovery pages are de-duplicated by scrapy-redis' Redis duplicate
  filter, and article URLs by a Redis set claimed before a request is made, so each page is
  fetched once per round whichever worker finds it. Every worker records through StorePipeline
  into the shared (PostgreSQL) store, whose unique keys and row locks make the writes idempotent.
* A worker stops once the queues stayed empty for its idle timeout.

Redis keys (prefix ``defwatch`` unless ``--queue`` names another): ``<prefix>:start`` (JSON work
messages), ``<prefix>:requests`` (scrapy-redis request queue), ``<prefix>:dupefilter``,
``<prefix>:seen`` (article URL keys claimed this round). Requests in the queue are pickled by
scrapy-redis: keep Redis private to the crawl hosts.
"""

from __future__ import annotations

from monitor.distributed.queue import (
    DEFAULT_PREFIX,
    QueueKeys,
    RoundSummary,
    WorkMessage,
)

__all__ = ["DEFAULT_PREFIX", "QueueKeys", "RoundSummary", "WorkMessage"]
