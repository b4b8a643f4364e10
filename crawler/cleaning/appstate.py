"""Article text from data embedded in the page: JSON-LD articleBody, Next.js ``__NEXT_DATA__``.

Used when the page's markup yields less text than the data behind it (a client-rendered page
whose HTML is an empty shell). A JSON-LD body that is only a teaser never replaces the markup.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

from crawler.cleaning.blocks import Block, collect_blocks
from crawler.cleaning.text import norm

logger = logging.getLogger(__name__)

_TEXT_KEYS = frozenset(
    {
        "articlebody",
        "body",
        "content",
        "html",
        "text",
        "bodyhtml",
        "contenthtml",
        "value",
    }
)
MIN_PROSE = 40  # characters a string needs to count as a paragraph of prose


def text_blocks(text: str) -> list[Block]:
    """Blocks from a string that is either HTML or plain text (one paragraph a line)."""
    if "<" in text and ("</p>" in text or "<br" in text or "</div>" in text):
        try:
            fragment = lxml.html.fragment_fromstring(text, create_parent="div")
        except (etree.ParserError, ValueError):
            return []
        etree.strip_elements(
            fragment, etree.Comment, etree.ProcessingInstruction, with_tail=False
        )
        etree.strip_elements(fragment, "script", "style", with_tail=False)
        return collect_blocks(fragment)
    return [
        Block("p", line, 0.0)
        for line in (norm(part) for part in text.splitlines())
        if line
    ]


def _strings(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for child_key, value in node.items():
            yield from _strings(value, str(child_key).lower())
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, key)
    elif isinstance(node, str) and key in _TEXT_KEYS and len(node) >= MIN_PROSE:
        yield key, node


def next_data(doc: Any) -> str:
    """The raw ``__NEXT_DATA__`` JSON of a Next.js page ("" when absent); read before pruning."""
    for script in doc.iter("script"):
        if script.get("id") == "__NEXT_DATA__":
            return str(script.text or "")
    return ""


def next_data_blocks(raw: str) -> list[Block]:
    """The article text in a Next.js page's ``__NEXT_DATA__`` blob, or []."""
    if not raw:
        return []
    try:
        data = json.loads(raw, strict=False)
    except ValueError:
        logger.debug("unparseable __NEXT_DATA__ skipped")
        return []
    strings = [text for _, text in _strings(data)]
    if not strings:
        return []
    longest = max(strings, key=len)
    if len(longest) >= 500:
        return text_blocks(longest)
    # a body stored as a list of paragraph objects: every prose string, once, in order
    return text_blocks("\n".join(dict.fromkeys(s for s in strings if " " in s)))
