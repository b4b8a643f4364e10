"""Cut a unified diff to a size limit at a line boundary, remembering how much was left out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

LineKind = Literal["add", "del", "hunk", "file", "ctx"]


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a unified diff and what it is (for colouring in HTML)."""

    kind: LineKind
    text: str


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The first lines of a diff that fit, and how many lines did not."""

    lines: tuple[str, ...]
    omitted: int


def classify(line: str) -> DiffLine:
    """Tag a unified-diff line as added, deleted, hunk header, file header or context."""
    if line.startswith(("+++", "---")):
        return DiffLine("file", line)
    if line.startswith("@@"):
        return DiffLine("hunk", line)
    if line.startswith("+"):
        return DiffLine("add", line)
    if line.startswith("-"):
        return DiffLine("del", line)
    return DiffLine("ctx", line)


def diff_lines(diff_text: str) -> list[DiffLine]:
    """All lines of a unified diff, tagged."""
    return [classify(line) for line in diff_text.splitlines()]


def cut(
    lines: Sequence[str],
    *,
    max_chars: int,
    max_lines: int,
    measure: Callable[[str], int] = len,
) -> Excerpt:
    """The longest prefix of ``lines`` within both limits (newlines count one character each).

    ``measure`` gives a line's size as it will be sent (e.g. after escaping). A single line longer
    than ``max_chars`` on its own is shortened rather than dropped, so an excerpt is never empty
    when there is something to show.
    """
    kept: list[str] = []
    used = 0
    for line in lines[:max_lines]:
        size = measure(line) + 1
        if used + size > max_chars:
            if not kept:
                kept.append(_fit(line, max_chars - 1, measure))
            break
        kept.append(line)
        used += size
    return Excerpt(tuple(kept), len(lines) - len(kept))


def _fit(line: str, limit: int, measure: Callable[[str], int]) -> str:
    """Shorten one over-long line to ``limit`` measured characters, ending in "…"."""
    while line and measure(line + "…") > limit:
        line = line[: max(len(line) - max(len(line) // 8, 1), 0)]
    return line + "…"


def more_lines_note(omitted: int) -> str:
    """The note that replaces the lines cut off: "… (12 more lines)"."""
    noun = "line" if omitted == 1 else "lines"
    return f"… ({omitted} more {noun})"
