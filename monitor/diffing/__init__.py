"""Compare two versions of an article: normalise, fingerprint, diff and classify the change.

Pure functions on plain data; nothing here touches the database or the network.
"""

from __future__ import annotations

from monitor.diffing.content import ArticleContent
from monitor.diffing.normalise import fingerprint, normalise_text
from monitor.diffing.report import ChangeReport, diff_contents

__all__ = [
    "ArticleContent",
    "ChangeReport",
    "diff_contents",
    "fingerprint",
    "normalise_text",
]
