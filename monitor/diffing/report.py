"""Diff two versions and say what changed (first version: difflib; deepened later)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from monitor.diffing.content import ArticleContent
from monitor.diffing.normalise import normalise_text


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeReport:
    """What changed between two versions of one article."""

    kinds: tuple[str, ...]
    summary: str
    unified: str
    significance: float = 0.0
    words_added: int = 0
    words_removed: int = 0

    @property
    def kind(self) -> str:
        """The primary kind (the first, most important one)."""
        return self.kinds[0] if self.kinds else "none"

    @property
    def is_empty(self) -> bool:
        """True when the two versions read the same."""
        return not self.kinds


def _lines(content: ArticleContent) -> list[str]:
    return [content.title, "", *content.standfirst, "", *content.body]


def diff_contents(old: ArticleContent, new: ArticleContent) -> ChangeReport:
    """Compare two versions field by field."""
    kinds: list[str] = []
    if normalise_text(old.title) != normalise_text(new.title):
        kinds.append("headline")
    if [normalise_text(s) for s in old.standfirst] != [
        normalise_text(s) for s in new.standfirst
    ]:
        kinds.append("standfirst")
    if [normalise_text(p) for p in old.body] != [normalise_text(p) for p in new.body]:
        kinds.append("body")
    unified = "\n".join(
        difflib.unified_diff(_lines(old), _lines(new), "before", "after", lineterm="")
    )
    old_words = " ".join(_lines(old)).split()
    new_words = " ".join(_lines(new)).split()
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    added = removed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    significance = (added + removed) / max(1, len(old_words) + len(new_words))
    summary = "; ".join(f"{k} changed" for k in kinds) or "no change"
    return ChangeReport(
        kinds=tuple(kinds),
        summary=summary,
        unified=unified,
        significance=significance,
        words_added=added,
        words_removed=removed,
    )
