"""The Slack channel against a loopback receiver that checks payloads the way Slack documents them."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from alerts import AlertConfigError, AlertDeliveryError, ChangeAlert, build_channel
from alerts.slack import SlackChannel

Factory = Callable[..., ChangeAlert]
SECRET = "T0000/B0000/XSECRETTOKENXYZ"


@pytest.fixture
def slack(receiver: Any) -> Iterator[SlackChannel]:
    """A Slack channel built from config, pointing at the receiver with a short timeout."""
    receiver.slack = True
    environ = {"SLACK_URL": receiver.url(f"/services/{SECRET}")}
    channel = build_channel(
        "slack", {"webhook_url_env": "SLACK_URL", "timeout_s": 0.5}, environ
    )
    assert isinstance(channel, SlackChannel)
    yield channel
    channel.close()


def _texts(
    payload: dict[str, Any], kinds: tuple[str, ...] = ("section", "context")
) -> list[str]:
    texts = [payload["text"]]
    for block in payload["blocks"]:
        if block["type"] == "section" and "section" in kinds:
            texts.append(block["text"]["text"])
        if block["type"] == "context" and "context" in kinds:
            texts += [element["text"] for element in block["elements"]]
    return texts


def test_alert_is_posted_as_valid_block_kit(
    slack: SlackChannel, receiver: Any, alert_factory: Factory
) -> None:
    slack.send(alert_factory(), idempotency_key="k")

    [request] = receiver.requests
    assert receiver.problems == []
    assert request.path == f"/services/{SECRET}"
    payload = request.json()
    header = payload["blocks"][0]
    assert header["type"] == "header"
    assert header["text"]["text"] == "Edited: Navy orders four frigates"
    assert "headline changed; 1 paragraph edited" in payload["text"]
    joined = "\n".join(_texts(payload))
    assert "defense-news" in joined
    assert "```" in joined
    assert "+The contract is worth €1.5bn." in joined
    assert "<https://news.example/articles/frigate-order|Open article>" in joined
    assert "<https://defwatch.example/changes/17|Open diff>" in joined


def test_long_headline_is_cut_to_150_characters(
    slack: SlackChannel, receiver: Any, alert_factory: Factory
) -> None:
    slack.send(alert_factory(title="Frigate " * 60), idempotency_key="k")
    assert receiver.problems == []
    header = receiver.requests[0].json()["blocks"][0]["text"]["text"]
    assert len(header) == 150
    assert header.endswith("…")


def test_very_long_diff_is_cut_at_a_line_boundary_with_a_note(
    slack: SlackChannel, receiver: Any, alert_factory: Factory
) -> None:
    lines = [
        f"+Paragraph {n} says the frigate & its <radar> cost more." for n in range(5000)
    ]
    slack.send(alert_factory(diff_text="\n".join(lines)), idempotency_key="k")

    assert receiver.problems == []
    payload = receiver.requests[0].json()
    [diff] = [text for text in _texts(payload, ("section",)) if text.startswith("```")]
    assert len(diff) <= 3000
    body, note = diff.rsplit("```", 1)
    shown = body.removeprefix("```\n").rstrip("\n").split("\n")
    escaped = [
        line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for line in lines
    ]
    assert shown == escaped[: len(shown)]  # whole lines only, in order
    assert f"… ({5000 - len(shown)} more lines)" in note
    assert "<https://defwatch.example/changes/17|full diff>" in note


def test_one_huge_line_is_shortened_not_dropped(
    slack: SlackChannel, receiver: Any, alert_factory: Factory
) -> None:
    slack.send(
        alert_factory(diff_text="+" + "x" * 10_000 + "\n+next"), idempotency_key="k"
    )
    assert receiver.problems == []
    texts = _texts(receiver.requests[0].json(), ("section",))
    [diff] = [text for text in texts if text.startswith("```")]
    assert "xxxx…" in diff
    assert "1 more line)" in diff


def test_digest_of_80_alerts_stays_within_50_blocks(
    slack: SlackChannel, receiver: Any, alert_factory: Factory
) -> None:
    alerts = [
        alert_factory(change_id=n, title=f"Article number {n}") for n in range(80)
    ]
    slack.send_digest(alerts, idempotency_key="digest")

    assert receiver.problems == []
    [request] = receiver.requests
    payload = request.json()
    assert len(payload["blocks"]) == 50
    joined = "\n".join(_texts(payload))
    assert "80 changes" in payload["text"]
    assert "Article number 0" in joined
    assert "Article number 47" in joined
    assert "Article number 48" not in joined
    assert "32 more changes" in joined


def test_small_digest_shows_every_change(
    slack: SlackChannel, receiver: Any, alert_factory: Factory
) -> None:
    alerts = [alert_factory(change_id=n, title=f"Article number {n}") for n in range(3)]
    slack.send_digest(alerts, idempotency_key="digest")
    payload = receiver.requests[0].json()
    assert receiver.problems == []
    assert len(payload["blocks"]) == 4
    assert "more change" not in json.dumps(payload)


def test_scraped_text_cannot_mention_link_or_script(
    slack: SlackChannel, receiver: Any, alert_factory: Factory, evil: str
) -> None:
    alert = alert_factory(title=evil, summary=evil, source=evil, diff_text=f"+{evil}\n")
    slack.send(alert, idempotency_key="k")
    slack.send_digest([alert, alert], idempotency_key="d")

    assert receiver.problems == []
    for request in receiver.requests:
        payload = request.json()
        for text in _texts(payload):
            assert "<!channel>" not in text
            assert "<https://evil.example" not in text
            assert "<script>" not in text
        joined = "\n".join(_texts(payload))
        assert "&lt;!channel&gt;" in joined
        assert "{{ 7*7 }}" in joined
        for block in payload["blocks"]:
            if block["type"] == "header":
                assert block["text"]["type"] == "plain_text"
                assert "<!channel>" not in block["text"]["text"]


def test_identity_options_are_sent(
    make_channel: Any, receiver: Any, alert_factory: Factory
) -> None:
    options = {
        "webhook_url_env": "U",
        "username": "defwatch",
        "icon_emoji": ":satellite:",
    }
    channel = make_channel("slack", options, {"U": receiver.url()})
    channel.send(alert_factory(), idempotency_key="k")
    payload = receiver.requests[0].json()
    assert (payload["username"], payload["icon_emoji"]) == ("defwatch", ":satellite:")


@pytest.mark.parametrize(
    ("status", "headers", "body", "retryable", "retry_after"),
    [
        (500, {}, b"internal_error", True, None),
        (503, {"Retry-After": "30"}, b"", True, 30.0),
        (429, {"Retry-After": "7"}, b"rate_limited", True, 7.0),
        (400, {}, b"invalid_payload", False, None),
        (403, {}, b"action_prohibited", False, None),
        (404, {}, b"no_service", False, None),
        (410, {}, b"channel_is_archived", False, None),
    ],
)
def test_http_answers_are_classified(
    slack: SlackChannel,
    receiver: Any,
    alert_factory: Factory,
    status: int,
    headers: dict[str, str],
    body: bytes,
    retryable: bool,
    retry_after: float | None,
) -> None:
    receiver.status, receiver.headers, receiver.body = status, headers, body
    with pytest.raises(AlertDeliveryError) as caught:
        slack.send(alert_factory(), idempotency_key="k")
    assert caught.value.retryable is retryable
    assert caught.value.retry_after_s == retry_after
    assert f"HTTP {status}" in str(caught.value)
    if body:
        assert body.decode() in str(caught.value)


def test_hanging_receiver_times_out_as_retryable(
    slack: SlackChannel, receiver: Any, alert_factory: Factory
) -> None:
    receiver.hang = True
    with pytest.raises(AlertDeliveryError) as caught:
        slack.send(alert_factory(), idempotency_key="k")
    assert caught.value.retryable is True
    assert "timed out" in str(caught.value)


def test_unreachable_webhook_is_retryable(
    make_channel: Any, dead_port: int, alert_factory: Factory
) -> None:
    environ = {"U": f"http://127.0.0.1:{dead_port}/services/{SECRET}"}
    channel = make_channel("slack", {"webhook_url_env": "U", "timeout_s": 1}, environ)
    with pytest.raises(AlertDeliveryError) as caught:
        channel.send(alert_factory(), idempotency_key="k")
    assert caught.value.retryable is True
    assert SECRET not in str(caught.value)


def test_webhook_url_never_in_errors_logs_or_repr(
    slack: SlackChannel,
    receiver: Any,
    alert_factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # an in-process CLI test before this one may have quietened httpx (monitor.logs)
    caplog.set_level(logging.INFO, logger="httpx")
    slack.send(alert_factory(), idempotency_key="ok")
    errors = []
    for status, body in (
        (500, b""),
        (404, f"no_service for /services/{SECRET}".encode()),
    ):
        receiver.status, receiver.body = status, body
        with pytest.raises(AlertDeliveryError) as caught:
            slack.send(alert_factory(), idempotency_key="k")
        errors.append(str(caught.value))
    receiver.hang = True
    with pytest.raises(AlertDeliveryError) as caught:
        slack.send(alert_factory(), idempotency_key="k")
    errors.append(str(caught.value))

    assert "HTTP Request: POST" in caplog.text  # httpx did log each request ...
    assert SECRET not in caplog.text  # ... without the URL
    assert "$SLACK_URL" in caplog.text
    for error in errors:
        assert SECRET not in error
        assert "$SLACK_URL" in error
    assert SECRET not in repr(slack)


def test_injected_client_is_used_and_left_open(
    receiver: Any, alert_factory: Factory
) -> None:
    with httpx.Client(timeout=2, headers={"X-Test": "injected"}) as client:
        channel = SlackChannel(receiver.url(), client)
        channel.send(alert_factory(), idempotency_key="k")
        channel.close()
        assert not client.is_closed
    assert receiver.requests[0].headers["X-Test"] == "injected"


@pytest.mark.parametrize(
    ("options", "environ", "expected"),
    [
        ({}, {}, "option 'webhook_url_env' is required"),
        (
            {"webhook_url_env": "SLACK_URL"},
            {},
            "SLACK_URL (named by option 'webhook_url_env') is not set",
        ),
        (
            {"webhook_url_env": "SLACK_URL"},
            {"SLACK_URL": "hooks.slack.com/x"},
            "is not an http(s) URL",
        ),
        (
            {"webhook_url_env": "U", "timeout_s": "fast"},
            {"U": "https://hooks.slack.example/x"},
            "'timeout_s'",
        ),
    ],
)
def test_bad_options_name_the_option(
    options: dict[str, object], environ: dict[str, str], expected: str
) -> None:
    with pytest.raises(AlertConfigError) as caught:
        build_channel("slack", options, environ)
    assert expected in str(caught.value)
    assert "hooks.slack" not in str(caught.value)


def test_non_http_urls_are_not_linked(
    slack: SlackChannel, receiver: Any, alert_factory: Factory
) -> None:
    slack.send(
        alert_factory(url="javascript:alert(1)", diff_url=None), idempotency_key="k"
    )
    joined = "\n".join(_texts(receiver.requests[0].json()))
    assert "<javascript" not in joined
    assert "Open article" in joined
