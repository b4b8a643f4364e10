"""When to re-check an article: often while it is young, rarely when old, never when very old."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RecheckTier:
    """Articles younger than ``max_age`` are re-checked every ``every``."""

    max_age: timedelta
    every: timedelta


# As a newsroom edits: fast while breaking, hourly for two days, daily for two weeks, then stop.
DEFAULT_TIERS: tuple[RecheckTier, ...] = (
    RecheckTier(timedelta(hours=6), timedelta(minutes=15)),
    RecheckTier(timedelta(days=2), timedelta(hours=1)),
    RecheckTier(timedelta(days=14), timedelta(days=1)),
)


def next_check_at(
    born_at: datetime, now: datetime, tiers: Sequence[RecheckTier] = DEFAULT_TIERS
) -> datetime | None:
    """The next re-check of an article first seen (or published) at ``born_at``; None: stop.

    Ages are whole durations (``now - born_at``), never a timedelta's ``seconds`` field.
    """
    age = now - born_at
    for tier in tiers:
        if age < tier.max_age:
            return now + tier.every
    return None
