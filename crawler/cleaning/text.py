"""Whitespace and line normalisation shared by the HTML and plain-text cleaners."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def norm(text: str) -> str:
    """Collapse runs of whitespace (incl. non-breaking) to one space; drop zero-width characters."""
    return _SPACE.sub(" ", text.translate(_INVISIBLE)).strip()


def dedupe(lines: list[str]) -> list[str]:
    """Keep the first occurrence of each line, in order."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if line not in seen:
            seen.add(line)
            kept.append(line)
    return kept
