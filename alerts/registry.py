"""The alert channels defwatch knows, keyed by the ``kind`` used in the config.

Each kind names its class by dotted path: a channel's module (and what it needs: httpx, jinja2,
apprise) is imported only when a channel of that kind is built or described, so a crawl with
nothing to deliver loads none of them.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Final

from alerts.channel import AlertChannel
from alerts.errors import AlertConfigError

CHANNELS: Final[Mapping[str, str]] = {
    "console": "alerts.console:ConsoleChannel",
    "email": "alerts.smtp:EmailChannel",
    "slack": "alerts.slack:SlackChannel",
    "webhook": "alerts.webhook:WebhookChannel",
    "apprise": "alerts.apprise_channel:AppriseChannel",
}


def channel_class(kind: str) -> type[AlertChannel]:
    """The class of channel ``kind`` (imported now); AlertConfigError if the kind is unknown."""
    try:
        target = CHANNELS[kind]
    except KeyError:
        known = ", ".join(sorted(CHANNELS))
        raise AlertConfigError(
            f"unknown channel kind {kind!r} (known: {known})"
        ) from None
    module_name, _, name = target.partition(":")
    found = getattr(importlib.import_module(module_name), name)
    if not (isinstance(found, type) and issubclass(found, AlertChannel)):
        raise TypeError(f"{target} is not an AlertChannel class")
    return found


def build_channel(
    kind: str, options: Mapping[str, object], environ: Mapping[str, str]
) -> AlertChannel:
    """Build a channel of ``kind`` from its options; AlertConfigError if unknown or invalid."""
    return channel_class(kind).from_options(options, environ)


def describe_channels() -> list[tuple[str, str]]:
    """(kind, manual) for every channel, in registry order: what ``defwatch alerts list`` prints."""
    return [(kind, inspect.getdoc(channel_class(kind)) or "") for kind in CHANNELS]
