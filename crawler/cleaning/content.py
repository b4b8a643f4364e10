"""Find the element(s) holding the article body: rule selectors first, then a content scorer.

The scorer credits each paragraph's text (length, commas, few links) to its container and, less,
to the container's ancestors; containers are weighted by class/id words that mark content or
chrome and by their own link density. The best container is then joined by the siblings that
hold article-like text (an article body split by an ad slot or a pull quote).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from crawler.cleaning.blocks import BLOCK_TAGS
from crawler.cleaning.prune import class_words, text_length, text_of

_POSITIVE = frozenset(
    [
        "article",
        "articlebody",
        "article-body",
        "article-content",
        "articletext",
        "article-text",
        "body",
        "content",
        "entry",
        "entry-content",
        "main",
        "post",
        "post-body",
        "post-content",
        "postbody",
        "story",
        "story-body",
        "storycontent",
        "text",
        "blog",
        "page",
        "prose",
        "rich-text",
        "richtext",
        "paragraph",
        "section-content",
    ]
)
_NEGATIVE = frozenset(
    [
        "comment",
        "comments",
        "meta",
        "footer",
        "footnote",
        "sidebar",
        "widget",
        "related",
        "promo",
        "sponsor",
        "ad",
        "ads",
        "share",
        "social",
        "menu",
        "nav",
        "teaser",
        "card",
        "cards",
        "list",
        "listing",
        "hidden",
        "banner",
        "masthead",
        "header",
        "caption",
        "byline",
        "author",
        "tags",
        "outbrain",
        "taboola",
    ]
)
_TAG_WEIGHT = {
    "article": 10, "main": 8, "div": 5, "section": 3, "td": 3, "blockquote": 3, "pre": 3,
    "form": -3, "ol": -3, "ul": -3, "dl": -3, "li": -3, "h2": -5, "h3": -5, "th": -5,
}  # fmt: skip
_PARAGRAPH_TAGS = (
    "p",
    "pre",
    "td",
    "div",
    "section",
    "blockquote",
    "li",
    "dd",
    "article",
)
_OWN_TEXT_TAGS = frozenset({"div", "section", "td", "li", "dd", "article"})
MIN_PARAGRAPH = 25
TOP_CANDIDATES = (
    12  # link density is weighed for the best raw scores only (it is costly)
)
MIN_RULE_WORDS = 40  # words a content rule's match needs before it is trusted
_COMMA = re.compile(r"[,，、]")


@dataclass(slots=True)
class _Candidate:
    element: Any
    score: float = 0.0
    paragraphs: list[int] = field(default_factory=list)


def _own_text(element: Any) -> str:
    """Text of an element outside its block children (a <div> used as a paragraph)."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag not in BLOCK_TAGS:
            parts.append(text_of(child) if tag else "")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _link_chars(element: Any) -> int:
    return sum(len("".join(a.itertext()).strip()) for a in element.iter("a"))


def _class_weight(element: Any) -> int:
    words = set(class_words(element))
    return 25 * (bool(words & _POSITIVE) - bool(words & _NEGATIVE))


def link_density(element: Any) -> float:
    text = len("".join(element.itertext()).strip())
    return min(1.0, _link_chars(element) / text) if text else 1.0


def _paragraph(element: Any) -> tuple[str, int] | None:
    tag = element.tag
    if tag in _OWN_TEXT_TAGS:
        text = _own_text(element)
        if len(text) < MIN_PARAGRAPH:
            return None
        links = sum(len(text_of(a)) for a in element if a.tag == "a")
        return text, links
    text = " ".join(text_of(element).split())
    if len(text) < MIN_PARAGRAPH:
        return None
    return text, _link_chars(element)


def score_candidates(root: Any) -> dict[Any, _Candidate]:
    candidates: dict[Any, _Candidate] = {}

    def credit(element: Any, points: float, length: int) -> None:
        candidate = candidates.get(element)
        if candidate is None:
            tag = element.tag
            candidate = _Candidate(
                element, _TAG_WEIGHT.get(tag, 0) + _class_weight(element)
            )
            candidates[element] = candidate
        candidate.score += points
        candidate.paragraphs.append(length)

    for element in root.iter(*_PARAGRAPH_TAGS):
        found = _paragraph(element)
        if found is None:
            continue
        text, links = found
        points = (1 + len(_COMMA.findall(text)) + min(len(text) / 100, 3)) * (
            1 - min(1.0, links / len(text))
        )
        container = element if element.tag in _OWN_TEXT_TAGS else element.getparent()
        for level, ancestor in enumerate(_lineage(container, root)):
            credit(ancestor, points / (1, 2, 3, 4)[level], len(text))
    return candidates


def _lineage(element: Any, root: Any) -> list[Any]:
    result: list[Any] = []
    while element is not None and len(result) < 4:
        result.append(element)
        if element is root:
            break
        element = element.getparent()
    return result


def _best(candidates: dict[Any, _Candidate]) -> _Candidate | None:
    best: _Candidate | None = None
    best_score = 0.0
    ranked = sorted(candidates.values(), key=lambda c: c.score, reverse=True)
    for candidate in ranked[:TOP_CANDIDATES]:
        final = candidate.score * (1 - link_density(candidate.element))
        if final > best_score:
            best, best_score = candidate, final
    if best is not None:
        best.score = best_score
    return best


def _sibling_joins(
    sibling: Any, top: _Candidate, candidates: dict[Any, _Candidate]
) -> bool:
    scored = candidates.get(sibling)
    threshold = max(10.0, top.score * 0.2)
    if scored is not None and scored.score * (1 - link_density(sibling)) >= threshold:
        return True
    if sibling.tag != "p":
        return False
    text = " ".join(text_of(sibling).split())
    density = link_density(sibling)
    return (len(text) > 80 and density < 0.25) or (
        0 < len(text) <= 80
        and density == 0
        and text.endswith((".", "?", "!", "”", '"'))
    )


def rule_content(matches: list[Any]) -> Any | None:
    """The content-rule match holding the most text (when it holds real text), or None."""
    best, best_words = None, MIN_RULE_WORDS - 1
    for element in matches:
        words = text_length(element)
        if words > best_words:
            best, best_words = element, words
    return best


def choose_content(root: Any) -> list[Any]:
    """The elements whose text is the article, in document order (empty when nothing scores)."""
    candidates = score_candidates(root)
    top = _best(candidates)
    if top is None:
        return []
    parent = top.element.getparent()
    if parent is None:
        return [top.element]
    return [
        sibling
        for sibling in parent
        if sibling is top.element
        or (isinstance(sibling.tag, str) and _sibling_joins(sibling, top, candidates))
    ]
