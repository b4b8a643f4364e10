"""Send what the outbox holds: each pending delivery once, retried with backoff, never doubled.

Guarantee: a delivery is marked ``sending`` (committed) before the channel is called and ``sent``
right after. A crash between the two leaves it ``sending``; the next sweep sends it again under the
same idempotency key (the email's Message-ID, the webhook's Idempotency-Key), so receivers that
honour the key see it once. A crash anywhere else neither loses nor repeats an alert.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts import (
    AlertChannel,
    AlertConfigError,
    AlertDeliveryError,
    ChangeAlert,
    build_channel,
)
from monitor.config import AppConfig, ChannelConfig
from monitor.db import session_scope
from monitor.diffing import ChangeReport, render_html
from monitor.models import Article, Change, Delivery, Source
from monitor.outbox import configured_channels
from monitor.store import change_version_numbers

logger = logging.getLogger(__name__)

BACKOFF_BASE_S = 30.0
BACKOFF_MAX_S = 6 * 3600.0


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 30 s, 1 min, 2 min ... capped at 6 h."""
    return timedelta(
        seconds=min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))
    )


def build_alert(session: Session, change: Change, base_url: str | None) -> ChangeAlert:
    """The ChangeAlert a channel renders for a stored change."""
    article = session.get_one(Article, change.article_id)
    source = session.get_one(Source, article.source_id)
    numbers = change_version_numbers(session, change)
    diff_url = f"{base_url.rstrip('/')}/changes/{change.id}" if base_url else None
    report = change.report or {}
    diff_html = (
        render_html(ChangeReport.from_dict(report)) if report.get("schema") else ""
    )
    return ChangeAlert(
        change_id=change.id,
        source=source.name,
        url=article.canonical_url,
        title=article.title,
        kind=change.kind,
        kinds=tuple(change.kinds),
        summary=change.summary,
        detected_at=change.detected_at.replace(tzinfo=change.detected_at.tzinfo or UTC),
        from_version=numbers.from_number,
        to_version=numbers.to_number,
        diff_text=str(report.get("unified", "")),
        diff_html=diff_html,
        significance=change.significance,
        words_added=change.words_added,
        words_removed=change.words_removed,
        diff_url=diff_url,
        article_key=f"article-{article.id}",
    )


@dataclass(frozen=True, slots=True)
class SendReport:
    """What one sweep of the outbox did."""

    sent: int
    retrying: int
    failed: int


ChannelFactory = Callable[[ChannelConfig], AlertChannel]


def channel_factory(environ: Mapping[str, str]) -> ChannelFactory:
    """Builds channels from their config with secrets taken from ``environ``."""

    def build(channel: ChannelConfig) -> AlertChannel:
        return build_channel(channel.kind, channel.options, environ)

    return build


def send_pending(
    factory: sessionmaker[Session],
    config: AppConfig,
    make_channel: ChannelFactory,
    now: datetime | None = None,
) -> SendReport:
    """Deliver every due delivery of the outbox once; record each outcome."""
    now = now or datetime.now(UTC)
    channels = {c.name: c for c in configured_channels(config)}
    built: dict[str, AlertChannel] = {}
    sent = retrying = failed = 0
    with session_scope(factory) as session:
        due = list(
            session.scalars(
                select(Delivery.id)
                .where(
                    Delivery.status.in_(("pending", "sending")),
                    Delivery.next_attempt_at <= now,
                )
                .order_by(Delivery.id)
            )
        )
    for delivery_id in due:
        outcome = _deliver_one(
            factory, config, channels, built, make_channel, delivery_id
        )
        sent += outcome == "sent"
        retrying += outcome == "pending"
        failed += outcome == "failed"
    for channel in built.values():
        channel.close()
    return SendReport(sent, retrying, failed)


def _deliver_one(
    factory: sessionmaker[Session],
    config: AppConfig,
    channels: Mapping[str, ChannelConfig],
    built: dict[str, AlertChannel],
    make_channel: ChannelFactory,
    delivery_id: int,
) -> str:
    with session_scope(factory) as session:
        delivery = session.get_one(Delivery, delivery_id)
        delivery.status = "sending"
        delivery.attempts += 1
        alert = build_alert(
            session, session.get_one(Change, delivery.change_id), config.web_base_url
        )
        channel_name, key, attempts = (
            delivery.channel,
            delivery.idempotency_key,
            delivery.attempts,
        )
    error: str | None = None
    retry_after: float | None = None
    retryable = True
    try:
        channel_config = channels.get(channel_name)
        if channel_config is None:
            raise AlertConfigError(f"channel {channel_name!r} is no longer configured")
        if channel_name not in built:
            built[channel_name] = make_channel(channel_config)
        built[channel_name].send(alert, idempotency_key=key)
    except AlertDeliveryError as exc:
        error, retryable, retry_after = str(exc), exc.retryable, exc.retry_after_s
    except AlertConfigError as exc:
        error, retryable = f"{channel_name}: {exc}", False
    return _record_outcome(
        factory, delivery_id, error, retryable, retry_after, attempts, config
    )


def _record_outcome(
    factory: sessionmaker[Session],
    delivery_id: int,
    error: str | None,
    retryable: bool,
    retry_after_s: float | None,
    attempts: int,
    config: AppConfig,
) -> str:
    now = datetime.now(UTC)
    with session_scope(factory) as session:
        delivery = session.get_one(Delivery, delivery_id)
        if error is None:
            delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
            logger.info(
                "alert sent channel=%s change=%d", delivery.channel, delivery.change_id
            )
        elif retryable and attempts < config.max_delivery_attempts:
            wait = backoff(attempts)
            if retry_after_s is not None:
                wait = max(wait, timedelta(seconds=retry_after_s))
            delivery.status, delivery.last_error = "pending", error
            delivery.next_attempt_at = now + wait
            logger.warning("alert delivery failed, will retry: %s", error)
        else:
            delivery.status, delivery.last_error = "failed", error
            logger.error("alert delivery failed for good: %s", error)
        return delivery.status
