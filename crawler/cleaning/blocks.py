"""Walk an element into paragraphs ("blocks") with their kind and link density."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.cleaning.text import norm

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "li",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "figure",
        "figcaption",
        "address",
        "hr",
        "center",
        "details",
        "summary",
        "fieldset",
        "body",
        "caption",
        "html",
        "legend",
    ]
)
_KINDS = {
    "h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h5", "h6": "h6",
    "li": "li", "dt": "li", "dd": "li", "blockquote": "blockquote", "pre": "pre",
}  # fmt: skip
LINE_BREAK = (
    "\u2029"  # stands for <br>: splits a paragraph; source newlines are just spaces
)
_STICKY = frozenset(
    {"blockquote", "pre", "li"}
)  # kinds that hold for nested blocks too


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    text: str
    link_density: float  # share of the text inside links


class _Collector:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.kinds: list[str] = ["p"]
        self.links = 0

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            if self.links:
                self.link_chars += len(text.strip())

    def flush(self) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        kind = self.kinds[-1]
        self.parts = []
        link_chars, self.link_chars = self.link_chars, 0
        if kind == "pre":
            text = raw.replace(LINE_BREAK, "\n").strip("\n")
            if text.strip():
                self.blocks.append(Block(kind, text, 0.0))
            return
        lines = [
            line for line in (norm(part) for part in raw.split(LINE_BREAK)) if line
        ]
        total = sum(len(line) for line in lines) or 1
        density = min(1.0, link_chars / total)
        self.blocks.extend(Block(kind, line, density) for line in lines)

    def start(self, tag: str) -> None:
        if tag == "br":
            self.parts.append(LINE_BREAK)
            return
        if tag == "a":
            self.links += 1
        if tag in BLOCK_TAGS:
            self.flush()
            parent = self.kinds[-1]
            self.kinds.append(parent if parent in _STICKY else _KINDS.get(tag, "p"))

    def end(self, tag: str) -> None:
        if tag == "a":
            self.links -= 1
        if tag in BLOCK_TAGS:
            self.flush()
            self.kinds.pop()


def collect_blocks(root: Any) -> list[Block]:
    """The paragraphs under ``root`` in reading order; <br> splits a paragraph."""
    collector = _Collector()
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):
            if event == "end" and element is not root:
                collector.add(element.tail)
            continue
        if event == "start":
            collector.start(tag)
            collector.add(element.text)
        else:
            collector.end(tag)
            if element is not root:
                collector.add(element.tail)
    collector.flush()
    return collector.blocks
