"""The alert channels defwatch knows, keyed by the ``kind`` used in the config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from alerts.channel import AlertChannel
from alerts.console import ConsoleChannel
from alerts.errors import AlertConfigError

CHANNELS: Final[Mapping[str, type[AlertChannel]]] = {
    ConsoleChannel.kind: ConsoleChannel,
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
