"""Errors raised by alert channels.

* AlertError              base
  + AlertConfigError      a channel's options are invalid or its secret is not in the environment
  + AlertDeliveryError    one alert could not be delivered; ``retryable`` says whether to try again,
                          ``retry_after_s`` how long the receiver asked us to wait (Slack's 429)
"""

from __future__ import annotations


class AlertError(Exception):
    """Base of every error raised by the alerts package."""


class AlertConfigError(AlertError):
    """A channel is configured wrongly; the message names the option."""


class AlertDeliveryError(AlertError):
    """Delivering one alert failed. Never carries a secret (webhook URL, password) in its text."""

    def __init__(
        self,
        channel: str,
        message: str,
        *,
        retryable: bool,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(f"{channel}: {message}")
        self.channel = channel
        self.retryable = retryable
        self.retry_after_s = retry_after_s
