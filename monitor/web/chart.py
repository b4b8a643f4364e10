"""The timeline chart of an article's edits: geometry computed here, SVG drawn by the template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH = 640
HEIGHT = 90
PAD = 12
MIN_BAR = 3  # a tiny edit is still visible


@dataclass(frozen=True, slots=True, kw_only=True)
class Bar:
    """One version on the chart: where, how tall (words changed), and its tooltip."""

    x: float
    y: float
    height: float
    version: int
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """The chart's size, bars and axis labels."""

    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    start_label: str
    end_label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Point:
    """One version's time and size of change (words added + removed; 0 for the first)."""

    version: int
    at: datetime
    words: int


def timeline_chart(points: Sequence[Point]) -> Chart | None:
    """Bars along a time axis, taller for bigger edits; None without versions."""
    if not points:
        return None
    start, end = points[0].at, points[-1].at
    span = (end - start).total_seconds() or 1.0
    biggest = max((p.words for p in points), default=0) or 1
    baseline = HEIGHT - PAD
    usable = HEIGHT - 2 * PAD
    bars = []
    for point in points:
        offset = (point.at - start).total_seconds() / span if len(points) > 1 else 0.5
        height = max(MIN_BAR, usable * point.words / biggest)
        bars.append(
            Bar(
                x=round(PAD + offset * (WIDTH - 2 * PAD), 1),
                y=round(baseline - height, 1),
                height=round(height, 1),
                version=point.version,
                label=f"version {point.version}, {point.at:%Y-%m-%d %H:%M}, "
                f"{point.words} words changed",
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        baseline=baseline,
        bars=tuple(bars),
        start_label=f"{start:%Y-%m-%d %H:%M}",
        end_label=f"{end:%Y-%m-%d %H:%M}",
    )
