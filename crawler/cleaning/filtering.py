"""Paragraph-level filtering shared by the HTML and the plain-text cleaner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crawler.cleaning.blocks import Block
from crawler.cleaning.rules import RuleSet

MAX_LINK_DENSITY = 0.5  # a paragraph mostly made of links is navigation, not prose
HEADING_KINDS = frozenset({"h2", "h3", "h4", "h5", "h6"})
MIN_REPEAT = 40  # a paragraph this long seen twice in one body is a repeated block (keep the first)
PROSE_CHARS = 250
STOP_AFTER_SHARE = (
    0.5  # a "Related stories" line ends the article only after half of it
)


@dataclass(frozen=True, slots=True)
class LineContext:
    """What a paragraph is compared with to decide whether it belongs to the body."""

    rules: RuleSet
    learned: frozenset[str] = frozenset()
    title: str = ""
    captions: frozenset[str] = frozenset()
    standfirst: frozenset[str] = frozenset()
    authors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Filtered:
    blocks: tuple[Block, ...]
    removed: tuple[str, ...]
    rule_removed_chars: int  # characters dropped by line rules and learned boilerplate


def _is_byline(text: str, authors: Sequence[str]) -> bool:
    lowered = text.casefold().removeprefix("by ").strip()
    return any(lowered == a.casefold() for a in authors)


def drop_reason(block: Block, ctx: LineContext) -> str | None:
    """Why a paragraph is not body text, or None when it is."""
    text = block.text
    if text in ctx.learned:
        return "learned"
    if ctx.rules.is_boilerplate_line(text):
        return "rule"
    if text in ctx.captions:
        return "caption"
    if text in ctx.standfirst:
        return "standfirst"
    if ctx.title and text.casefold() == ctx.title.casefold():
        return "title"
    if _is_byline(text, ctx.authors):
        return "byline"
    if block.link_density > MAX_LINK_DENSITY and block.kind != "pre":
        return "links"
    return None


def _prose_follows(rest: Sequence[Block]) -> bool:
    """Two long paragraphs after a "Recommended" box: the box sat inside the article."""
    return sum(1 for block in rest if len(block.text) >= PROSE_CHARS) >= 2


def _stop_index(kept: Sequence[Block], rules: RuleSet) -> int | None:
    """Where the area after the article starts (a "Related stories" line past half the body)."""
    total = sum(len(block.text) for block in kept)
    seen = 0
    for index, block in enumerate(kept):
        if (
            seen >= total * STOP_AFTER_SHARE
            and len(block.text) <= 80
            and rules.is_stop_line(block.text)
            and not _prose_follows(kept[index + 1 :])
        ):
            return index
        seen += len(block.text)
    return None


def filter_blocks(blocks: Sequence[Block], ctx: LineContext) -> Filtered:
    kept: list[Block] = []
    removed: list[str] = []
    seen: set[str] = set()
    rule_chars = 0
    for block in blocks:
        reason = drop_reason(block, ctx)
        if reason is None and block.text in seen:
            reason = "repeated"
        if reason is None:
            kept.append(block)
            if len(block.text) >= MIN_REPEAT:
                seen.add(block.text)
            continue
        removed.append(block.text)
        if reason in ("rule", "learned"):
            rule_chars += len(block.text)
    stop = _stop_index(kept, ctx.rules)
    if stop is not None:
        removed.extend(block.text for block in kept[stop:])
        del kept[stop:]
    while kept and kept[-1].kind in HEADING_KINDS:  # a heading with nothing under it
        removed.append(kept.pop().text)
    return Filtered(tuple(kept), tuple(removed), rule_chars)
