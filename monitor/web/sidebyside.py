"""Side-by-side rows of a diff, from the diffing module's aligned paragraph rows.

Each cell is a list of (tag, text) runs: ``equal`` text, ``del`` (only on the old side) or
``ins`` (only on the new side); the template escapes the text and wraps the tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monitor.diffing import ChangeReport, WordOp
from monitor.diffing.align import ParagraphDiff

Run = tuple[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class SideRow:
    """One row: the old paragraph's runs, the new one's, the row status and a moved flag."""

    label: str
    status: str
    moved: bool
    old: tuple[Run, ...]
    new: tuple[Run, ...]


def _sides(words: Sequence[WordOp]) -> tuple[tuple[Run, ...], tuple[Run, ...]]:
    old: list[Run] = []
    new: list[Run] = []
    for op in words:
        if op.tag == "equal":
            old.append(("equal", op.old))
            new.append(("equal", op.new))
        elif op.tag == "delete":
            old.append(("del", op.old))
        else:
            new.append(("ins", op.new))
    return tuple(old), tuple(new)


def _row(label: str, row: ParagraphDiff) -> SideRow:
    if row.status == "edited":
        old, new = _sides(row.words)
    elif row.status == "added":
        old, new = (), (("ins", row.new_text),)
    elif row.status == "removed":
        old, new = (("del", row.old_text),), ()
    else:
        old, new = (("equal", row.old_text),), (("equal", row.new_text),)
    return SideRow(label=label, status=row.status, moved=row.moved, old=old, new=new)


def side_by_side(report: ChangeReport) -> list[SideRow]:
    """Headline, standfirst and body rows, in reading order."""
    rows: list[SideRow] = []
    if report.title_words:
        old, new = _sides(report.title_words)
        rows.append(
            SideRow(label="Headline", status="edited", moved=False, old=old, new=new)
        )
    elif report.old_title or report.new_title:
        rows.append(
            SideRow(
                label="Headline",
                status="equal",
                moved=False,
                old=(("equal", report.old_title),),
                new=(("equal", report.new_title),),
            )
        )
    rows += [_row("Standfirst", r) for r in report.standfirst]
    rows += [_row("", r) for r in report.body]
    return rows
