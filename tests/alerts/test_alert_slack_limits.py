"""Slack payloads stay within Slack's limits and inert for any scraped text (property-based)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.message import ChangeAlert
from alerts.slack_blocks import (
    alert_blocks,
    alert_fallback,
    digest_blocks,
    digest_fallback,
)

# Text heavy in the characters that expand when escaped, plus anything else.
hostile_text = st.text(
    alphabet=st.sampled_from("&<>`|*_~!\n x€") | st.characters(), max_size=1200
)
long_diffs = st.text(alphabet=st.sampled_from("&<>`+- \nab"), max_size=6000)
urls = st.one_of(
    st.just("https://news.example/a"),
    st.text(max_size=900).map(lambda tail: "https://news.example/" + tail),
    st.text(max_size=50),
)


@st.composite
def alerts(draw: st.DrawFn) -> ChangeAlert:
    return ChangeAlert(
        change_id=draw(st.integers(0, 10**9)),
        source=draw(hostile_text),
        url=draw(urls),
        title=draw(hostile_text),
        kind=draw(
            st.sampled_from(["edited", "removed", "site_broken", "weird_new_kind"])
        ),
        kinds=tuple(draw(st.lists(st.text(max_size=30), max_size=5))),
        summary=draw(hostile_text),
        detected_at=datetime(2026, 11, 28, tzinfo=UTC),
        from_version=1,
        to_version=2,
        diff_text=draw(long_diffs),
        old_title=draw(st.none() | hostile_text),
        diff_url=draw(st.none() | urls),
    )


@settings(max_examples=40, deadline=None)
@given(alert=alerts())
def test_single_alert_payload_is_always_valid(
    alert: ChangeAlert, slack_validator: Callable[[Any], list[str]]
) -> None:
    payload = {"text": alert_fallback(alert) or "-", "blocks": alert_blocks(alert)}
    assert slack_validator(payload) == []


@settings(max_examples=5, deadline=None)
@given(batch=st.lists(alerts(), min_size=1, max_size=60))
def test_digest_payload_is_always_valid(
    batch: list[ChangeAlert], slack_validator: Callable[[Any], list[str]]
) -> None:
    payload = {"text": digest_fallback(batch), "blocks": digest_blocks(batch)}
    assert slack_validator(payload) == []
