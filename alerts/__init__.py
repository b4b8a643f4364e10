"""Deliver change alerts: channels (console, email, Slack, webhook) that render and send a ChangeAlert.

Nothing here knows about the database or the crawler; the monitor builds ChangeAlert values and
decides when to send them (its outbox).
"""

from __future__ import annotations

from alerts.channel import AlertChannel
from alerts.errors import AlertConfigError, AlertDeliveryError, AlertError
from alerts.message import ChangeAlert
from alerts.registry import CHANNELS, build_channel, channel_class, describe_channels

__all__ = [
    "CHANNELS",
    "AlertChannel",
    "AlertConfigError",
    "AlertDeliveryError",
    "AlertError",
    "ChangeAlert",
    "build_channel",
    "channel_class",
    "describe_channels",
]
