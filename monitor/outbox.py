"""The alert outbox: which channels a change goes to, queued in the same transaction as the change.

Routing: a channel receives a change when its ``sources`` list is empty or names the change's
source, and its ``keywords`` list is empty or one keyword starts a word of the article's title or
text (case-insensitive, so "hypersonic" also matches "Hypersonics" but "ai" does not match "said").

Digests: a delivery to a channel with ``digest = "hourly"`` or ``"daily"`` waits until the next
period boundary (the next full hour, or ``digest_hour`` UTC) and is sent then in one message with
every other change of that channel and period.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from monitor.config import AppConfig, ChannelConfig
from monitor.models import Article, Delivery

# statuses `defwatch alerts pending` and `status` show: not yet delivered, or given up on
OPEN_STATUSES = ("pending", "sending", "failed")
DEFAULT_CHANNEL = ChannelConfig(name="console", kind="console", options={})


def configured_channels(config: AppConfig) -> tuple[ChannelConfig, ...]:
    """The config's channels, or the console when none is configured."""
    return config.channels or (DEFAULT_CHANNEL,)


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(keyword.strip()), re.IGNORECASE)


def channel_wants(channel: ChannelConfig, source: str, text: str) -> bool:
    """True when a change of ``source`` whose article reads ``text`` is routed to ``channel``."""
    if channel.sources and source not in channel.sources:
        return False
    if channel.keywords:
        return any(
            _keyword_pattern(keyword).search(text)
            for keyword in channel.keywords
            if keyword.strip()
        )
    return True


def idempotency_key(change_id: int, channel_name: str) -> str:
    """The one key under which a change is ever sent to a channel on its own."""
    return f"defwatch-change-{change_id}-{channel_name}"


def digest_boundary(channel: ChannelConfig, now: datetime) -> datetime | None:
    """When a change queued at ``now`` for ``channel`` goes out: the next period boundary (UTC).

    None for a channel that sends each change on its own.
    """
    if channel.digest is None:
        return None
    now = now.astimezone(UTC)
    if channel.digest == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    boundary = now.replace(hour=channel.digest_hour, minute=0, second=0, microsecond=0)
    return boundary if boundary > now else boundary + timedelta(days=1)


def period_label(boundary: datetime) -> str:
    """The stored name of a digest period: its boundary, e.g. ``2026-11-28T08:00Z``."""
    return boundary.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def digest_key(channel_name: str, period: str, change_ids: Iterable[int]) -> str:
    """The idempotency key of one digest message: channel + period (+ which changes it holds).

    Re-sending the same digest (after a crash) gives the same key; a digest that holds a
    different set of changes (one re-queued by ``alerts retry``) gets a different one.
    """
    ids = ",".join(str(i) for i in sorted(change_ids))
    digest = hashlib.sha256(ids.encode("ascii")).hexdigest()[:12]
    return f"defwatch-digest-{channel_name}-{period}-{digest}"


def queue_deliveries(
    session: Session,
    change_id: int,
    article: Article,
    source: str,
    text: str,
    channels: Sequence[ChannelConfig],
    now: datetime,
) -> int:
    """Add one pending delivery per channel that wants this change; returns how many."""
    queued = 0
    for channel in channels:
        if not channel_wants(channel, source, f"{article.title}\n{text}"):
            continue
        boundary = digest_boundary(channel, now)
        session.add(
            Delivery(
                change_id=change_id,
                channel=channel.name,
                idempotency_key=idempotency_key(change_id, channel.name),
                status="pending",
                attempts=0,
                next_attempt_at=boundary or now,
                created_at=now,
                digest_period=period_label(boundary) if boundary else None,
            )
        )
        queued += 1
    return queued


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    """How many deliveries wait, are being sent, or failed for good (for ``defwatch status``)."""

    pending: int
    sending: int
    failed: int
    next_attempt_at: datetime | None  # the earliest pending delivery's next try


def outbox_summary(session: Session) -> OutboxSummary:
    """Counts of the outbox by status, and when the next pending delivery is due."""
    counts = dict(
        session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        ).all()
    )
    next_at = session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.status == "pending")
    )
    return OutboxSummary(
        pending=counts.get("pending", 0),
        sending=counts.get("sending", 0),
        failed=counts.get("failed", 0),
        next_attempt_at=next_at.replace(tzinfo=next_at.tzinfo or UTC)
        if next_at
        else None,
    )


def requeue_failed(
    session: Session, delivery_ids: Sequence[int] | None, now: datetime
) -> int:
    """Put failed deliveries (these ids, or all when None) back as pending with fresh attempts."""
    statement = (
        update(Delivery)
        .where(Delivery.status == "failed")
        .values(
            status="pending",
            attempts=0,
            next_attempt_at=now,
            claimed_by=None,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    if delivery_ids is not None:
        statement = statement.where(Delivery.id.in_(list(delivery_ids)))
    return _rowcount(session.execute(statement))


def _rowcount(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if isinstance(count, int) else 0
