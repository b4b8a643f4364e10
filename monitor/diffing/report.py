"""ChangeReport: what changed between two versions; ``diff_contents`` builds it.

``ChangeReport.to_dict()`` gives a JSON-ready dict (``REPORT_SCHEMA`` = 1)::

    {
      "schema": 1,
      "kinds": ["headline", "numbers", ...],        # priority order, see monitor.diffing.kinds
      "summary": "headline changed; 1 paragraph edited; numbers changed (300 → 350)",
      "unified": "--- before\\n+++ after\\n...",     # see monitor.diffing.textview
      "significance": 0.62,                         # [0, 1]
      "words": {"added": 3, "removed": 2},
      "paragraphs": {"added": 0, "removed": 0, "edited": 1, "moved": 0},
      "numbers": {"before": ["300"], "after": ["350"]},
      "corrections": ["Correction: An earlier version of this article ..."],
      "names": ["Kharkiv"],                         # capitalised words an edit touched
      "title": {"old": "...", "new": "...", "words": [[tag, old, new], ...]},
      "authors": {"old": ["..."], "new": ["..."]},
      "modified_at": {"old": "2024-03-01T10:00:00Z" | null, "new": ... | null},
      "standfirst": [row, ...],
      "body": [row, ...]
    }

    row = {"status": "equal" | "edited" | "added" | "removed", "old_index": int | null,
           "new_index": int | null, "old": str, "new": str (left out when equal to "old"),
           "moved": bool, "similarity": float, "words": [[tag, old, new], ...]}
    tag = "equal" | "delete" | "insert"

``ChangeReport.from_dict(d)`` rebuilds the report (ValueError naming the bad key).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from monitor.diffing import kinds as k
from monitor.diffing.align import ParagraphDiff, align_paragraphs
from monitor.diffing.assess import Tally, field_kinds, summary_line
from monitor.diffing.codec import (
    ops_from_json,
    ops_to_json,
    row_from_json,
    row_to_json,
    section,
    strings,
    typed,
)
from monitor.diffing.content import ArticleContent
from monitor.diffing.normalise import normalise_version
from monitor.diffing.textview import render_unified
from monitor.diffing.words import WordOp, word_ops

REPORT_SCHEMA = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeReport:
    """What changed between two versions of one article.

    ``kinds`` (priority order, see ``monitor.diffing.kinds``) is empty when the versions read
    the same. ``body``/``standfirst`` are the aligned paragraph rows (the side-by-side view);
    ``title_words`` the word diff of a changed headline.
    """

    kinds: tuple[str, ...]
    summary: str
    unified: str = ""
    significance: float = 0.0
    words_added: int = 0
    words_removed: int = 0
    paragraphs_added: int = 0
    paragraphs_removed: int = 0
    paragraphs_edited: int = 0
    paragraphs_moved: int = 0
    numbers_before: tuple[str, ...] = ()
    numbers_after: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    old_title: str = ""
    new_title: str = ""
    title_words: tuple[WordOp, ...] = ()
    old_authors: tuple[str, ...] = ()
    new_authors: tuple[str, ...] = ()
    old_modified_at: str | None = None
    new_modified_at: str | None = None
    standfirst: tuple[ParagraphDiff, ...] = ()
    body: tuple[ParagraphDiff, ...] = ()

    @property
    def kind(self) -> str:
        """The primary kind (the first, most important one)."""
        return self.kinds[0] if self.kinds else "none"

    @property
    def is_empty(self) -> bool:
        """True when the two versions read the same and nothing else moved."""
        return not self.kinds

    @property
    def text_changed(self) -> bool:
        """True when a reader would see a difference (not only ``modified_at``)."""
        return any(kind != k.METADATA_ONLY for kind in self.kinds)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (shape in this module's docstring)."""
        return {
            "schema": REPORT_SCHEMA,
            "kinds": list(self.kinds),
            "summary": self.summary,
            "unified": self.unified,
            "significance": self.significance,
            "words": {"added": self.words_added, "removed": self.words_removed},
            "paragraphs": {
                "added": self.paragraphs_added,
                "removed": self.paragraphs_removed,
                "edited": self.paragraphs_edited,
                "moved": self.paragraphs_moved,
            },
            "numbers": {
                "before": list(self.numbers_before),
                "after": list(self.numbers_after),
            },
            "corrections": list(self.corrections),
            "names": list(self.names),
            "title": {
                "old": self.old_title,
                "new": self.new_title,
                "words": ops_to_json(self.title_words),
            },
            "authors": {"old": list(self.old_authors), "new": list(self.new_authors)},
            "modified_at": {"old": self.old_modified_at, "new": self.new_modified_at},
            "standfirst": [row_to_json(r) for r in self.standfirst],
            "body": [row_to_json(r) for r in self.body],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeReport:
        """Rebuild a report from ``to_dict()`` output; ValueError naming the bad key."""
        data = typed(data, dict, "change report")
        if data.get("schema") != REPORT_SCHEMA:
            raise ValueError(
                f"change report.schema: unsupported {data.get('schema')!r}"
            )
        words, paras = (
            section(data, "words", "change report"),
            section(data, "paragraphs", "change report"),
        )
        nums, title = (
            section(data, "numbers", "change report"),
            section(data, "title", "change report"),
        )
        authors, modified = (
            section(data, "authors", "change report"),
            section(data, "modified_at", "change report"),
        )
        return cls(
            kinds=strings(data.get("kinds"), "change report.kinds"),
            summary=typed(data.get("summary"), str, "change report.summary"),
            unified=typed(data.get("unified", ""), str, "change report.unified"),
            significance=float(
                typed(
                    data.get("significance"), (int, float), "change report.significance"
                )
            ),
            words_added=typed(words.get("added"), int, "change report.words.added"),
            words_removed=typed(
                words.get("removed"), int, "change report.words.removed"
            ),
            paragraphs_added=typed(
                paras.get("added"), int, "change report.paragraphs.added"
            ),
            paragraphs_removed=typed(
                paras.get("removed"), int, "change report.paragraphs.removed"
            ),
            paragraphs_edited=typed(
                paras.get("edited"), int, "change report.paragraphs.edited"
            ),
            paragraphs_moved=typed(
                paras.get("moved"), int, "change report.paragraphs.moved"
            ),
            numbers_before=strings(nums.get("before"), "change report.numbers.before"),
            numbers_after=strings(nums.get("after"), "change report.numbers.after"),
            corrections=strings(data.get("corrections"), "change report.corrections"),
            names=strings(data.get("names", []), "change report.names"),
            old_title=typed(title.get("old"), str, "change report.title.old"),
            new_title=typed(title.get("new"), str, "change report.title.new"),
            title_words=ops_from_json(
                title.get("words", []), "change report.title.words"
            ),
            old_authors=strings(authors.get("old"), "change report.authors.old"),
            new_authors=strings(authors.get("new"), "change report.authors.new"),
            old_modified_at=_optional_str(
                modified.get("old"), "change report.modified_at.old"
            ),
            new_modified_at=_optional_str(
                modified.get("new"), "change report.modified_at.new"
            ),
            standfirst=_rows(data.get("standfirst"), "change report.standfirst"),
            body=_rows(data.get("body"), "change report.body"),
        )


def _optional_str(value: object, where: str) -> str | None:
    return None if value is None else typed(value, str, where)


def _rows(value: object, where: str) -> tuple[ParagraphDiff, ...]:
    return tuple(
        row_from_json(item, f"{where}[{i}]")
        for i, item in enumerate(typed(value, list, where))
    )


def _modified_moved(old: ArticleContent, new: ArticleContent) -> bool:
    return (old.modified_at or "").strip() != (new.modified_at or "").strip()


def diff_contents(old: ArticleContent, new: ArticleContent) -> ChangeReport:
    """Compare two versions field by field: align, classify, score and summarise the change."""
    old_n, new_n = normalise_version(old), normalise_version(new)
    tally = Tally(kinds=field_kinds(old_n.fields, new_n.fields))
    tally.words_total = old_n.word_count + new_n.word_count
    title_words = word_ops(old.title, new.title) if k.HEADLINE in tally.kinds else ()
    if title_words:
        tally.edit(old.title, new.title, title_words)
    standfirst = align_paragraphs(
        old.standfirst,
        new.standfirst,
        old_keys=old_n.standfirst,
        new_keys=new_n.standfirst,
    )
    if k.STANDFIRST in tally.kinds:
        tally.rows(standfirst, body=False)
    body = align_paragraphs(
        old.body, new.body, old_keys=old_n.body, new_keys=new_n.body
    )
    if old_n.fields.body != new_n.fields.body:
        tally.rows(body, body=True)
    tally.finish_kinds()
    if not tally.kinds and _modified_moved(old, new):
        tally.kinds.add(k.METADATA_ONLY)
    report = ChangeReport(
        kinds=k.ordered(tally.kinds),
        summary=summary_line(tally),
        significance=tally.significance(),
        words_added=tally.words_added,
        words_removed=tally.words_removed,
        paragraphs_added=tally.added,
        paragraphs_removed=tally.removed,
        paragraphs_edited=tally.edited,
        paragraphs_moved=tally.moved,
        numbers_before=tuple(tally.numbers_before),
        numbers_after=tuple(tally.numbers_after),
        corrections=tuple(tally.corrections),
        names=tuple(dict.fromkeys(tally.names)),
        old_title=old.title,
        new_title=new.title,
        title_words=title_words,
        old_authors=old.authors,
        new_authors=new.authors,
        old_modified_at=old.modified_at,
        new_modified_at=new.modified_at,
        standfirst=standfirst,
        body=body,
    )
    return replace(report, unified=render_unified(report))
