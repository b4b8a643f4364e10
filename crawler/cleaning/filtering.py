"""Paragraph-level filtering shared by the HTML and the plain-text cleaner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crawler.cleaning.blocks import Block
from crawler.cleaning.rules import RuleSet

MAX_LINK_DENSITY = 0.5  # a paragraph mostly made of links is navigation, not prose
HEADING_KINDS = frozenset({"h2", "h3", "h4", "h5", "h6"})


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


def filter_blocks(blocks: Sequence[Block], ctx: LineContext) -> Filtered:
    kept: list[Block] = []
    removed: list[str] = []
    rule_chars = 0
    for block in blocks:
        reason = drop_reason(block, ctx)
        if reason is None:
            kept.append(block)
            continue
        removed.append(block.text)
        if reason in ("rule", "learned"):
            rule_chars += len(block.text)
    while kept and kept[-1].kind in HEADING_KINDS:  # a heading with nothing under it
        removed.append(kept.pop().text)
    return Filtered(tuple(kept), tuple(removed), rule_chars)
