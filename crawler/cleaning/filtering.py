"""Paragraph-level filtering shared by the HTML and the plain-text cleaner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crawler.cleaning.blocks import Block
from crawler.cleaning.rules import RuleSet

MAX_LINK_DENSITY = 0.5  # a paragraph mostly made of links is navigation, not prose
HEADING_KINDS = frozenset({"h2", "h3", "h4", "h5", "h6"})
MIN_REPEAT = 40  # a paragraph this long seen twice in one body is a repeated block (keep the first)
MAX_STOP_LINE = 200
MAX_BIO = 700
_BIO_VERBS = (
    " is ",
    " was ",
    " has ",
    " covers ",
    " writes ",
    " joined ",
    " (@",
    ", a ",
)
PROSE_EDGE_CHARS = 80
EDGE_JUNK_CHARS = 60
SENTENCE_MIN_WORDS = (
    6  # a line ending like a sentence with this many words is a sentence
)
TAIL_LINK_DENSITY = 0.3
_SENTENCE_END = frozenset(".!?…:;\"'”’»)")
# a "Related stories" line ends the article in its second half when no long paragraphs follow,
# and in its last 15% in any case (donation appeals and comments are long paragraphs too)
STOP_AFTER_SHARE = 0.5
STOP_ALWAYS_SHARE = 0.85
PROSE_CHARS = 250


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


def _is_author_bio(text: str, authors: Sequence[str]) -> bool:
    """ "Jane Doe is a reporter covering ..." under (or over) the article."""
    if len(text) > MAX_BIO:
        return False
    for author in authors:
        name = author.split()[0] if author.split() else ""
        for who in (author, name):
            if (
                len(who) > 2
                and text.startswith(who)
                and text[len(who) :].startswith(_BIO_VERBS)
            ):
                return True
    return False


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
    if _is_author_bio(text, ctx.authors):
        return "author bio"
    if block.link_density > MAX_LINK_DENSITY and block.kind != "pre":
        return "links"
    return None


def _stop_index(kept: Sequence[Block], rules: RuleSet) -> int | None:
    """Where the area after the article starts: a "Related stories" line in the last part.

    Earlier in the body such a line is a box inside the article, and the article goes on.
    """
    total = sum(len(block.text) for block in kept)
    seen = 0
    for index, block in enumerate(kept):
        if (
            seen >= total * STOP_AFTER_SHARE
            and len(block.text) <= MAX_STOP_LINE
            and rules.is_stop_line(block.text)
            and (
                seen >= total * STOP_ALWAYS_SHARE
                or not _prose_follows(kept[index + 1 :])
            )
        ):
            return index
        seen += len(block.text)
    return None


def _prose_follows(rest: Sequence[Block]) -> bool:
    """Two long paragraphs after a "Recommended" box: the box sat inside the article."""
    return sum(1 for block in rest if len(block.text) >= PROSE_CHARS) >= 2


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
    kept, trimmed = trim_edges(kept)
    removed.extend(trimmed)
    return Filtered(tuple(kept), tuple(removed), rule_chars)


def is_prose(block: Block) -> bool:
    """A paragraph that reads as sentences: long enough and ending like a sentence."""
    text = block.text
    return len(text) >= PROSE_EDGE_CHARS and text[-1] in _SENTENCE_END and " " in text


def trim_edges(kept: list[Block]) -> tuple[list[Block], list[str]]:
    """Drop the short non-sentence lines before the first and after the last real paragraph.

    What sits there in a page's main container is kickers, datelines, bylines, share labels,
    promo strips and "N min read" widgets; headings and lists inside the article are kept.
    """
    first = next((i for i, b in enumerate(kept) if is_prose(b)), None)
    if first is None:
        return kept, []
    last = max(i for i, b in enumerate(kept) if is_prose(b))
    head = [b for b in kept[:first] if _edge_junk(b)]
    tail = [b for b in kept[last + 1 :] if _edge_junk(b) or _link_item(b)]
    drop = {id(b) for b in head + tail}
    result = [b for b in kept if id(b) not in drop]
    while (
        result and result[-1].kind in HEADING_KINDS
    ):  # a heading with nothing under it
        tail.append(result.pop())
    return result, [b.text for b in head + tail]


def _link_item(block: Block) -> bool:
    """A linked list item after the article's last paragraph: a list of other pages."""
    return block.kind == "li" and block.link_density > TAIL_LINK_DENSITY


def _edge_junk(block: Block) -> bool:
    """Short and not a sentence: a short closing sentence of the article is content (an edit
    there must be seen), a label, dateline or byline is not."""
    text = block.text
    return (
        len(text) < EDGE_JUNK_CHARS
        and block.kind == "p"
        and not (text[-1] in _SENTENCE_END and len(text.split()) >= SENTENCE_MIN_WORDS)
    )
