"""The generic JSON webhook channel against a loopback receiver."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from alerts import AlertConfigError, AlertDeliveryError, ChangeAlert, build_channel

Factory = Callable[..., ChangeAlert]


def test_change_is_posted_with_every_field_and_the_idempotency_key(
    make_channel: Any, receiver: Any, alert_factory: Factory
) -> None:
    options = {
        "url": receiver.url("/defwatch"),
        "headers_env": {"Authorization": "HOOK_AUTH"},
    }
    channel = make_channel("webhook", options, {"HOOK_AUTH": "Bearer t0ken-ABC"})
    alert = alert_factory(
        old_title="Navy orders three frigates", significance=0.75, words_added=3
    )
    channel.send(alert, idempotency_key="change-17:webhook")

    [request] = receiver.requests
    assert request.path == "/defwatch"
    assert request.headers["Idempotency-Key"] == "change-17:webhook"
    assert request.headers["Authorization"] == "Bearer t0ken-ABC"
    assert request.headers["Content-Type"].startswith("application/json")
    payload = request.json()
    assert payload["schema"] == "defwatch.alert/1"
    assert payload["event"] == "change"
    assert payload["idempotency_key"] == "change-17:webhook"
    change = payload["change"]
    assert set(change) == {field.name for field in dataclasses.fields(ChangeAlert)}
    assert datetime.fromisoformat(change["detected_at"]) == alert.detected_at
    assert change["kinds"] == ["headline", "numbers"]
    assert change["old_title"] == "Navy orders three frigates"
    assert change["significance"] == 0.75
    assert change["diff_text"] == alert.diff_text


def test_resend_carries_the_same_key(
    make_channel: Any, receiver: Any, alert_factory: Factory
) -> None:
    channel = make_channel("webhook", {"url": receiver.url()}, {})
    channel.send(alert_factory(), idempotency_key="change-17:webhook")
    channel.send(alert_factory(), idempotency_key="change-17:webhook")
    keys = [request.headers["Idempotency-Key"] for request in receiver.requests]
    assert keys == ["change-17:webhook", "change-17:webhook"]


def test_digest_is_one_post(
    make_channel: Any, receiver: Any, alert_factory: Factory
) -> None:
    channel = make_channel("webhook", {"url_env": "HOOK"}, {"HOOK": receiver.url()})
    channel.send_digest(
        [alert_factory(change_id=n) for n in range(5)], idempotency_key="digest-1"
    )
    channel.send_digest([], idempotency_key="digest-2")

    [request] = receiver.requests
    payload = request.json()
    assert payload["event"] == "digest"
    assert [change["change_id"] for change in payload["changes"]] == [0, 1, 2, 3, 4]
    assert request.headers["Idempotency-Key"] == "digest-1"


def test_hostile_text_is_sent_as_literal_json_strings(
    make_channel: Any, receiver: Any, alert_factory: Factory, evil: str
) -> None:
    channel = make_channel("webhook", {"url": receiver.url()}, {})
    channel.send(alert_factory(title=evil, diff_text=f"+{evil}\n"), idempotency_key="k")
    change = receiver.requests[0].json()["change"]
    assert change["title"] == evil
    assert change["diff_text"] == f"+{evil}\n"


@pytest.mark.parametrize(
    ("status", "headers", "retryable", "retry_after"),
    [
        (502, {}, True, None),
        (429, {"Retry-After": "12"}, True, 12.0),
        (408, {}, True, None),
        (401, {}, False, None),
        (422, {}, False, None),
    ],
)
def test_answers_are_classified_like_slack(
    make_channel: Any,
    receiver: Any,
    alert_factory: Factory,
    status: int,
    headers: dict[str, str],
    retryable: bool,
    retry_after: float | None,
) -> None:
    receiver.status, receiver.headers, receiver.body = status, headers, b"nope"
    channel = make_channel("webhook", {"url": receiver.url()}, {})
    with pytest.raises(AlertDeliveryError) as caught:
        channel.send(alert_factory(), idempotency_key="k")
    assert (caught.value.retryable, caught.value.retry_after_s) == (
        retryable,
        retry_after,
    )


def test_hang_and_refused_connection_are_retryable(
    make_channel: Any, receiver: Any, dead_port: int, alert_factory: Factory
) -> None:
    receiver.hang = True
    hanging = make_channel("webhook", {"url": receiver.url(), "timeout_s": 0.3}, {})
    refused = make_channel(
        "webhook", {"url": f"http://127.0.0.1:{dead_port}/x", "timeout_s": 1}, {}
    )
    for channel in (hanging, refused):
        with pytest.raises(AlertDeliveryError) as caught:
            channel.send(alert_factory(), idempotency_key="k")
        assert caught.value.retryable is True


def test_secret_url_and_header_values_stay_out_of_errors_logs_and_repr(
    make_channel: Any,
    receiver: Any,
    alert_factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    environ = {
        "HOOK": receiver.url("/hooks/SECRETPATH42"),
        "AUTH": "Bearer SECRETTOKEN42",
    }
    channel = make_channel(
        "webhook",
        {"url_env": "HOOK", "headers_env": {"Authorization": "AUTH"}},
        environ,
    )
    channel.send(alert_factory(), idempotency_key="k")
    receiver.status, receiver.body = 500, b"failed for /hooks/SECRETPATH42"
    with pytest.raises(AlertDeliveryError) as caught:
        channel.send(alert_factory(), idempotency_key="k")

    assert "$HOOK" in str(caught.value)
    for text in (str(caught.value), caplog.text, repr(channel)):
        assert "SECRETPATH42" not in text
        assert "SECRETTOKEN42" not in text


@pytest.mark.parametrize(
    ("options", "environ", "expected"),
    [
        ({}, {}, "exactly one of the options 'url_env' and 'url'"),
        (
            {"url": "http://a.example", "url_env": "HOOK"},
            {"HOOK": "http://b.example"},
            "exactly one",
        ),
        ({"url_env": "HOOK"}, {}, "HOOK (named by option 'url_env') is not set"),
        ({"url": "ftp://a.example/x"}, {}, "is not an http(s) URL"),
        (
            {"url": "http://a.example", "headers_env": {"X-Key": "KEY"}},
            {},
            "KEY (named by option 'headers_env')",
        ),
        (
            {"url": "http://a.example", "headers_env": {"Bad Header": "KEY"}},
            {"KEY": "v"},
            "not a header name",
        ),
    ],
)
def test_bad_options_name_the_option(
    options: dict[str, object], environ: dict[str, str], expected: str
) -> None:
    with pytest.raises(AlertConfigError) as caught:
        build_channel("webhook", options, environ)
    assert expected in str(caught.value)
