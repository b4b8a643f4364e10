"""Console channel, the registry and its manual, the optional Apprise channel, shared helpers."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from alerts import (
    CHANNELS,
    AlertConfigError,
    ChangeAlert,
    build_channel,
    channel_class,
    describe_channels,
)
from alerts.console import ConsoleChannel
from alerts.httppost import retry_after_seconds

Factory = Callable[..., ChangeAlert]


def test_console_prints_the_alert_without_terminal_control_characters(
    alert_factory: Factory, evil: str
) -> None:
    stream = io.StringIO()
    channel = ConsoleChannel(stream)
    title = f"Frigates \x1b[2J\x1b]0;pwned\x07 {evil}"
    channel.send(
        alert_factory(title=title, diff_text=f"+bad \x1b[31mred\x1b[0m {evil}\n"),
        idempotency_key="k",
    )

    out = stream.getvalue()
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "Frigates [2J]0;pwned" in out
    assert f"+bad [31mred[0m {evil}" in out  # literal, {{ 7*7 }} not evaluated
    assert "https://news.example/articles/frigate-order" in out


def test_console_digest_prints_every_change(alert_factory: Factory) -> None:
    stream = io.StringIO()
    ConsoleChannel(stream).send_digest(
        [alert_factory(title="One"), alert_factory(title="Two")], idempotency_key="d"
    )
    assert "Article: One" in stream.getvalue()
    assert "Article: Two" in stream.getvalue()


def test_every_channel_is_documented_and_listed() -> None:
    described = describe_channels()
    assert [kind for kind, _ in described] == list(CHANNELS)
    assert set(CHANNELS) == {"console", "email", "slack", "webhook", "apprise"}
    for kind, manual in described:
        assert len(manual.splitlines()[0]) > 20, kind
        assert "Options:" in manual or "Options: none" in manual, kind


def test_manual_lists_every_option_key_a_channel_reads() -> None:
    manuals = dict(describe_channels())
    expected = {
        "email": [
            "host", "port", "security", "username", "password_env", "from", "to", "timeout_s",
            "subject_prefix", "template_dir", "ca_file",
        ],
        "slack": ["webhook_url_env", "timeout_s", "username", "icon_emoji", "icon_url"],
        "webhook": ["url_env", "url", "headers_env", "timeout_s"],
        "apprise": ["urls_env"],
    }  # fmt: skip
    for kind, keys in expected.items():
        for key in keys:
            assert f"\n  {key} " in manuals[kind], (kind, key)


def test_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(
        AlertConfigError, match="unknown channel kind 'pager'"
    ) as caught:
        build_channel("pager", {}, {})
    assert "slack" in str(caught.value)


@pytest.mark.skipif(
    importlib.util.find_spec("apprise") is not None, reason="apprise is installed here"
)
def test_apprise_without_the_package_says_how_to_install_it() -> None:
    with pytest.raises(AlertConfigError) as caught:
        build_channel(
            "apprise",
            {"urls_env": "APPRISE_URLS"},
            {"APPRISE_URLS": "json://localhost"},
        )
    assert str(caught.value) == "apprise channel needs: pip install 'defwatch[apprise]'"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("Sat, 28 Nov 2026 10:01:30 GMT", 90.0),
        ("Sat, 28 Nov 2026 09:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_accepts_seconds_and_http_dates(
    header: str | None, expected: float | None
) -> None:
    now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert retry_after_seconds(header, now) == expected


def test_each_kind_names_a_channel_class_of_that_kind() -> None:
    for kind in CHANNELS:
        assert channel_class(kind).kind == kind
