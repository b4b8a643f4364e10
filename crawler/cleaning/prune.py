"""Remove the elements the rules say are never article text, without ever deleting the article."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from lxml import etree

from crawler.cleaning.rules import Selector

_WORD_SPLIT = re.compile(r"[-_]")
_WORDS = re.compile(r"[^\s_-]+")
# Tags whose content is never markup (raw text, void elements): removed without the size guard.
# Others (button, select, noscript...) go through it: an unclosed <button> swallows the page.
# A <textarea> holds raw text (its markup shows as text, as a copy-and-paste "republish this"
# box does); an unclosed one turns the rest of the page into raw text, in browsers too.
_NEVER_TEXT = frozenset(
    {
        "script", "style", "template", "link", "meta", "option", "optgroup", "datalist",
        "textarea",
    }
)  # fmt: skip
# Pruning as a whole never removes more than this share of the page's words: the smallest picked
# elements go first, so junk goes and a wrapper mislabelled by its classes stays.
BUDGET_SHARE = 0.65
# An element holding more than this share of the page's text (in characters) is never dropped by a class/id token
# or a structural tag: a wrapper like <div class="page has-sidebar"> or an ASP.NET <form>.
GUARD_SHARE = 0.4


def class_words(element: Any) -> Iterator[str]:
    """An element's class and id names, and the words of each (split on - and _)."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower().split()
    for name in names:
        yield name
        if "-" in name or "_" in name:
            yield from _WORD_SPLIT.split(name)


def text_of(element: Any) -> str:
    return "".join(element.itertext())


_SIZE = etree.XPath("string-length(normalize-space(.))")
_HEAD_TEXT = etree.XPath("substring(normalize-space(.), 1, $limit)")


def text_size(element: Any) -> int:
    """Characters of an element's text, whitespace collapsed (computed by libxml2: fast)."""
    return int(_SIZE(element))


def head_text(element: Any, limit: int) -> str:
    """The first ``limit`` characters of an element's text, whitespace collapsed."""
    return str(_HEAD_TEXT(element, limit=limit))


def _verdicts(
    selectors: Sequence[Selector], tag: str, attributes: list[tuple[str, str]]
) -> tuple[bool, ...]:
    names = " ".join(v for k, v in attributes if k == "class" or k == "id").lower()
    whole = set(names.split())
    words = whole.union(_WORDS.findall(names)) if names else whole
    return tuple(s.matches(tag, whole, words, attributes) for s in selectors)


def select_many(root: Any, selectors: Sequence[Selector]) -> list[list[Any]]:
    """For each selector, the elements it picks under ``root`` (root included): one tree walk.

    Verdicts are memoised per (tag, watched attributes) for the walk: pages repeat the same
    class strings on hundreds of elements (menu items, list entries, cards).
    """
    found: list[list[Any]] = [[] for _ in selectors]
    tags = frozenset().union(*(s.tags for s in selectors))
    watched = frozenset({"class", "id"}).union(
        *(s.attribute_patterns for s in selectors)
    )
    memo: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[bool, ...]] = {}
    for element in root.iter():
        tag = element.tag
        attributes = [(k, v) for k, v in element.items() if k in watched]
        if not attributes and tag not in tags:
            continue
        key = (tag, tuple(attributes))
        verdicts = memo.get(key)
        if verdicts is None:
            verdicts = memo[key] = _verdicts(selectors, tag, attributes)
        if True in verdicts:
            for bucket, verdict in zip(found, verdicts, strict=True):
                if verdict:
                    bucket.append(element)
    for selector, bucket in zip(selectors, found, strict=True):
        for xpath in selector.xpaths:
            bucket.extend(e for e in xpath(root) if isinstance(e, etree._Element))
    return found


def select(root: Any, selector: Selector) -> list[Any]:
    """Elements the selector picks under ``root`` (root included)."""
    return select_many(root, (selector,))[0]


def remove(element: Any) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _outermost(sized: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    chosen = {element for _, element in sized}
    return [
        (words, element)
        for words, element in sized
        if not any(a in chosen for a in element.iterancestors())
    ]


def _detached(element: Any, root: Any) -> bool:
    """True when an earlier removal took the element out of the tree under ``root``."""
    return all(ancestor is not root for ancestor in element.iterancestors())


def _protection(root: Any, protected: frozenset[Any]) -> set[Any]:
    keep = set(protected)
    for element in protected:
        keep.update(element.iterancestors())
    keep.add(root)
    keep.update(root.iterancestors())
    return keep


def prune(
    root: Any,
    picked: Sequence[Any],
    protected: frozenset[Any] = frozenset(),
    always: Sequence[Any] = (),
) -> int:
    """Drop the ``picked`` and ``always`` elements under ``root``; returns how many went.

    ``protected`` elements (the headline, the article body found by a content rule) and their
    ancestors stay. Of ``picked``, any element holding more than GUARD_SHARE of the page's words
    stays too (its picked descendants may still go), and all in all no more than BUDGET_SHARE of
    the words go, smallest elements first. ``always`` elements go whatever their size.
    """
    keep = _protection(root, protected)
    removed = 0
    for element in always:
        if element not in keep and element.tag not in ("html", "body"):
            remove(element)
            removed += 1
    total = text_size(root)
    limit = total * GUARD_SHARE
    eligible = [
        (words, element)
        for element in picked
        if element not in keep
        and element.tag not in ("html", "body")
        and not _detached(element, root)
        and (words := text_size(element)) <= limit
    ]
    budget = total * BUDGET_SHARE
    for words, element in sorted(_outermost(eligible), key=lambda item: item[0]):
        if words > budget:
            break
        budget -= words
        remove(element)
        removed += 1
    return removed


def strip_never_text(root: Any, selector: Selector) -> Selector:
    """Remove the tags that never hold article text; returns the rest of the selector."""
    etree.strip_elements(root, *(selector.tags & _NEVER_TEXT), with_tail=False)
    return Selector(
        selector.tags - _NEVER_TEXT,
        selector.tokens,
        selector.attributes,
        selector.names,
        selector.xpaths,
        selector.name_ends,
    )
