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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitor.diffing import kinds as k

if TYPE_CHECKING:
    from monitor.diffing.align import ParagraphDiff
    from monitor.diffing.report import ChangeReport

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
