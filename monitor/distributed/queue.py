"""The Redis side of distributed crawling: key names, work messages, pushing a round."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

from crawler.sources import KnownPage, SourceSpec

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "defwatch"
WorkKind = Literal["article", "feed", "sitemap", "listing"]
KINDS: frozenset[str] = frozenset({"article", "feed", "sitemap", "listing"})


@dataclass(frozen=True, slots=True)
class QueueKeys:
    """The Redis keys of one crawl queue; several deployments can share a Redis by prefix."""

    prefix: str = DEFAULT_PREFIX

    @property
    def start(self) -> str:
        """List of JSON work messages pushed by ``defwatch enqueue``."""
        return f"{self.prefix}:start"

    @property
    def requests(self) -> str:
        """scrapy-redis' shared request queue (a list: FifoQueue)."""
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        """scrapy-redis' set of request fingerprints (discovery pages) seen this round."""
        return f"{self.prefix}:dupefilter"

    @property
    def seen(self) -> str:
        """Set of article URL keys a worker claimed this round (one fetch per page per round)."""
        return f"{self.prefix}:seen"


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkMessage:
    """One unit of work: fetch this article, or read this feed / sitemap / listing page."""

    kind: WorkKind
    source: str
    url: str

    def to_json(self) -> str:
        """The message as stored in Redis."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, data: bytes | str) -> WorkMessage:
        """Parse a stored message; ValueError names what is wrong with it."""
        try:
            fields = json.loads(data)
        except ValueError as exc:
            raise ValueError(f"not a JSON work message: {data!r:.200}") from exc
        if not isinstance(fields, dict):
            fields = {}  # reported below as a message without kind/source/url
        kind, source, url = (fields.get(k) for k in ("kind", "source", "url"))
        if kind not in KINDS or not isinstance(source, str) or not isinstance(url, str):
            raise ValueError(f"work message needs kind/source/url: {data!r:.200}")
        return cls(kind=cast(WorkKind, kind), source=source, url=url)


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """What ``enqueue`` pushed."""

    pushed: int
    new_round: bool  # the queues were empty: the per-round duplicate filters were reset
    rechecks: int
    discovery: int


def messages_for(
    specs: Sequence[SourceSpec], recheck: Sequence[KnownPage]
) -> list[WorkMessage]:
    """A round's work: due re-checks and watched articles first, then discovery pages."""
    return list(_messages(specs, recheck))


def _messages(
    specs: Sequence[SourceSpec], recheck: Sequence[KnownPage]
) -> Iterator[WorkMessage]:
    for page in recheck:
        yield WorkMessage(kind="article", source=page.source, url=page.url)
    for spec in specs:
        for url in spec.article_urls:
            yield WorkMessage(kind="article", source=spec.name, url=url)
    for spec in specs:
        for kind, urls in (
            ("feed", spec.feeds),
            ("sitemap", spec.sitemaps),
            ("listing", spec.listing_pages),
        ):
            for url in urls:
                yield WorkMessage(kind=cast(WorkKind, kind), source=spec.name, url=url)


def push_round(client: Any, keys: QueueKeys, messages: Sequence[WorkMessage]) -> bool:
    """Push messages; when nothing is queued (the last round is done) reset the duplicate filters.

    Returns True when a new round started. While a round is still being crawled its filters are
    kept, so a page it fetched already is not fetched again; it is due again next round.
    """
    idle = client.llen(keys.start) == 0 and client.llen(keys.requests) == 0
    with client.pipeline(transaction=True) as pipe:
        if idle:
            pipe.delete(keys.seen, keys.dupefilter)
        if messages:
            pipe.rpush(keys.start, *(m.to_json() for m in messages))
        pipe.execute()
    logger.info(
        "pushed %d work messages to %s (%s)",
        len(messages),
        keys.start,
        "new round" if idle else "round in progress",
    )
    return bool(idle)


def queue_lengths(client: Any, keys: QueueKeys) -> tuple[int, int]:
    """Work messages and requests waiting."""
    return int(client.llen(keys.start)), int(client.llen(keys.requests))
