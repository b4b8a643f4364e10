"""Learned boilerplate: lines that repeat across many articles of one site (a slogan, a promo).

Pure functions: the monitor stores what was learned and passes it back to the cleaner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from crawler.cleaning.text import norm

MAX_LINE = 300  # longer paragraphs are prose even when syndicated: never learned as boilerplate


def learn_boilerplate(
    docs: Iterable[Sequence[str]], *, min_docs: int = 5, min_share: float = 0.3
) -> frozenset[str]:
    """Lines found in at least ``min_docs`` documents and ``min_share`` of all documents.

    ``docs`` holds the cleaned paragraphs of each stored article of one site. A line counts once
    per document however often it appears there. Fewer documents than ``min_docs`` learn nothing.
    """
    if min_docs < 2 or not 0 < min_share <= 1:
        raise ValueError("min_docs must be >= 2 and min_share in (0, 1]")
    counts: Counter[str] = Counter()
    total = 0
    for doc in docs:
        total += 1
        counts.update(
            {line for line in (norm(p) for p in doc) if 0 < len(line) <= MAX_LINE}
        )
    threshold = max(min_docs, total * min_share)
    return frozenset(line for line, count in counts.items() if count >= threshold)
