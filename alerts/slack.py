"""Slack channel: post alerts to a Slack incoming webhook as Block Kit messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Self

import httpx

from alerts.channel import AlertChannel
from alerts.httppost import JsonPoster, build_client, endpoint_from
from alerts.message import ChangeAlert
from alerts.options import OptionReader
from alerts.slack_blocks import (
    alert_blocks,
    alert_fallback,
    digest_blocks,
    digest_fallback,
)


class SlackChannel(AlertChannel):
    """Post each alert to a Slack channel through an incoming webhook (Block Kit message).

    The message has the article's headline, the summary of what changed, source and kind of
    change, the start of the diff in a code block (cut at a line boundary, with a link to the
    rest) and links to the article and its diff. Scraped text is escaped, so a page cannot post
    links or mentions such as @channel. A digest is one message (at most 50 blocks; changes
    beyond that are counted, not shown).

    Options:
      webhook_url_env  NAME of the environment variable holding the webhook URL (required; the
                       URL is a credential and never goes into the config or the logs)
      timeout_s        network timeout in seconds (default 10)
      username         sender name shown in Slack (legacy webhooks only; app webhooks ignore it)
      icon_emoji       sender icon, e.g. ":satellite:" (legacy webhooks only)
      icon_url         sender icon as an image URL (legacy webhooks only)
    """

    kind = "slack"

    def __init__(
        self,
        webhook_url: str,
        client: httpx.Client,
        *,
        owns_client: bool = False,
        identity: Mapping[str, str] | None = None,
        url_label: str = "Slack webhook URL",
    ) -> None:
        endpoint = endpoint_from(self.kind, "webhook_url_env", webhook_url, url_label)
        self._poster = JsonPoster(self.kind, endpoint, client, owns_client=owns_client)
        self._identity = dict(identity or {})

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], environ: Mapping[str, str]
    ) -> Self:
        """Build from config; the webhook URL is read from the variable named by webhook_url_env."""
        read = OptionReader(cls.kind, options)
        url = read.secret("webhook_url_env", environ)
        identity = {
            key: value
            for key in ("username", "icon_emoji", "icon_url")
            if (value := read.text(key)) is not None
        }
        label = f"Slack webhook URL from ${read.required_text('webhook_url_env')}"
        client = build_client(read.number("timeout_s", 10.0))
        return cls(url, client, owns_client=True, identity=identity, url_label=label)

    def __repr__(self) -> str:
        return "SlackChannel(<webhook URL hidden>)"

    def send(self, alert: ChangeAlert, *, idempotency_key: str) -> None:
        """Post one change; Slack webhooks have no idempotency key, so a retry may repeat it."""
        self._post(alert_fallback(alert), alert_blocks(alert))

    def send_digest(
        self, alerts: Sequence[ChangeAlert], *, idempotency_key: str
    ) -> None:
        """Post all changes as one message; nothing is posted for an empty list."""
        if alerts:
            self._post(digest_fallback(alerts), digest_blocks(alerts))

    def _post(self, text: str, blocks: list[dict[str, object]]) -> None:
        payload: dict[str, object] = {
            "text": text,
            "blocks": blocks,
            "unfurl_links": False,
            "unfurl_media": False,
            **self._identity,
        }
        self._poster.post(payload)

    def close(self) -> None:
        """Close the HTTP client (if the channel made it)."""
        self._poster.close()
