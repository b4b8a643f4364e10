"""Routing by keyword and source, significance threshold, digests, and escaping through the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from outbox_kit import (
    AFTER,
    BEFORE,
    HttpReceiver,
    SmtpInbox,
    Store,
    email_options,
)
from sqlalchemy import select

from monitor.config import AppConfig, ChannelConfig, parse_config
from monitor.db import session_scope
from monitor.models import Change, Delivery
from monitor.notify import channel_factory, send_pending

HYPERSONIC_BEFORE = [
    "The army tested a hypersonic glide vehicle over the Pacific on Tuesday.",
    "The test was the third this year.",
]
HYPERSONIC_AFTER = [
    "The army tested a hypersonic glide vehicle over the Pacific on Tuesday.",
    "The test was the fourth this year, officials said.",
]


def test_keyword_channel_gets_only_matching_changes_and_the_catch_all_gets_all(
    store: Store, receiver: HttpReceiver
) -> None:
    config = AppConfig(
        channels=(
            ChannelConfig(
                name="hyper",
                kind="webhook",
                options={"url": receiver.url("/hyper")},
                keywords=("Hypersonic",),
            ),
            ChannelConfig(
                name="everything", kind="webhook", options={"url": receiver.url("/all")}
            ),
            ChannelConfig(
                name="army-desk",
                kind="webhook",
                options={"url": receiver.url("/army")},
                sources=("army-news",),
            ),
        )
    )
    hyper = store.record_edit(
        config, "glide", "Glide vehicle test", HYPERSONIC_BEFORE, HYPERSONIC_AFTER
    )
    frigate = store.record_edit(config, "frigate", "Frigate delayed", BEFORE, AFTER)

    send_pending(store.factory, config, channel_factory({}))

    def change_ids(path: str) -> list[int]:
        return [r.body["change"]["change_id"] for r in receiver.to(path)]

    assert change_ids("/hyper") == [hyper]
    assert sorted(change_ids("/all")) == sorted([hyper, frigate])
    assert change_ids("/army") == []  # both stories come from navy-news


def test_keyword_matches_the_start_of_a_word_only(
    store: Store, receiver: HttpReceiver
) -> None:
    channel = ChannelConfig(
        name="ai",
        kind="webhook",
        options={"url": receiver.url("/ai")},
        keywords=("AI",),
    )
    config = AppConfig(channels=(channel,))
    store.record_edit(config, "frigate", "Frigate delayed", BEFORE, AFTER)  # "said"
    assert store.deliveries() == []


def _config_with_threshold(tmp_path: Path, threshold: float) -> AppConfig:
    data = {
        "sources": [
            {
                "name": "navy-news",
                "article_urls": ["https://news.example.org/frigate"],
                "alert_min_significance": threshold,
            }
        ],
        "alerts": {"channels": [{"kind": "console", "name": "screen"}]},
    }
    return parse_config(data, "defwatch.toml", tmp_path)


def test_edits_below_the_source_significance_threshold_queue_no_alert(
    store: Store, tmp_path: Path
) -> None:
    strict = _config_with_threshold(tmp_path, 0.9)
    change = store.record_edit(strict, "frigate", "Frigate delayed", BEFORE, AFTER)

    assert change is not None  # the edit is stored and visible in history
    with session_scope(store.factory) as session:
        assert session.get_one(Change, change).is_alerted is False
    assert store.deliveries() == []

    lenient = _config_with_threshold(tmp_path, 0.01)
    store.record_edit(lenient, "frigate-2", "Frigate delayed", BEFORE, AFTER)
    assert [d.channel for d in store.deliveries()] == ["screen"]


def test_daily_digest_waits_for_its_hour_then_sends_one_mail_once(
    store: Store, smtp_inbox: SmtpInbox
) -> None:
    channel = ChannelConfig(
        name="daily",
        kind="email",
        options=email_options(smtp_inbox),
        digest="daily",
        digest_hour=8,
    )
    config = AppConfig(channels=(channel,))
    titles = [f"Frigate story number {i}" for i in range(3)]
    changes = [
        store.record_edit(config, f"s{i}", t, BEFORE, AFTER)
        for i, t in enumerate(titles)
    ]
    boundary = datetime(
        2026, 1, 6, 8, 0, tzinfo=UTC
    )  # recorded 5 Jan 09:35 → next 08:00

    early = send_pending(
        store.factory, config, channel_factory({}), boundary - timedelta(minutes=1)
    )
    assert early.sent == 0 and smtp_inbox.messages == []

    report = send_pending(store.factory, config, channel_factory({}), boundary)
    send_pending(
        store.factory, config, channel_factory({}), boundary + timedelta(days=2)
    )

    assert report.sent == 3
    (mail,) = smtp_inbox.messages
    text = smtp_inbox.text_of(mail)
    assert all(title in text for title in titles)
    assert {d.status for d in store.deliveries()} == {"sent"}
    assert {d.digest_period for d in store.deliveries()} == {"2026-01-06T08:00Z"}
    assert len(changes) == 3


def test_hourly_digest_is_one_webhook_post_and_a_resend_keeps_its_key(
    store: Store, receiver: HttpReceiver
) -> None:
    channel = ChannelConfig(
        name="hourly",
        kind="webhook",
        options={"url": receiver.url("/digest")},
        digest="hourly",
    )
    config = AppConfig(channels=(channel,))
    changes = [
        store.record_edit(config, f"s{i}", f"Story {i}", BEFORE, AFTER)
        for i in range(3)
    ]
    boundary = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # recorded 09:35

    send_pending(store.factory, config, channel_factory({}), boundary)
    with session_scope(
        store.factory
    ) as session:  # a crash right after the POST, before the commit
        for row in session.scalars(select(Delivery)):
            row.status, row.claimed_by = "sending", "elsewhere:1:gone"
            row.claimed_until = boundary
    send_pending(
        store.factory, config, channel_factory({}), boundary + timedelta(hours=1)
    )

    first, again = receiver.requests
    assert first.body["event"] == "digest"
    assert sorted(c["change_id"] for c in first.body["changes"]) == sorted(changes)
    assert first.headers["idempotency-key"] == again.headers["idempotency-key"]
    assert first.headers["idempotency-key"].startswith(
        "defwatch-digest-hourly-2026-01-05T10:00Z"
    )
    assert again.body["changes"] == first.body["changes"]


SCRIPT_BEFORE = [
    "The ministry published its statement on the frigate programme this morning.",
    "No further details were given.",
]
SCRIPT_AFTER = [
    "The ministry published its statement on the frigate programme this morning.",
    'No further details were given. <script>alert("pwned")</script> {{ 7*7 }} <@channel>',
]


def test_scraped_markup_and_template_syntax_stay_plain_text_in_email_and_slack(
    store: Store, smtp_inbox: SmtpInbox, receiver: HttpReceiver
) -> None:
    config = AppConfig(
        channels=(
            ChannelConfig(name="mail", kind="email", options=email_options(smtp_inbox)),
            ChannelConfig(
                name="slack", kind="slack", options={"webhook_url_env": "SLACK_URL"}
            ),
        )
    )
    title = "Frigate <b>statement</b> {{ config }}"
    store.record_edit(config, "statement", title, SCRIPT_BEFORE, SCRIPT_AFTER)

    report = send_pending(
        store.factory, config, channel_factory({"SLACK_URL": receiver.url("/slack")})
    )

    assert report.sent == 2
    (mail,) = smtp_inbox.messages
    html = smtp_inbox.html_of(mail)
    assert "<script>" not in html and "<b>statement" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;statement" in html
    assert "{{ 7*7 }}" in smtp_inbox.text_of(mail) and "{{ config }}" in mail["Subject"]
    (post,) = receiver.to("/slack")
    payload = json.dumps(post.body, ensure_ascii=False)
    assert "<script>" not in payload and "<@channel>" not in payload
    assert "&lt;script&gt;" in payload and "{{ 7*7 }}" in payload
