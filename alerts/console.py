"""Console channel: print each alert to a stream (standard output by default)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import IO, Self

from alerts.channel import AlertChannel
from alerts.message import ChangeAlert
from alerts.render import render_text


class ConsoleChannel(AlertChannel):
    """Print each alert as plain text with its unified diff, for cron mail or a terminal.

    Options: none. Control characters from scraped text are stripped, so a page cannot move the
    cursor or recolour the terminal.
    """

    kind = "console"

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], environ: Mapping[str, str]
    ) -> Self:
        """Build from config; the console channel takes no options."""
        return cls()

    def send(self, alert: ChangeAlert, *, idempotency_key: str) -> None:
        """Write the alert to the stream."""
        stream = self._stream or sys.stdout
        stream.write(render_text(alert))
        stream.write("\n")
        stream.flush()
