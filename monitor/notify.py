"""Send what the outbox holds: each delivery once, retried with backoff, never lost.

Guarantee (at-least-once delivery, duplicates only under one idempotency key):

* A delivery is never lost. It is written in the same transaction as its change; it leaves the
  outbox only as ``sent`` (after the channel accepted it) or ``failed`` (a permanent error, or
  ``max_attempts`` tries; ``defwatch alerts pending`` lists it, ``alerts retry`` re-queues it).
* Before calling a channel, a sender claims the row with one atomic UPDATE (``pending`` →
  ``sending``, ``claimed_by`` = this sweep, ``claimed_until`` = now + ``lease_s``) and commits.
  Two senders running at once (daemon + cron) therefore never send the same delivery at the
  same time: the second one's UPDATE matches no row.
* After the channel returns, the row is marked ``sent`` (or ``pending`` with a later
  ``next_attempt_at``, or ``failed``) in a second commit. The only window for a duplicate is a
  crash (kill, power loss) after the receiver accepted the message and before that commit. The
  row then stays ``sending``; a later sweep re-sends it once its lease has run out, or at once
  when its sender was a process on this host that no longer exists, with the SAME idempotency
  key: the email's Message-ID and the webhook's Idempotency-Key header are derived from it, so
  receivers that deduplicate on them show the alert once. Slack incoming webhooks accept no
  key: in that window a Slack message can appear twice.
* A digest is one message under one key (channel + period + the changes it holds); all its
  deliveries are claimed together and marked ``sent`` together, with the same crash window.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from alerts import (
    AlertChannel,
    AlertConfigError,
    AlertDeliveryError,
    ChangeAlert,
    build_channel,
)
from monitor.claims import (
    claim_digest,
    claim_single,
    due_digests,
    due_singles,
    new_sender_id,
    owned,
    release_orphans,
)
from monitor.config import AppConfig, ChannelConfig
from monitor.db import session_scope
from monitor.diffing import ChangeReport, render_html
from monitor.models import Article, Change, Delivery, Source
from monitor.outbox import configured_channels, digest_key
from monitor.store import change_version_numbers

logger = logging.getLogger(__name__)

BACKOFF_BASE_S = 30.0
BACKOFF_MAX_S = 6 * 3600.0
# A receiver's Retry-After is honoured up to a day; a larger value is treated as a day.
RETRY_AFTER_MAX_S = 24 * 3600.0


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
    """What one sweep of the outbox did, counted in deliveries (a digest counts each change)."""

    sent: int
    retrying: int
    failed: int


ChannelFactory = Callable[[ChannelConfig], AlertChannel]


def channel_factory(environ: Mapping[str, str]) -> ChannelFactory:
    """Builds channels from their config with secrets taken from ``environ``."""

    def build(channel: ChannelConfig) -> AlertChannel:
        return build_channel(channel.kind, channel.options, environ)

    return build


def channel_secrets(
    channels: Sequence[ChannelConfig], environ: Mapping[str, str]
) -> frozenset[str]:
    """The values of every environment variable a channel option names (``*_env`` options)."""
    names: list[str] = []
    for channel in channels:
        for key, value in channel.options.items():
            if key.endswith("_env") and isinstance(value, str):
                names.append(value)
            elif key.endswith("_env") and isinstance(value, Mapping):
                names.extend(str(v) for v in value.values())
    values = [environ[n] for n in names if environ.get(n)]
    # the path of a webhook URL holds its token (Slack); a receiver may echo just the path
    paths = [urlsplit(v).path for v in values if "://" in v]
    return frozenset(values + [p for p in paths if len(p) > 1])


def redact(text: str, secrets: Collection[str]) -> str:
    """``text`` with every secret value replaced by ``***`` (longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


@dataclass(frozen=True, slots=True)
class _Failure:
    """Why one send did not go through."""

    error: str
    retryable: bool
    retry_after_s: float | None = None


class _Sweep:
    """One pass over the outbox by one sender: claim, send, record."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        config: AppConfig,
        make_channel: ChannelFactory,
        now: datetime,
        secrets: Collection[str],
    ) -> None:
        self.factory = factory
        self.config = config
        self.make_channel = make_channel
        self.now = now
        self.secrets = secrets
        self.sender = new_sender_id()
        self.lease = timedelta(seconds=config.delivery_lease_s)
        self.channels = {c.name: c for c in configured_channels(config)}
        self.built: dict[str, AlertChannel] = {}
        self.outcomes: list[str] = []
        self.down: set[str] = set()  # channels that failed this sweep: the rest waits

    def run(self) -> SendReport:
        with session_scope(self.factory) as session:
            release_orphans(session)
            singles = due_singles(session, self.now)
            digests = due_digests(session, self.now)
        try:
            for delivery_id, channel in singles:
                if channel not in self.down:
                    self.single(delivery_id)
            for channel, period in digests:
                if channel not in self.down:
                    self.digest(channel, period)
        finally:
            for built in self.built.values():
                built.close()
        return SendReport(
            sent=self.outcomes.count("sent"),
            retrying=self.outcomes.count("pending"),
            failed=self.outcomes.count("failed"),
        )

    def single(self, delivery_id: int) -> None:
        with session_scope(self.factory) as session:
            if not claim_single(
                session, delivery_id, self.sender, self.now, self.lease
            ):
                return  # another sender took it first
            delivery = session.get_one(Delivery, delivery_id)
            channel, key = delivery.channel, delivery.idempotency_key
            change_ids = [delivery.change_id]
        alerts = self.load(change_ids, [delivery_id])
        if alerts is not None:
            (alert,) = alerts
            failure = self.attempt(
                channel, lambda c: c.send(alert, idempotency_key=key), key
            )
            self.record([delivery_id], failure)

    def digest(self, channel: str, period: str) -> None:
        with session_scope(self.factory) as session:
            ids = claim_digest(
                session, channel, period, self.sender, self.now, self.lease
            )
            change_ids = [row.change_id for row in owned(session, ids, self.sender)]
        if not ids:
            return
        alerts = self.load(change_ids, ids)
        if alerts is not None:
            key = digest_key(channel, period, change_ids)
            failure = self.attempt(
                channel, lambda c: c.send_digest(alerts, idempotency_key=key), key
            )
            self.record(ids, failure)

    def load(
        self, change_ids: Sequence[int], delivery_ids: Sequence[int]
    ) -> list[ChangeAlert] | None:
        """The alerts of these changes, oldest first; None (deliveries failed) if unreadable."""
        try:
            with session_scope(self.factory) as session:
                changes = sorted(
                    (session.get_one(Change, i) for i in change_ids),
                    key=lambda c: (c.detected_at, c.id),
                )
                return [
                    build_alert(session, c, self.config.web_base_url) for c in changes
                ]
        except Exception as exc:  # one broken row must not block the whole outbox
            logger.exception("cannot build the alert of change(s) %s", change_ids)
            error = f"cannot build the alert: {type(exc).__name__}: {exc}"
            self.record(delivery_ids, _Failure(error, retryable=True))
            return None

    def attempt(
        self, name: str, send: Callable[[AlertChannel], None], key: str
    ) -> _Failure | None:
        """Call the channel; None on success, else what went wrong (secrets redacted)."""
        try:
            if name not in self.built:
                config = self.channels.get(name)
                if config is None:
                    raise AlertConfigError(f"channel {name!r} is no longer configured")
                self.built[name] = self.make_channel(config)
            send(self.built[name])
        except AlertDeliveryError as exc:
            if exc.retryable:
                self.down.add(name)
            return _Failure(
                redact(str(exc), self.secrets), exc.retryable, exc.retry_after_s
            )
        except AlertConfigError as exc:
            return _Failure(redact(f"{name}: {exc}", self.secrets), retryable=False)
        # a bug in a channel must not stop the other deliveries; its text may hold a secret,
        # so the traceback is logged redacted, at debug level
        except Exception as exc:  # noqa: BLE001 (logged below, redacted)
            text = redact(
                f"{name}: unexpected {type(exc).__name__}: {exc}", self.secrets
            )
            logger.error("alert channel crashed on %s: %s", key, text)
            trace = "".join(traceback.format_exception(exc))
            logger.debug("traceback of the crash: %s", redact(trace, self.secrets))
            self.down.add(name)
            return _Failure(text, retryable=True)
        return None

    def record(self, ids: Sequence[int], failure: _Failure | None) -> None:
        """Write the outcome of one send to every delivery it carried, in one commit."""
        now = datetime.now(UTC)
        with session_scope(self.factory) as session:
            rows = owned(session, ids, self.sender)
            if len(rows) < len(ids):
                logger.warning(
                    "%d delivery lease(s) expired while sending; raise [alerts] lease_s",
                    len(ids) - len(rows),
                )
            for row in rows:
                self.outcomes.append(self.settle(row, failure, now))

    def settle(self, row: Delivery, failure: _Failure | None, now: datetime) -> str:
        row.claimed_by, row.claimed_until = None, None
        if failure is None:
            row.status, row.sent_at, row.last_error = "sent", now, None
            logger.info("alert sent channel=%s change=%d", row.channel, row.change_id)
        elif failure.retryable and row.attempts < self.config.max_delivery_attempts:
            wait = backoff(row.attempts)
            if failure.retry_after_s is not None:
                asked = min(failure.retry_after_s, RETRY_AFTER_MAX_S)
                wait = max(wait, timedelta(seconds=asked))
            row.status, row.last_error = "pending", failure.error
            row.next_attempt_at = now + wait
            logger.warning(
                "alert delivery failed (attempt %d), retry in %ds: %s",
                row.attempts,
                wait.total_seconds(),
                failure.error,
            )
        else:
            row.status, row.last_error = "failed", failure.error
            logger.error(
                "alert delivery failed for good after %d attempt(s): %s",
                row.attempts,
                failure.error,
            )
        return row.status


def send_pending(
    factory: sessionmaker[Session],
    config: AppConfig,
    make_channel: ChannelFactory,
    now: datetime | None = None,
    *,
    secrets: Collection[str] = (),
) -> SendReport:
    """Deliver every due delivery of the outbox once and record each outcome.

    ``now`` decides what is due (tests pass a later time to step over backoffs and digest
    boundaries). ``secrets`` are values that must never reach a stored error or the log
    (see ``channel_secrets``); the channels redact their own, this is a second net.
    """
    return _Sweep(
        factory, config, make_channel, now or datetime.now(UTC), secrets
    ).run()
