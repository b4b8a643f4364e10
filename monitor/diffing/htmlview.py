"""HTML diff for email and the web page: ``render_html``.

The fragment (no ``<html>``/``<body>``) is one ``<div class="dw-diff">`` holding, in order: the
summary line, the headline, byline and standfirst when they changed, then the body paragraphs.
Each paragraph is ``<p class="dw-para dw-<status>">`` (status ``equal``, ``edited``, ``added``,
``removed``) plus class ``dw-moved`` and a ``[moved from ¶n]`` marker when it moved. Inserted
words are ``<ins>``, deleted words ``<del>``. Unchanged paragraphs further than ``context``
paragraphs from a change are folded into one ``<p class="dw-skip">…</p>``.

Article text is untrusted: every piece of it goes through ``html.escape``. Inline styles are
set as well as classes because email clients drop ``<style>`` blocks.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import overload

from monitor.diffing import kinds as k
from monitor.diffing.align import ParagraphDiff
from monitor.diffing.content import ArticleContent
from monitor.diffing.report import ChangeReport, diff_contents
from monitor.diffing.words import WordOp

_BODY_KINDS = k.PARAGRAPH_KINDS

# Inline styles per element: readable in mail clients that ignore stylesheets.
STYLES: Mapping[str, str] = MappingProxyType(
    {
        "ins": "background:#d7f5dd;text-decoration:none",
        "del": "background:#fbdcdc;text-decoration:line-through",
        "moved": "border-left:3px solid #6b9bd1;padding-left:6px",
        "marker": "color:#4a6f9c;font-size:smaller",
        "skip": "color:#888",
        "label": "font-weight:bold",
    }
)


def _esc(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=True)


def _ins(text: str) -> str:
    return f'<ins style="{STYLES["ins"]}">{_esc(text)}</ins>'


def _del(text: str) -> str:
    return f'<del style="{STYLES["del"]}">{_esc(text)}</del>'


def words_html(ops: Sequence[WordOp]) -> str:
    """Inline word diff: kept words as text, deletions in ``<del>``, insertions in ``<ins>``."""
    parts: list[str] = []
    for op in ops:
        if op.tag == "equal":
            parts.append(_esc(op.new))
        elif op.tag == "delete":
            parts.append(_del(op.old))
        else:
            parts.append(_ins(op.new))
    return " ".join(parts)


def _row_inner(row: ParagraphDiff) -> str:
    if row.status == "edited":
        return words_html(row.words)
    if row.status == "added":
        return _ins(row.new_text)
    if row.status == "removed":
        return _del(row.old_text)
    return _esc(row.new_text)


def row_html(row: ParagraphDiff) -> str:
    """One paragraph row as a ``<p>``."""
    classes = f"dw-para dw-{row.status}"
    style = marker = ""
    if row.moved and row.old_index is not None:
        classes += " dw-moved"
        style = f' style="{STYLES["moved"]}"'
        marker = f'<span class="dw-marker" style="{STYLES["marker"]}">[moved from ¶{row.old_index + 1}]</span> '
    return f'<p class="{classes}"{style}>{marker}{_row_inner(row)}</p>'


def _is_change(row: ParagraphDiff) -> bool:
    return row.status != "equal" or row.moved


def _shown(rows: Sequence[ParagraphDiff], context: int | None) -> list[bool]:
    if context is None:
        return [True] * len(rows)
    changed = [i for i, row in enumerate(rows) if _is_change(row)]
    shown = [False] * len(rows)
    for i in changed:
        for j in range(max(0, i - context), min(len(rows), i + context + 1)):
            shown[j] = True
    return shown


def rows_html(rows: Sequence[ParagraphDiff], context: int | None) -> list[str]:
    """Paragraph rows as HTML, unchanged runs beyond ``context`` folded into one marker."""
    out: list[str] = []
    for row, show in zip(rows, _shown(rows, context), strict=True):
        if show:
            out.append(row_html(row))
        elif not out or out[-1] != _SKIP:
            out.append(_SKIP)
    return out


_SKIP = f'<p class="dw-skip" style="{STYLES["skip"]}">…</p>'


def _labelled(label: str, css: str, inner: str) -> str:
    return f'<div class="{css}"><span class="dw-label" style="{STYLES["label"]}">{label}</span> {inner}</div>'


def _header_html(report: ChangeReport) -> list[str]:
    out = [f'<p class="dw-summary">{_esc(report.summary)}</p>']
    if k.HEADLINE in report.kinds:
        out.append(
            _labelled("Headline:", "dw-headline", words_html(report.title_words))
        )
    if k.BYLINE in report.kinds:
        byline = (
            _del("; ".join(report.old_authors))
            + " "
            + _ins("; ".join(report.new_authors))
        )
        out.append(_labelled("Byline:", "dw-byline", byline))
    if k.STANDFIRST in report.kinds:
        inner = "".join(row_html(r) for r in report.standfirst)
        out.append(_labelled("Standfirst:", "dw-standfirst", inner))
    return out


@overload
def render_html(subject: ChangeReport, /, *, context: int | None = 1) -> str: ...


@overload
def render_html(
    subject: ArticleContent, new: ArticleContent, /, *, context: int | None = 1
) -> str: ...


def render_html(
    subject: ChangeReport | ArticleContent,
    new: ArticleContent | None = None,
    /,
    *,
    context: int | None = 1,
) -> str:
    """An escaped HTML fragment showing the change: ``render_html(report)`` or ``render_html(old, new)``.

    ``context`` is how many unchanged paragraphs to show around each change (None: all of them,
    for the web page's full view).
    """
    if isinstance(subject, ArticleContent):
        if new is None:
            raise TypeError("render_html(old, new) needs both versions")
        subject = diff_contents(subject, new)
    parts = _header_html(subject)
    if _BODY_KINDS.intersection(subject.kinds):
        parts.append(
            '<div class="dw-body">'
            + "".join(rows_html(subject.body, context))
            + "</div>"
        )
    return '<div class="dw-diff">' + "".join(parts) + "</div>"
