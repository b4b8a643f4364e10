"""Plain text a reader copied off an article page to CleanArticle, by the same rules as HTML.

The first line that is not boilerplate is the title; bulleted lines right under it are the
standfirst; lines with a photo credit, or repeated lines, are captions; the rest is the body.
"""

from __future__ import annotations

import re

from crawler.cleaning.article import CleanArticle
from crawler.cleaning.blocks import Block
from crawler.cleaning.filtering import LineContext, filter_blocks
from crawler.cleaning.rules import RuleSet, default_rules
from crawler.cleaning.safety import removal_failure
from crawler.cleaning.text import dedupe, norm

_BULLET = re.compile(r"^[•·‣▪◦●\-*–]\s*")
MAX_CAPTION = 400


def _lines(text: str) -> list[str]:
    return [line for line in (norm(raw) for raw in text.splitlines()) if line]


def _split_head(lines: list[str]) -> tuple[str, list[str], list[str]]:
    """Title, standfirst (bulleted lines under it, bullets removed) and the rest."""
    if not lines:
        return "", [], []
    index = 1
    standfirst = []
    while index < len(lines) and _BULLET.match(lines[index]):
        standfirst.append(_BULLET.sub("", lines[index]))
        index += 1
    return lines[0], standfirst, lines[index:]


def _captions(lines: list[str], rules: RuleSet) -> list[str]:
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    return dedupe(
        [
            line
            for line in lines
            if len(line) <= MAX_CAPTION
            and (rules.is_caption_line(line) or counts[line] > 1)
        ]
    )


def _block(line: str) -> Block:
    if _BULLET.match(line):
        return Block("li", _BULLET.sub("", line), 0.0)
    return Block("p", line, 0.0)


def clean_text(
    text: str,
    *,
    rules: RuleSet | None = None,
    learned_boilerplate: frozenset[str] = frozenset(),
) -> CleanArticle:
    """Clean text a reader copied off an article page (one paragraph a line)."""
    rules = rules or default_rules()
    lines = _lines(text)
    kept = [
        line
        for line in lines
        if line not in learned_boilerplate and not rules.is_boilerplate_line(line)
    ]
    removed = [line for line in lines if line not in kept]
    title, standfirst, rest = _split_head(kept)
    if not title:
        return CleanArticle(failure="empty text", removed=tuple(removed))
    captions = _captions(rest, rules)
    ctx = LineContext(rules=rules, title=title, captions=frozenset(captions))
    filtered = filter_blocks([_block(line) for line in rest], ctx)
    body = filtered.blocks
    rule_chars = sum(len(line) for line in removed)
    failure = removal_failure(sum(len(b.text) for b in body), rule_chars) or (
        None if body else "no article text found"
    )
    return CleanArticle(
        title=title,
        standfirst=tuple(standfirst),
        body=tuple(b.text for b in body),
        body_kinds=tuple(b.kind for b in body),
        captions=tuple(captions),
        failure=failure,
        removed=tuple(removed) + filtered.removed,
    )
