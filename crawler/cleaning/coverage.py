"""Pick the article container by coverage: the element whose subtree holds the most prose
and the least of everything else.

One bottom-up pass credits every block element's own text (text outside its block children)
to it and all its ancestors, split into "good" text (paragraph-like: long enough, few links)
and the rest. The winner maximises ``good - PENALTY * rest``: climbing from a paragraph to its
section to the whole article pays while the added text is prose, and stops where navigation,
teasers and link lists would come in. Page builders that split an article into many sections
are covered as a whole, which a score credited to two or three ancestors cannot do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.cleaning.blocks import BLOCK_TAGS
from crawler.cleaning.prune import text_size
from crawler.cleaning.rules import Selector

PENALTY = 0.7  # on the wcxb dev pages: 0.55-0.85 score alike (best F1), 1.0-1.5 lose more recall than they gain precision
MIN_RULE_CHARS = 250  # characters a content rule's match needs before it is trusted
MIN_GOOD = 40  # characters of paragraph text that count as prose
MIN_ITEM = 20  # list items and table cells are shorter
MAX_LINK_SHARE = 0.3
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SHORT_OK = frozenset({"li", "dd", "td", "blockquote"})
# Narrowing to the marked article body (see narrow_to_body)
BODY_SHARE = 0.6  # the marked body holds at least this share of the container's text
OTHER_BODY_SHARE = (
    0.1  # and no other marked body holds this much (a split article, a listing)
)
# class/id names that mark an article's own body in CMS templates (alone or as the last part of
# a prefixed name: td-post-content, c-article-body)
BODY_NAMES = frozenset(
    {
        "entry-content", "post-content", "article-content", "article-body", "articlebody",
        "story-body", "post-body", "entry-body", "blog-content", "post-entry",
        "single-content", "content-body", "article__body", "article-text", "story-content",
        "rich-text", "blog-post-content", "post-text", "article__content", "post__content",
        "entry__content", "story-text", "main-content", "page-content",
    }
)  # fmt: skip


@dataclass(slots=True)
class _Frame:
    element: Any
    tag: str
    own: int = 0
    own_links: int = 0
    good: int = 0
    rest: int = 0


def _is_good(tag: str, length: int, links: int) -> bool:
    if not length or links > length * MAX_LINK_SHARE:
        return False
    if tag in _HEADINGS:
        return True
    return length >= (MIN_ITEM if tag in _SHORT_OK else MIN_GOOD)


class _Walker:
    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.links = 0
        self.best: Any = None
        self.best_score = 0.0
        self.best_good = 0

    def text(self, value: str | None) -> None:
        if value and self.stack:
            length = len(value.strip())
            frame = self.stack[-1]
            frame.own += length
            if self.links:
                frame.own_links += length

    def start(self, element: Any, tag: str) -> None:
        if tag == "a":
            self.links += 1
        if tag in BLOCK_TAGS:
            self.stack.append(_Frame(element, tag))
        self.text(element.text)

    def end(self, element: Any, tag: str) -> None:
        if tag == "a":
            self.links -= 1
        if tag in BLOCK_TAGS and self.stack:
            frame = self.stack.pop()
            if _is_good(frame.tag, frame.own, frame.own_links):
                frame.good += frame.own
            else:
                frame.rest += frame.own
            score = frame.good - PENALTY * frame.rest
            if score > self.best_score:
                self.best, self.best_score, self.best_good = element, score, frame.good
            if self.stack:
                parent = self.stack[-1]
                parent.good += frame.good
                parent.rest += frame.rest
        self.text(element.tail)


def choose_by_coverage(root: Any) -> tuple[Any | None, int]:
    """The element covering the article best, and its characters of prose."""
    walker = _Walker()
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            walker.start(element, tag)
        else:
            walker.end(element, tag if element is not root else "body")
    return walker.best, walker.best_good


# picked in the cleaner's one selector walk (verdicts memoised per class string)
BODY_MARKS = Selector(tags=frozenset({"article"}), name_ends=BODY_NAMES)


def _marked_inside(container: Any, marked: list[Any]) -> Any:
    """The one marked body inside the container holding most of its text, or the container."""
    chosen = set(marked)
    outermost = [e for e in marked if not any(a in chosen for a in e.iterancestors())]
    if not outermost:
        return container
    sized = sorted(((text_size(e), e) for e in outermost), key=lambda item: -item[0])
    total = text_size(container)
    largest, body = sized[0]
    if largest < total * BODY_SHARE:
        return container
    if len(sized) > 1 and sized[1][0] >= total * OTHER_BODY_SHARE:
        return container
    return body


def narrow_to_body(container: Any, marks: list[Any]) -> Any:
    """The article body the container's markup marks, when it holds most of its text.

    Coverage climbs from the article to the wrapper around it when what sits beside the article
    reads like prose too: calls to action, author bios, testimonials, teasers of other posts,
    disclaimers. An ``<article>`` or ``entry-content``-like element holding most of the text
    (and no second one holding much: a split article, a listing) is the article itself; inside
    it, the same goes for an ``entry-content`` within an ``<article>`` (its header and footer
    hold bylines, tags and share bars). ``marks`` are the elements BODY_MARKS picked in the
    page (pruned ones and those outside the container are skipped).
    """
    marked = [e for e in marks if container in e.iterancestors()]
    while marked:
        body = _marked_inside(container, marked)
        if body is container:
            break
        container = body
        marked = [e for e in marked if body in e.iterancestors()]
    return container


def rule_content(matches: list[Any]) -> Any | None:
    """The content-rule match holding the most text (when it holds real text), or None."""
    best, best_size = None, MIN_RULE_CHARS - 1
    for element in matches:
        size = text_size(element)
        if size > best_size:
            best, best_size = element, size
    return best
