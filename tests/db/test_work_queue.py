"""The Redis work queue: messages, rounds and their duplicate filters."""

from __future__ import annotations

import pytest
import redis

from crawler.sources import KnownPage, SourceSpec
from monitor.distributed import QueueKeys, WorkMessage
from monitor.distributed.queue import messages_for, push_round, queue_lengths

SPEC = SourceSpec(
    name="loopback",
    feeds=("http://127.0.0.1:9/feed.rss",),
    sitemaps=("http://127.0.0.1:9/sitemap.xml",),
    listing_pages=("http://127.0.0.1:9/news/",),
)
DUE = KnownPage(url="http://127.0.0.1:9/2024/05/12/story-1.html", source="loopback")


def test_a_round_is_due_rechecks_first_then_discovery_pages() -> None:
    messages = messages_for([SPEC], [DUE])
    assert [(m.kind, m.url) for m in messages] == [
        ("article", DUE.url),
        ("feed", SPEC.feeds[0]),
        ("sitemap", SPEC.sitemaps[0]),
        ("listing", SPEC.listing_pages[0]),
    ]
    assert all(m.source == "loopback" for m in messages)


def test_a_message_survives_its_trip_through_redis_and_bad_ones_are_named() -> None:
    message = WorkMessage(kind="feed", source="loopback", url=SPEC.feeds[0])
    assert WorkMessage.from_json(message.to_json().encode()) == message
    for bad in (
        b"not json",
        b"[1, 2]",
        b'{"kind": "video", "source": "x", "url": "y"}',
    ):
        with pytest.raises(ValueError, match=r"work message|JSON"):
            WorkMessage.from_json(bad)


@pytest.mark.services
def test_a_new_round_resets_the_duplicate_filters_but_a_running_one_keeps_them(
    redis_prefix: tuple[str, str],
) -> None:
    url, prefix = redis_prefix
    client = redis.Redis.from_url(url)
    keys = QueueKeys(prefix)
    client.sadd(keys.seen, "story-1")  # claimed by a worker in the last round
    client.sadd(keys.dupefilter, "fingerprint")
    assert push_round(client, keys, messages_for([SPEC], [DUE])) is True
    assert client.exists(keys.seen, keys.dupefilter) == 0
    assert queue_lengths(client, keys) == (4, 0)

    client.sadd(keys.seen, "story-1")  # the round is being crawled
    assert push_round(client, keys, messages_for([SPEC], [])) is False
    assert client.sismember(keys.seen, "story-1")
    assert queue_lengths(client, keys) == (7, 0)
    client.close()
