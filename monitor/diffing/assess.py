"""Classify a diff: which kinds apply, what it touched, how significant it is, one-line summary.

Significance, in [0, 1]: start from the square root of the share of words changed,
(words added + words removed) / (words in both versions), so one word in a long article
scores low and a rewrite scores 1; then each finding in ``SIGNIFICANCE_BOOSTS`` present
(headline, correction, numbers, standfirst, names touched, byline, moves) raises it as
independent evidence: s = 1 - (1 - s) * (1 - boost). A headline change alone scores >= 0.5,
a changed figure >= 0.3. ``metadata_only`` and empty reports score 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from monitor.diffing import kinds as k
from monitor.diffing.align import ParagraphDiff
from monitor.diffing.normalise import NormalisedContent, normalise_text
from monitor.diffing.signals import correction_notices, touched_names, touched_numbers
from monitor.diffing.words import WordOp, changed_word_counts, tokens

# How much each finding raises significance on top of the share of words changed. Combined as
# independent evidence: s = 1 - (1 - s) * (1 - boost). Headlines are what readers share and
# what search shows, corrections are an admission of error, numbers (casualties, budgets) and
# names carry the facts; a move or a byline change alone matters little.
SIGNIFICANCE_BOOSTS: Mapping[str, float] = MappingProxyType(
    {
        k.HEADLINE: 0.5,
        k.CORRECTION: 0.4,
        k.NUMBERS: 0.3,
        k.STANDFIRST: 0.2,
        "names": 0.15,
        k.BYLINE: 0.1,
        k.PARAGRAPHS_MOVED: 0.05,
    }
)
# Numbers quoted in a summary line, per side; the report keeps them all.
SUMMARY_NUMBERS = 4


@dataclass(slots=True)
class Tally:
    """What the changed fields of a diff add up to (built up field by field)."""

    kinds: set[str] = field(default_factory=set)
    words_added: int = 0
    words_removed: int = 0
    words_total: int = 0
    added: int = 0
    removed: int = 0
    edited: int = 0
    moved: int = 0
    numbers_before: list[str] = field(default_factory=list)
    numbers_after: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def edit(self, old: str, new: str, ops: tuple[WordOp, ...]) -> None:
        """Count an edited text (a headline or paragraph) and what it touched."""
        added, removed = changed_word_counts(ops)
        self.words_added += added
        self.words_removed += removed
        before, after = touched_numbers(ops)
        self.numbers_before += before
        self.numbers_after += after
        self.corrections += correction_notices(normalise_text(old), normalise_text(new))

    def rows(self, rows: Sequence[ParagraphDiff], *, body: bool) -> None:
        """Count a changed field's paragraph rows (``body`` also counts paragraphs)."""
        for row in rows:
            if row.status == "added":
                self.words_added += len(tokens(row.new_text))
                self.corrections += correction_notices("", normalise_text(row.new_text))
            elif row.status == "removed":
                self.words_removed += len(tokens(row.old_text))
            elif row.status == "edited":
                self.edit(row.old_text, row.new_text, row.words)
                self.names += touched_names(row.words)
        if body:
            self.added += sum(r.status == "added" for r in rows)
            self.removed += sum(r.status == "removed" for r in rows)
            self.edited += sum(r.status == "edited" for r in rows)
            self.moved += sum(r.moved for r in rows)

    def finish_kinds(self) -> None:
        """Add the kinds that follow from the counts."""
        for kind, count in (
            (k.PARAGRAPHS_ADDED, self.added),
            (k.PARAGRAPHS_REMOVED, self.removed),
            (k.PARAGRAPHS_EDITED, self.edited),
            (k.PARAGRAPHS_MOVED, self.moved),
            (k.CORRECTION, len(self.corrections)),
            (k.NUMBERS, len(self.numbers_before) + len(self.numbers_after)),
        ):
            if count:
                self.kinds.add(kind)

    def significance(self) -> float:
        """How much the change matters, in [0, 1]."""
        if not self.kinds - {k.METADATA_ONLY}:
            return 0.0
        share = (self.words_added + self.words_removed) / max(1, self.words_total)
        score = math.sqrt(min(1.0, share))
        present = self.kinds | ({"names"} if self.names else set())
        for finding, boost in SIGNIFICANCE_BOOSTS.items():
            if finding in present:
                score = 1 - (1 - score) * (1 - boost)
        return round(min(1.0, max(0.0, score)), 4)


def _plural(count: int, what: str) -> str:
    return f"{count} {what}" if count == 1 else f"{count} {what}s"


def _numbers_part(before: list[str], after: list[str]) -> str:
    def side(nums: list[str]) -> str:
        nums = list(
            dict.fromkeys(nums)
        )  # the headline and the body often repeat a figure
        if not nums:
            return "–"
        shown = ", ".join(nums[:SUMMARY_NUMBERS])
        return shown + (", …" if len(nums) > SUMMARY_NUMBERS else "")

    return f"numbers changed ({side(before)} → {side(after)})"


def summary_line(tally: Tally) -> str:
    """One line a person reads first, e.g. "headline changed; 1 paragraph edited; numbers ..."."""
    parts: list[str] = []
    if k.HEADLINE in tally.kinds:
        parts.append("headline changed")
    if k.STANDFIRST in tally.kinds:
        parts.append("standfirst changed")
    if tally.corrections:
        parts.append(
            "correction added" if len(tally.corrections) == 1 else "corrections added"
        )
    for count, verb in (
        (tally.added, "added"),
        (tally.removed, "removed"),
        (tally.edited, "edited"),
        (tally.moved, "moved"),
    ):
        if count:
            parts.append(f"{_plural(count, 'paragraph')} {verb}")
    if k.BYLINE in tally.kinds:
        parts.append("byline changed")
    if k.NUMBERS in tally.kinds:
        parts.append(_numbers_part(tally.numbers_before, tally.numbers_after))
    if k.METADATA_ONLY in tally.kinds:
        parts.append("only the modified date changed")
    return "; ".join(parts) or "no change"


def field_kinds(old: NormalisedContent, new: NormalisedContent) -> set[str]:
    """Kinds decided by comparing whole normalised fields."""
    found: set[str] = set()
    if old.title != new.title:
        found.add(k.HEADLINE)
    if old.standfirst != new.standfirst:
        found.add(k.STANDFIRST)
    if old.authors != new.authors:
        found.add(k.BYLINE)
    return found
