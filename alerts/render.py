"""Render a ChangeAlert as text for terminals and plain-text email, plus the wording all channels share."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from alerts.message import ChangeAlert

# C0/C1 control characters except newline and tab: scraped text must not drive a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# How a change kind reads at the start of a subject or headline ("Edited: <title>"). Kinds not
# listed read as their name with underscores as spaces, so a new kind from the monitor still works.
KIND_LABELS: Final[Mapping[str, str]] = {
    "edited": "Edited",
    "headline": "Headline changed",
    "removed": "Removed",
    "restored": "Restored",
    "new": "New",
    "site_broken": "Site broken",
}


def strip_control(text: str) -> str:
    """Remove terminal control characters (escape sequences lose their ESC and become inert)."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces: for subjects and headers."""
    return " ".join(strip_control(text).split())


def kind_label(kind: str) -> str:
    """The human label of a change kind ("site_broken" -> "Site broken")."""
    return KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize() or "Changed"


def headline(alert: ChangeAlert) -> str:
    """One line naming what happened to which article: "Edited: <title>"."""
    title = one_line(alert.title) or alert.url
    return f"{kind_label(alert.kind)}: {title}"


def digest_headline(alerts: Sequence[ChangeAlert]) -> str:
    """One line for a digest: "3 changes: 2 edited, 1 removed"."""
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.kind] = counts.get(alert.kind, 0) + 1
    parts = ", ".join(f"{n} {kind_label(kind).lower()}" for kind, n in counts.items())
    noun = "change" if len(alerts) == 1 else "changes"
    return f"{len(alerts)} {noun}: {parts}" if parts else f"0 {noun}"


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


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
