"""Apprise channel: forward alerts to any service Apprise supports (optional extra)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from typing import Any, Self

from alerts.channel import AlertChannel
from alerts.errors import AlertConfigError, AlertDeliveryError
from alerts.message import ChangeAlert
from alerts.options import OptionReader
from alerts.render import headline, render_text, shorten

INSTALL_HINT = "apprise channel needs: pip install 'defwatch[apprise]'"


class AppriseChannel(AlertChannel):
    """Forward each alert (headline as title, plain-text alert as body) to Apprise URLs.

    Apprise reaches many services (Telegram, Matrix, Teams, ntfy, ...). Needs the optional extra:
    pip install 'defwatch[apprise]'.

    Options:
      urls_env  NAME of the environment variable holding one or more Apprise URLs, separated by
                spaces or commas (required; the URLs contain credentials)
    """

    kind = "apprise"

    def __init__(self, notifier: Any) -> None:
        self._notifier = notifier

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], environ: Mapping[str, str]
    ) -> Self:
        """Build from config; AlertConfigError when apprise is not installed."""
        try:
            apprise = importlib.import_module("apprise")
        except ImportError:
            raise AlertConfigError(INSTALL_HINT) from None
        urls = re.split(
            r"[\s,]+", OptionReader(cls.kind, options).secret("urls_env", environ)
        )
        notifier = apprise.Apprise()
        if not notifier.add([url for url in urls if url]):
            raise AlertConfigError(
                "apprise channel: a URL in option 'urls_env' was not understood"
            )
        return cls(notifier)

    def __repr__(self) -> str:
        return "AppriseChannel(<URLs hidden>)"

    def send(self, alert: ChangeAlert, *, idempotency_key: str) -> None:
        """Notify every configured service; any failure is reported as retryable."""
        if not self._notifier.notify(
            title=shorten(headline(alert), 250), body=render_text(alert)
        ):
            raise AlertDeliveryError(
                self.kind, "at least one Apprise service failed", retryable=True
            )
