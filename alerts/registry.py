"""The alert channels defwatch knows, keyed by the ``kind`` used in the config."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Final

from alerts.apprise_channel import AppriseChannel
from alerts.channel import AlertChannel
from alerts.console import ConsoleChannel
from alerts.errors import AlertConfigError
from alerts.slack import SlackChannel
from alerts.smtp import EmailChannel
from alerts.webhook import WebhookChannel

CHANNELS: Final[Mapping[str, type[AlertChannel]]] = {
    channel.kind: channel
    for channel in (
        ConsoleChannel,
        EmailChannel,
        SlackChannel,
        WebhookChannel,
        AppriseChannel,
    )
}


def build_channel(
    kind: str, options: Mapping[str, object], environ: Mapping[str, str]
) -> AlertChannel:
    """Build a channel of ``kind`` from its options; AlertConfigError if unknown or invalid."""
    try:
        channel_class = CHANNELS[kind]
    except KeyError:
        known = ", ".join(sorted(CHANNELS))
        raise AlertConfigError(
            f"unknown channel kind {kind!r} (known: {known})"
        ) from None
    return channel_class.from_options(options, environ)


def describe_channels() -> list[tuple[str, str]]:
    """(kind, manual) for every channel, in registry order: what ``defwatch alerts list`` prints."""
    return [(kind, inspect.getdoc(channel) or "") for kind, channel in CHANNELS.items()]
