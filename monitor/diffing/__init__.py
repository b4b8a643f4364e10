"""Compare two versions of an article: normalise, fingerprint, diff and classify the change.

Pure functions on plain data; nothing here touches the database, Scrapy or the network.
The kind strings are documented in ``monitor.diffing.kinds``, the JSON shape of a report in
``monitor.diffing.report``, the text diff markers in ``monitor.diffing.textview``, the HTML in
``monitor.diffing.htmlview``, paragraph alignment and moves in ``monitor.diffing.align``.
"""

from __future__ import annotations

from monitor.diffing.align import (
    ParagraphDiff,
    PatchError,
    align_paragraphs,
    apply_diff,
)
from monitor.diffing.content import ArticleContent
from monitor.diffing.htmlview import render_html
from monitor.diffing.kinds import KIND_ORDER
from monitor.diffing.normalise import (
    NormalisedContent,
    fingerprint,
    normalise_text,
    normalised_fields,
)
from monitor.diffing.policy import AlertPolicy, AlertPolicyError, should_alert
from monitor.diffing.report import ChangeReport, diff_contents
from monitor.diffing.textview import render_unified, render_word_diff
from monitor.diffing.words import WordOp, word_ops

__all__ = [
    "KIND_ORDER",
    "AlertPolicy",
    "AlertPolicyError",
    "ArticleContent",
    "ChangeReport",
    "NormalisedContent",
    "ParagraphDiff",
    "PatchError",
    "WordOp",
    "align_paragraphs",
    "apply_diff",
    "diff_contents",
    "fingerprint",
    "normalise_text",
    "normalised_fields",
    "render_html",
    "render_unified",
    "render_word_diff",
    "should_alert",
    "word_ops",
]
