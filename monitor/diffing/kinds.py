"""The kinds of change a ``ChangeReport`` names (stable strings: stored, shown, used in config).

``ChangeReport.kinds`` lists every kind that applies, always in this priority order;
``ChangeReport.kind`` is the first of them (the most important one):

``headline``
    The title changed.
``correction``
    A correction or update notice was added ("Correction:", "Update:", "This article has been
    updated", "An earlier version of this article ...", "Clarification:", "Editor's note"), in
    a new paragraph or appended to an existing one (patterns: ``CORRECTION_PATTERNS``).
``numbers``
    Numbers in an edited headline, standfirst or paragraph changed (casualty counts, budgets,
    dates, percentages; day and month names count as dates); the report lists the numbers
    before and after. Numbers in wholly added or removed paragraphs do not count here.
``standfirst``
    The standfirst (subheadline / summary under the title) changed.
``paragraphs_removed`` / ``paragraphs_added`` / ``paragraphs_edited`` / ``paragraphs_moved``
    Body paragraphs removed, added, edited (paired with their old version by word overlap), or
    moved (the fewest paragraphs that must move to restore the old order: a swap is 1 move).
    The report holds a count for each.
``byline``
    The authors changed.
``metadata_only``
    The text reads the same, only ``modified_at`` moved. Recorded, not alerted by default.

A report with no kinds is empty: the versions read the same (paragraph boundaries,
whitespace, entities, quote and dash styles are not changes).
"""

from __future__ import annotations

HEADLINE = "headline"
CORRECTION = "correction"
NUMBERS = "numbers"
STANDFIRST = "standfirst"
PARAGRAPHS_REMOVED = "paragraphs_removed"
PARAGRAPHS_ADDED = "paragraphs_added"
PARAGRAPHS_EDITED = "paragraphs_edited"
PARAGRAPHS_MOVED = "paragraphs_moved"
BYLINE = "byline"
METADATA_ONLY = "metadata_only"

# Priority order: what a reader of an alert most needs to know first.
KIND_ORDER: tuple[str, ...] = (
    HEADLINE,
    CORRECTION,
    NUMBERS,
    STANDFIRST,
    PARAGRAPHS_REMOVED,
    PARAGRAPHS_ADDED,
    PARAGRAPHS_EDITED,
    PARAGRAPHS_MOVED,
    BYLINE,
    METADATA_ONLY,
)

# The kinds that describe body paragraphs.
PARAGRAPH_KINDS: frozenset[str] = frozenset(
    {PARAGRAPHS_REMOVED, PARAGRAPHS_ADDED, PARAGRAPHS_EDITED, PARAGRAPHS_MOVED}
)


def ordered(kinds: set[str]) -> tuple[str, ...]:
    """The given kinds in priority order (unknown kinds last, alphabetically)."""
    known = tuple(k for k in KIND_ORDER if k in kinds)
    return known + tuple(sorted(kinds - set(KIND_ORDER)))
