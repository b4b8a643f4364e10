"""Render a ChangeAlert as text for terminals and plain-text email."""

from __future__ import annotations

import re

from alerts.message import ChangeAlert

# C0/C1 control characters except newline and tab: scraped text must not drive a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    """Remove terminal control characters (escape sequences lose their ESC and become inert)."""
    return _CONTROL.sub("", text)


def render_text(alert: ChangeAlert) -> str:
    """A plain-text alert: a header block, then the unified diff."""
    lines = [
        f"[defwatch] {alert.summary}",
        f"Article: {alert.title}",
        f"Source:  {alert.source}",
        f"URL:     {alert.url}",
    ]
    if alert.from_version is not None and alert.to_version is not None:
        lines.append(f"Version: {alert.from_version} -> {alert.to_version}")
    lines.append(f"Detected: {alert.detected_at.isoformat(timespec='seconds')}")
    if alert.diff_url:
        lines.append(f"Diff:    {alert.diff_url}")
    if alert.diff_text:
        lines += ["", alert.diff_text.rstrip("\n")]
    return strip_control("\n".join(lines)) + "\n"
