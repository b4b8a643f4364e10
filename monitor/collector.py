"""How often Python's cyclic garbage collector runs in a defwatch process.

A crawl allocates fast (lxml trees, Twisted deferreds, items, rows) above a large heap of
long-lived objects (Scrapy, SQLAlchemy, the models), and so do the imports that build that heap.
Reference counting frees nearly all of it; at Python's default young-generation threshold (700)
the collector still ran about 550 times in a 1,000-page crawl, some of them full passes over the
heap: 7-8 % of the crawl's CPU. Every 10,000 net allocations it costs about 1.5 %, with the same
peak memory.

Start-up (imports, config, a crawl's Scrapy set-up) makes objects that live as long as the
process: collecting then can free nothing, yet it ran about 15 times (some 50 ms) while a crawl
started. So the collector is paused while a process starts, and what start-up built is then left
out of every later collection (``gc.freeze``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

COLLECT_YOUNG_EVERY = 10_000

_paused = False  # by pause_for_start_up(), until start_up_done()


def collect_less_often() -> None:
    """Run the young-generation collection every ``COLLECT_YOUNG_EVERY`` net allocations."""
    gc.set_threshold(COLLECT_YOUNG_EVERY, *gc.get_threshold()[1:])


def pause_for_start_up() -> None:
    """Pause the collector while the process starts (see ``start_up_done``)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def start_up_done() -> None:
    """Leave every object made so far out of later collections, and collect again.

    Changes nothing unless ``pause_for_start_up`` paused the collector: a process that did not
    (a test run, a library user) keeps its collector as it was.
    """
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


@contextmanager
def starting() -> Iterator[None]:
    """A stretch of set-up, with the collector paused (``pause_for_start_up``) throughout."""
    pause_for_start_up()
    try:
        yield
    finally:
        start_up_done()
