"""Per-source alert thresholds: which changes are worth telling someone about.

``AlertPolicy.mode``:

``any``
    every change a reader would see alerts (the default);
``min_words``
    only changes of at least ``min_words`` words (added + removed) alert;
``headline_only``
    only headline changes alert.

In every mode a change must also reach ``min_significance``; a ``metadata_only`` change (only
``modified_at`` moved) alerts only with ``alert_on_metadata_only``; an empty report never does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Literal, cast, get_args

from monitor.diffing import kinds as k
from monitor.diffing.report import ChangeReport

AlertMode = Literal["any", "min_words", "headline_only"]
ALERT_MODES: tuple[str, ...] = get_args(AlertMode)


class AlertPolicyError(ValueError):
    """An alert policy setting is invalid; the message starts with the key's name."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertPolicy:
    """When a change to an article of one source should alert (see the module docstring)."""

    mode: AlertMode = "any"
    min_words: int = 0
    min_significance: float = 0.0
    alert_on_metadata_only: bool = False

    def __post_init__(self) -> None:
        if self.mode not in ALERT_MODES:
            raise AlertPolicyError(
                f"mode: must be one of {', '.join(ALERT_MODES)}; got {self.mode!r}"
            )
        if self.min_words < 0:
            raise AlertPolicyError(
                f"min_words: must be 0 or more; got {self.min_words}"
            )
        if not 0.0 <= self.min_significance <= 1.0:
            raise AlertPolicyError(
                f"min_significance: must be between 0 and 1; got {self.min_significance}"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> AlertPolicy:
        """Build from config data; AlertPolicyError (a ValueError) naming the bad key (unknown key, wrong type or value)."""
        known = [f.name for f in fields(cls)]
        for key in data:
            if key not in known:
                raise AlertPolicyError(
                    f"{key}: unknown alert policy key (expected one of {', '.join(known)})"
                )
        mode = data.get("mode", "any")
        if not isinstance(mode, str) or mode not in ALERT_MODES:
            raise AlertPolicyError(
                f"mode: must be one of {', '.join(ALERT_MODES)}; got {mode!r}"
            )
        min_words = data.get("min_words", 0)
        if isinstance(min_words, bool) or not isinstance(min_words, int):
            raise AlertPolicyError(
                f"min_words: must be a whole number; got {min_words!r}"
            )
        min_sig = data.get("min_significance", 0.0)
        if isinstance(min_sig, bool) or not isinstance(min_sig, int | float):
            raise AlertPolicyError(
                f"min_significance: must be a number between 0 and 1; got {min_sig!r}"
            )
        on_meta = data.get("alert_on_metadata_only", False)
        if not isinstance(on_meta, bool):
            raise AlertPolicyError(
                f"alert_on_metadata_only: must be true or false; got {on_meta!r}"
            )
        return cls(
            mode=cast(AlertMode, mode),
            min_words=min_words,
            min_significance=float(min_sig),
            alert_on_metadata_only=on_meta,
        )


def should_alert(report: ChangeReport, policy: AlertPolicy) -> bool:
    """Whether ``report`` is worth an alert under ``policy``."""
    if report.is_empty:
        return False
    if not report.text_changed:
        return policy.alert_on_metadata_only
    if report.significance < policy.min_significance:
        return False
    if policy.mode == "headline_only":
        return k.HEADLINE in report.kinds
    if policy.mode == "min_words":
        return report.words_added + report.words_removed >= policy.min_words
    return True
