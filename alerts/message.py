"""ChangeAlert: everything a channel needs to tell a person about one detected change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeAlert:
    """A detected change as a channel presents it. Built by the monitor from its stored change.

    All text fields come from scraped pages: they are untrusted and every channel must escape
    them for its medium (HTML, Slack mrkdwn, terminal).
    """

    change_id: int
    source: str
    url: str
    title: str
    kind: str  # primary kind: "edited", "headline", "removed", "restored", "new", "site_broken", ...
    kinds: tuple[
        str, ...
    ]  # every classification of this change, e.g. ("headline", "numbers")
    summary: (
        str  # one line a person reads first: "headline changed; 1 paragraph edited"
    )
    detected_at: datetime
    from_version: int | None
    to_version: int | None
    diff_text: str  # unified text diff of the cleaned article
    diff_html: str = ""  # HTML fragment with <ins>/<del> highlighting, already escaped
    old_title: str | None = None
    significance: float = 0.0
    words_added: int = 0
    words_removed: int = 0
    diff_url: str | None = None  # link to the diff in the web UI, when configured
    article_key: str = (
        ""  # stable id of the article (threads email updates of one article)
    )
