"""Build Slack Block Kit messages for alerts, within Slack's documented limits.

Scraped text is escaped for mrkdwn (&, <, > become entities) so a page cannot create links or
mentions such as ``<!channel>``; header blocks are plain_text, which Slack never parses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import quote

from alerts.excerpt import cut, more_lines_note
from alerts.message import ChangeAlert
from alerts.render import (
    digest_headline,
    headline,
    kind_label,
    one_line,
    strip_control,
)

# Slack's limits (Block Kit reference): blocks per message, section/context text, header text.
MAX_BLOCKS: Final = 50
MAX_SECTION_CHARS: Final = 3000
MAX_HEADER_CHARS: Final = 150
# Ours: a channel message should stay short; the link leads to the rest of the diff.
MAX_EXCERPT_LINES: Final = 40
MAX_FALLBACK_CHARS: Final = 500
# Per change in a digest: escaped title, summary and source line are capped so that one section
# (title link + summary + about line + diff link) stays under MAX_SECTION_CHARS whatever the text.
MAX_DIGEST_TITLE_CHARS: Final = 400
MAX_DIGEST_SUMMARY_CHARS: Final = 600
MAX_ABOUT_CHARS: Final = 600
# Longer URLs are shown as plain labels: no real article URL is this long, and sections must fit.
MAX_LINK_URL_CHARS: Final = 600
# Room kept in the diff section for the code fences and the "… (N more lines)" note with its link.
EXCERPT_RESERVE: Final = 400

Block = dict[str, object]

_ENTITIES: Final = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# plain_text is not parsed for mentions; a zero-width space after "<" is a second guard that keeps
# "<!channel>" from ever matching, and it is invisible.
_PLAIN_GUARD: Final = {"<": "<\u200b"}
# Zero-width spaces break a ``` inside the diff so it cannot close our code block early.
_FENCE_BREAK: Final = "`\u200b`\u200b`"


def escape(text: str) -> str:
    """Make scraped text inert in mrkdwn: no links, mentions or control characters."""
    text = strip_control(text)
    return "".join(_ENTITIES.get(char, char) for char in text)


def escape_within(text: str, limit: int) -> str:
    """``escape(text)`` cut to ``limit`` characters without splitting an entity."""
    return _replace_within(strip_control(text), _ENTITIES, limit)


def _replace_within(text: str, table: Mapping[str, str], limit: int) -> str:
    """``text`` with characters replaced per ``table``, cut (ending in "…") to ``limit`` characters."""
    pieces = [table.get(char, char) for char in text]
    if sum(map(len, pieces)) <= limit:
        return "".join(pieces)
    kept: list[str] = []
    used = 0
    for piece in pieces:
        if used + len(piece) > limit - 1:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept).rstrip() + "…"


def link(url: str | None, label: str) -> str:
    """A mrkdwn link to an http(s) URL, or just the escaped label for anything else."""
    return escaped_link(url, escape(label))


def escaped_link(url: str | None, escaped_label: str) -> str:
    """Like ``link`` for a label already escaped (and possibly shortened) by the caller."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return escaped_label
    safe_url = quote(strip_control(url), safe=":/?#[]@!$'()*+,;=%~-._")
    if len(safe_url) > MAX_LINK_URL_CHARS:
        return escaped_label
    return f"<{safe_url}|{escaped_label}>"


def _code_line(line: str) -> str:
    return escape(line).replace("```", _FENCE_BREAK)


def diff_section(alert: ChangeAlert) -> Block | None:
    """A section with the start of the diff in a code block, cut at a line boundary."""
    lines = alert.diff_text.splitlines()
    if not lines:
        return None
    excerpt = cut(
        lines,
        max_chars=MAX_SECTION_CHARS - EXCERPT_RESERVE,
        max_lines=MAX_EXCERPT_LINES,
        measure=lambda line: len(_code_line(line)),
    )
    text = "```\n" + "\n".join(_code_line(line) for line in excerpt.lines) + "\n```"
    if excerpt.omitted:
        rest = link(
            alert.diff_url or alert.url, "full diff" if alert.diff_url else "article"
        )
        text += f"\n{escape(more_lines_note(excerpt.omitted))} – {rest}"
    return _section(text)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _header(text: str) -> Block:
    plain = _replace_within(one_line(text), _PLAIN_GUARD, MAX_HEADER_CHARS)
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": plain, "emoji": False},
    }


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _about(alert: ChangeAlert) -> str:
    kinds = ", ".join(kind_label(kind).lower() for kind in alert.kinds or (alert.kind,))
    detected = alert.detected_at.isoformat(timespec="minutes")
    return escape_within(
        f"{alert.source} · {kinds} · detected {detected}", MAX_ABOUT_CHARS
    )


def _links(alert: ChangeAlert) -> str:
    links = [link(alert.url, "Open article")]
    if alert.diff_url:
        links.append(link(alert.diff_url, "Open diff"))
    return " · ".join(links)


def alert_blocks(alert: ChangeAlert) -> list[Block]:
    """Header, summary, source/kind context, diff excerpt and links for one change."""
    summary = f"*{escape_within(one_line(alert.summary), 1000)}*"
    if alert.old_title and alert.old_title != alert.title:
        summary += f"\nWas: {escape_within(one_line(alert.old_title), 1000)}"
    blocks = [_header(headline(alert)), _section(summary), _context(_about(alert))]
    diff = diff_section(alert)
    if diff is not None:
        blocks.append(diff)
    blocks.append(_context(_links(alert)))
    return blocks


def alert_fallback(alert: ChangeAlert) -> str:
    """The notification text (top-level ``text``) for one change."""
    return escape_within(
        f"{headline(alert)} – {one_line(alert.summary)}", MAX_FALLBACK_CHARS
    )


def _digest_item(alert: ChangeAlert) -> Block:
    title = escape_within(headline(alert), MAX_DIGEST_TITLE_CHARS)
    lines = [
        f"*{escaped_link(alert.url, title)}*",
        escape_within(one_line(alert.summary), MAX_DIGEST_SUMMARY_CHARS),
        _about(alert)
        + (f" · {link(alert.diff_url, 'diff')}" if alert.diff_url else ""),
    ]
    return _section("\n".join(lines))


def digest_blocks(alerts: Sequence[ChangeAlert]) -> list[Block]:
    """A header and one section per change; past 50 blocks, a note says how many were left out."""
    blocks = [_header(f"defwatch: {digest_headline(alerts)}")]
    room = MAX_BLOCKS - len(blocks)
    shown = alerts if len(alerts) <= room else alerts[: room - 1]
    blocks += [_digest_item(alert) for alert in shown]
    hidden = len(alerts) - len(shown)
    if hidden:
        noun = "change" if hidden == 1 else "changes"
        blocks.append(
            _context(
                f"… and {hidden} more {noun} not shown here (Slack shows at most {MAX_BLOCKS} blocks)"
            )
        )
    return blocks


def digest_fallback(alerts: Sequence[ChangeAlert]) -> str:
    """The notification text for a digest."""
    return escape_within(f"defwatch: {digest_headline(alerts)}", MAX_FALLBACK_CHARS)
