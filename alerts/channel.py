"""The interface every alert channel implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import ClassVar, Self

from alerts.message import ChangeAlert


class AlertChannel(ABC):
    """Somewhere an alert can be delivered. One subclass per module; its docstring is its manual."""

    kind: ClassVar[str]

    @classmethod
    @abstractmethod
    def from_options(
        cls, options: Mapping[str, object], environ: Mapping[str, str]
    ) -> Self:
        """Build from the channel's config table; raise AlertConfigError naming a bad option."""

    @abstractmethod
    def send(self, alert: ChangeAlert, *, idempotency_key: str) -> None:
        """Deliver one alert or raise AlertDeliveryError."""

    def send_digest(
        self, alerts: Sequence[ChangeAlert], *, idempotency_key: str
    ) -> None:
        """Deliver several alerts as one message. The default sends them one by one."""
        for index, alert in enumerate(alerts):
            self.send(alert, idempotency_key=f"{idempotency_key}.{index}")

    def close(self) -> None:  # noqa: B027 (optional hook)
        """Release connections; channels that hold none need not override this."""
