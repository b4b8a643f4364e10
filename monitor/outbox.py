"""The alert outbox: which channels a change goes to, queued in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import AppConfig, ChannelConfig
from monitor.models import Article, Change, Delivery

DEFAULT_CHANNEL = ChannelConfig(name="console", kind="console", options={})


def configured_channels(config: AppConfig) -> tuple[ChannelConfig, ...]:
    """The config's channels, or the console when none is configured."""
    return config.channels or (DEFAULT_CHANNEL,)


def channel_wants(channel: ChannelConfig, source: str, text: str) -> bool:
    """True when a change of ``source`` whose article reads ``text`` is routed to ``channel``."""
    if channel.sources and source not in channel.sources:
        return False
    if channel.keywords:
        lowered = text.lower()
        return any(keyword.lower() in lowered for keyword in channel.keywords)
    return True


def idempotency_key(change_id: int, channel_name: str) -> str:
    """The one key under which a change is ever sent to a channel."""
    return f"defwatch-change-{change_id}-{channel_name}"


def queue_deliveries(
    session: Session,
    change: Change,
    article: Article,
    source: str,
    text: str,
    channels: Sequence[ChannelConfig],
    now: datetime,
) -> int:
    """Add one pending delivery per channel that wants this change; returns how many."""
    queued = 0
    for channel in channels:
        if channel_wants(channel, source, f"{article.title}\n{text}"):
            session.add(
                Delivery(
                    change_id=change.id,
                    channel=channel.name,
                    idempotency_key=idempotency_key(change.id, channel.name),
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            queued += 1
    return queued
