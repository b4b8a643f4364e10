"""Plain-text diff for terminals and text email: ``ChangeReport.unified``.

A unified diff where each paragraph is one line (its whitespace collapsed)::

    --- before
    +++ after
    @@ headline @@
    -Russian strikes kill 300 in Kharkiv
    +Russian strikes kill 350 in Kharkiv
    @@ body -3 +3 edited @@
    -Officials said strikes killed 300 people.
    +Officials said strikes killed 350 people.
    @@ body +7 added @@
    +Correction: An earlier version of this article ...
    @@ body -5 removed @@
    -The paragraph that was removed.
    @@ body -2 +4 moved @@
    ~The paragraph that moved, unchanged.

Markers: ``-`` old text, ``+`` new text, ``~`` a paragraph that moved without being edited
(shown once, at its new place). A hunk header names the field (``headline``, ``standfirst``,
``byline``, ``body``, ``modified_at``), the paragraph's 1-based number in the old (``-n``) and
new (``+n``) version, and what happened: ``edited``, ``added``, ``removed``, ``moved`` or
``moved, edited`` (an edited paragraph that also moved: ``-``/``+`` lines). Unchanged
paragraphs are left out. An empty report renders as the empty string.

``render_word_diff`` gives the compact form for chat alerts: one line per change, words in
git ``--word-diff=plain`` style, e.g. ``¶1: … strikes on Kharkiv overnight killed [-300-]
{+350+} people and wounded more …``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitor.diffing import kinds as k

if TYPE_CHECKING:
    from monitor.diffing.align import ParagraphDiff
    from monitor.diffing.report import ChangeReport
    from monitor.diffing.words import WordOp

_BODY_KINDS = k.PARAGRAPH_KINDS


def _line(marker: str, text: str) -> str:
    # one line per paragraph: a newline inside scraped text must not fake a diff line
    return marker + " ".join(text.split())


def _header(field: str, row: ParagraphDiff) -> str:
    where = []
    if row.old_index is not None:
        where.append(f"-{row.old_index + 1}")
    if row.new_index is not None:
        where.append(f"+{row.new_index + 1}")
    what = (
        "moved, edited"
        if row.moved and row.status == "edited"
        else ("moved" if row.moved else row.status)
    )
    return f"@@ {field} {' '.join(where)} {what} @@"


def _row_lines(field: str, row: ParagraphDiff) -> list[str]:
    if row.status == "equal" and not row.moved:
        return []
    lines = [_header(field, row)]
    if row.status == "equal":
        lines.append(_line("~", row.new_text))
    if row.status in ("edited", "removed"):
        lines.append(_line("-", row.old_text))
    if row.status in ("edited", "added"):
        lines.append(_line("+", row.new_text))
    return lines


def rows_lines(field: str, rows: Sequence[ParagraphDiff]) -> list[str]:
    """Diff lines for a field's paragraph rows (unchanged paragraphs left out)."""
    return [line for row in rows for line in _row_lines(field, row)]


def render_unified(report: ChangeReport) -> str:
    """The report as a unified-style text diff (format in this module's docstring)."""
    if report.is_empty:
        return ""
    lines = ["--- before", "+++ after"]
    if k.HEADLINE in report.kinds:
        lines += [
            "@@ headline @@",
            _line("-", report.old_title),
            _line("+", report.new_title),
        ]
    if k.BYLINE in report.kinds:
        lines += [
            "@@ byline @@",
            _line("-", "; ".join(report.old_authors)),
            _line("+", "; ".join(report.new_authors)),
        ]
    if k.STANDFIRST in report.kinds:
        lines += rows_lines("standfirst", report.standfirst)
    if _BODY_KINDS.intersection(report.kinds):
        lines += rows_lines("body", report.body)
    if k.METADATA_ONLY in report.kinds:
        lines += [
            "@@ modified_at @@",
            _line("-", report.old_modified_at or ""),
            _line("+", report.new_modified_at or ""),
        ]
    return "\n".join(lines)


def _trimmed(words: str, context: int | None, first: bool, last: bool) -> str:
    """Kept words around a change, cut to ``context`` words on each side of it."""
    parts = words.split()
    if context is None or (first and last):
        return words
    if first:
        return words if len(parts) <= context else "… " + " ".join(parts[-context:])
    if last:
        return words if len(parts) <= context else " ".join(parts[:context]) + " …"
    if len(parts) <= 2 * context:
        return words
    return " ".join(parts[:context]) + " … " + " ".join(parts[-context:])


def inline_words(ops: Sequence[WordOp], context: int | None = None) -> str:
    """Word ops on one line, git ``--word-diff=plain`` style: ``killed [-300-] {+350+} people``."""
    parts: list[str] = []
    for i, op in enumerate(ops):
        if op.tag == "equal":
            parts.append(_trimmed(op.new, context, i == 0, i == len(ops) - 1))
        elif op.tag == "delete":
            parts.append(f"[-{op.old}-]")
        else:
            parts.append(f"{{+{op.new}+}}")
    return " ".join(" ".join(parts).split())


def _word_row(label: str, row: ParagraphDiff, context: int | None) -> str | None:
    old_no = "" if row.old_index is None else str(row.old_index + 1)
    new_no = "" if row.new_index is None else str(row.new_index + 1)
    if row.status == "edited":
        where = f"¶{old_no}→{new_no} moved" if row.moved else f"¶{new_no}"
        return f"{label}{where}: {inline_words(row.words, context)}"
    if row.status == "added":
        return f"{label}¶{new_no} added: {{+{' '.join(row.new_text.split())}+}}"
    if row.status == "removed":
        return f"{label}¶{old_no} removed: [-{' '.join(row.old_text.split())}-]"
    if row.moved:
        return f"{label}¶{old_no}→{new_no} moved: ~{' '.join(row.new_text.split())}"
    return None


def render_word_diff(report: ChangeReport, *, context: int | None = 8) -> str:
    """One line per change with inline ``[-deleted-]``/``{+inserted+}`` words (for chat alerts).

    ``context`` limits the kept words shown on each side of a change inside edited paragraphs
    (None: whole paragraphs). Paragraph numbers are 1-based; ``¶3→5 moved`` is old → new.
    """
    if report.is_empty:
        return ""
    lines: list[str] = []
    if k.HEADLINE in report.kinds:
        lines.append(f"headline: {inline_words(report.title_words)}")
    if k.BYLINE in report.kinds:
        old, new = "; ".join(report.old_authors), "; ".join(report.new_authors)
        lines.append(f"byline: [-{old}-] {{+{new}+}}")
    fields: list[tuple[str, Sequence[ParagraphDiff]]] = []
    if k.STANDFIRST in report.kinds:
        fields.append(("standfirst ", report.standfirst))
    if _BODY_KINDS.intersection(report.kinds):
        fields.append(("", report.body))
    for label, rows in fields:
        lines += [line for row in rows if (line := _word_row(label, row, context))]
    if k.METADATA_ONLY in report.kinds:
        lines.append(
            f"modified_at: [-{report.old_modified_at}-] {{+{report.new_modified_at}+}}"
        )
    return "\n".join(lines)
