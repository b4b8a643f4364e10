"""The outbox delivers every alert exactly once through channels that fail, recover and rate-limit."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from outbox_kit import (
    AFTER,
    BEFORE,
    HttpReceiver,
    Reply,
    SmtpInbox,
    Store,
    email_options,
    wait_until,
)

from alerts import AlertChannel, ChangeAlert
from monitor.config import AppConfig, ChannelConfig
from monitor.db import session_scope
from monitor.models import Delivery
from monitor.notify import channel_factory, channel_secrets, send_pending


def webhook_config(receiver: HttpReceiver, max_attempts: int = 8) -> AppConfig:
    channel = ChannelConfig(
        name="hook", kind="webhook", options={"url": receiver.url("/hook")}
    )
    return AppConfig(channels=(channel,), max_delivery_attempts=max_attempts)


def send(store: Store, config: AppConfig, now: datetime | None = None) -> None:
    send_pending(store.factory, config, channel_factory({}), now)


def test_mail_server_down_for_one_run_then_every_alert_arrives_once(
    store: Store, smtp_inbox: SmtpInbox
) -> None:
    config = AppConfig(
        channels=(
            ChannelConfig(name="desk", kind="email", options=email_options(smtp_inbox)),
        )
    )
    changes = [
        store.record_edit(config, f"story-{i}", f"Frigate story {i}", BEFORE, AFTER)
        for i in range(3)
    ]
    smtp_inbox.stop()  # the mail server is down for the first run

    report = send_pending(store.factory, config, channel_factory({}))

    assert (report.sent, report.retrying) == (0, 1)  # one refused try, the rest wait
    assert [d.status for d in store.deliveries()] == ["pending"] * 3
    first = store.deliveries()[0]
    assert first.attempts == 1 and "unreachable" in (first.last_error or "")

    smtp_inbox.start()  # back on the same port for the next run
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert send_pending(store.factory, config, channel_factory({}), later).sent == 3
    send_pending(store.factory, config, channel_factory({}), later + timedelta(hours=1))

    ids = [m["X-Defwatch-Change-Id"] for m in smtp_inbox.messages]
    assert sorted(ids) == sorted(str(c) for c in changes)  # each once, none twice
    assert [d.status for d in store.deliveries()] == ["sent"] * 3


@pytest.mark.parametrize("kind", ["slack", "webhook"])
def test_429_waits_as_long_as_retry_after_asks(
    store: Store, receiver: HttpReceiver, kind: str
) -> None:
    option = "webhook_url_env" if kind == "slack" else "url_env"
    channel = ChannelConfig(name="team", kind=kind, options={option: "HOOK"})
    config = AppConfig(channels=(channel,))
    environ = {"HOOK": receiver.url("/hook")}
    store.record_edit(config, "a", "Frigate delayed", BEFORE, AFTER)
    receiver.plan.append(Reply(429, {"Retry-After": "600"}, "rate_limited"))
    before = datetime.now(UTC)

    send_pending(store.factory, config, channel_factory(environ))

    (delivery,) = store.deliveries()
    wait = delivery.next_attempt_at.replace(tzinfo=UTC) - before
    assert delivery.status == "pending" and "HTTP 429" in (delivery.last_error or "")
    assert (
        timedelta(seconds=600) <= wait < timedelta(seconds=610)
    )  # not the 30 s backoff
    send_pending(
        store.factory, config, channel_factory(environ), before + timedelta(seconds=300)
    )
    assert len(receiver.requests) == 1  # not retried before Retry-After
    send_pending(
        store.factory, config, channel_factory(environ), before + timedelta(seconds=700)
    )
    assert len(receiver.requests) == 2 and store.deliveries()[0].status == "sent"


def test_timeout_is_retried_under_the_same_key(
    store: Store, receiver: HttpReceiver
) -> None:
    channel = ChannelConfig(
        name="hook",
        kind="webhook",
        options={"url": receiver.url("/hook"), "timeout_s": 0.3},
    )
    config = AppConfig(channels=(channel,))
    store.record_edit(config, "a", "Frigate delayed", BEFORE, AFTER)
    receiver.hold()  # the receiver takes the request but answers too late

    send(store, config)
    receiver.release()
    (delivery,) = store.deliveries()
    assert delivery.status == "pending" and "timed out" in (delivery.last_error or "")
    send(store, config, datetime.now(UTC) + timedelta(minutes=1))

    # the receiver saw both tries (the first one it answered too late), under one key
    assert [r.headers["idempotency-key"] for r in receiver.requests] == [
        delivery.idempotency_key
    ] * 2
    assert store.deliveries()[0].status == "sent"


def test_500_is_retried_with_growing_backoff_then_sent(
    store: Store, receiver: HttpReceiver
) -> None:
    config = webhook_config(receiver)
    store.record_edit(config, "a", "Frigate delayed", BEFORE, AFTER)
    receiver.plan += [Reply(500, body="boom"), Reply(503, body="busy")]
    start = datetime.now(UTC)

    send(store, config)
    first = store.deliveries()[0].next_attempt_at.replace(tzinfo=UTC) - start
    send(store, config, start + timedelta(seconds=45))
    second = store.deliveries()[0].next_attempt_at.replace(tzinfo=UTC) - start
    send(store, config, start + timedelta(minutes=10))

    assert timedelta(seconds=30) <= first < timedelta(seconds=40)
    assert timedelta(seconds=60) <= second < timedelta(seconds=70)
    (delivery,) = store.deliveries()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    keys = {r.headers["idempotency-key"] for r in receiver.requests}
    assert keys == {delivery.idempotency_key}  # every retry under the same key


def test_400_fails_at_once(store: Store, receiver: HttpReceiver) -> None:
    config = webhook_config(receiver)
    store.record_edit(config, "a", "Frigate delayed", BEFORE, AFTER)
    receiver.plan.append(Reply(400, body="invalid_payload"))

    report = send_pending(store.factory, config, channel_factory({}))
    send(store, config, datetime.now(UTC) + timedelta(days=1))

    assert report.failed == 1
    (delivery,) = store.deliveries()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "HTTP 400" in (delivery.last_error or "")
    assert len(receiver.requests) == 1


def test_two_senders_at_once_never_send_the_same_alert(
    store: Store, receiver: HttpReceiver
) -> None:
    config = webhook_config(receiver)
    store.record_edit(config, "a", "Frigate delayed", BEFORE, AFTER)
    receiver.hold()  # the first sender's request hangs while the second sweeps
    first = threading.Thread(target=send, args=(store, config))
    first.start()
    wait_until(lambda: len(receiver.requests) == 1)

    second = send_pending(store.factory, config, channel_factory({}))
    receiver.release()
    first.join(10)

    assert (second.sent, second.retrying, second.failed) == (0, 0, 0)
    assert len(receiver.requests) == 1
    assert store.deliveries()[0].status == "sent"


def test_a_sending_row_is_taken_over_only_after_its_lease(
    store: Store, receiver: HttpReceiver
) -> None:
    config = webhook_config(receiver)
    store.record_edit(config, "a", "Frigate delayed", BEFORE, AFTER)
    now = datetime.now(UTC)
    with session_scope(
        store.factory
    ) as session:  # a sender on another host died mid-send
        delivery = session.get_one(Delivery, store.deliveries()[0].id)
        delivery.status, delivery.attempts = "sending", 1
        delivery.claimed_by = "other-host:4242:dead"
        delivery.claimed_until = now + timedelta(seconds=600)

    send(store, config, now)
    assert receiver.requests == []  # the lease still holds
    send(store, config, now + timedelta(seconds=601))

    (delivery,) = store.deliveries()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert receiver.requests[0].headers["idempotency-key"] == delivery.idempotency_key


class CrashingChannel(AlertChannel):
    """A third-party channel with a bug: it raises something that is not an AlertError."""

    kind = "crashing"

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], environ: Mapping[str, str]
    ) -> CrashingChannel:
        return cls()

    def send(self, alert: ChangeAlert, *, idempotency_key: str) -> None:
        raise RuntimeError("token=s3cr3t-value leaked by a buggy plugin")


def test_a_crashing_channel_neither_stops_the_others_nor_leaks_its_secret(
    store: Store, receiver: HttpReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    config = AppConfig(
        channels=(
            ChannelConfig(
                name="buggy", kind="crashing", options={"token_env": "TOKEN"}
            ),
            ChannelConfig(
                name="hook", kind="webhook", options={"url": receiver.url("/hook")}
            ),
        )
    )
    store.record_edit(config, "a", "Frigate delayed", BEFORE, AFTER)
    environ = {"TOKEN": "s3cr3t-value"}
    real = channel_factory(environ)

    def make(channel: ChannelConfig) -> AlertChannel:
        return CrashingChannel() if channel.kind == "crashing" else real(channel)

    caplog.set_level(logging.DEBUG)
    report = send_pending(
        store.factory, config, make, secrets=channel_secrets(config.channels, environ)
    )

    assert (report.sent, report.retrying) == (1, 1)
    buggy, hook = store.deliveries()
    assert (buggy.channel, buggy.status, hook.status) == ("buggy", "pending", "sent")
    assert "RuntimeError" in (buggy.last_error or "")
    assert "Traceback" in caplog.text  # the bug can be found...
    assert "s3cr3t" not in (buggy.last_error or "") and "s3cr3t" not in caplog.text
