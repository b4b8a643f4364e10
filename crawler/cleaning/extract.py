"""HTML to CleanArticle: decode, parse (lxml), read metadata, prune, find the body, filter.

The whole hot path is lxml (plain ``etree`` elements: ``lxml.html``'s element classes cost a
Python lookup per element); BeautifulSoup is not used: building its tree alone costs about 12x
an lxml parse, twice this whole cleaner (about 5.5x). Figures: bench/README.md.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.cleaning.appstate import next_data, next_data_blocks, text_blocks
from crawler.cleaning.article import CleanArticle
from crawler.cleaning.blocks import Block, collect_blocks
from crawler.cleaning.coverage import (
    BODY_MARKS,
    choose_by_coverage,
    narrow_to_body,
    rule_content,
)
from crawler.cleaning.decode import decode_html, looks_binary
from crawler.cleaning.filtering import Filtered, LineContext, filter_blocks
from crawler.cleaning.metadata import Metadata, extract_metadata
from crawler.cleaning.prune import (
    head_text,
    prune,
    remove,
    select_many,
    strip_never_text,
    text_of,
)
from crawler.cleaning.rules import RuleSet, default_rules
from crawler.cleaning.safety import page_failure, removal_failure
from crawler.cleaning.text import dedupe, norm

logger = logging.getLogger(__name__)

MAX_PAGE_CHARS = (
    16_000_000  # larger "pages" are data dumps; parsing them would stall a worker
)
MAX_STANDFIRST_CHARS = 1200
MIN_FALLBACK_CHARS = (
    400  # embedded data must hold at least this much text to replace the markup
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


class _NotHtml(Exception):
    """The input cannot be parsed as a page (reason in the message)."""


@dataclass(frozen=True, slots=True)
class _Parts:
    standfirst: tuple[str, ...]
    captions: tuple[str, ...]
    filtered: Filtered
    page_text: str


def _to_text(html: str | bytes, encoding: str | None) -> str:
    if isinstance(html, bytes):
        if looks_binary(html):
            raise _NotHtml("binary data, not an HTML page")
        html, _ = decode_html(html, encoding)
    if len(html) > MAX_PAGE_CHARS:
        raise _NotHtml(
            f"page too large ({len(html)} characters, limit {MAX_PAGE_CHARS})"
        )
    if not html.strip():
        raise _NotHtml("empty page")
    if "\x00" in html[:4096]:
        raise _NotHtml("binary data, not an HTML page")
    return _XML_DECLARATION.sub("", html, count=1)


def _parse(text: str) -> Any:
    # plain etree elements: lxml.html's element classes cost a Python lookup per element
    parser = etree.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=True
    )
    try:
        doc = etree.fromstring(text, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise _NotHtml(f"unparseable page: {exc}") from exc
    if doc is None or not isinstance(doc.tag, str):
        raise _NotHtml("no HTML elements in the page")
    if any("Excessive depth" in error.message for error in parser.error_log):
        # libxml2 drops everything nested deeper than its limit: held, not stored half
        raise _NotHtml("markup nested too deep to read whole (over 2048 levels)")
    return doc


def _standfirst(picked: list[Any], content: Any | None) -> tuple[str, ...]:
    """The dek: the first standfirst element outside the body; removed from the tree."""
    for element in picked:
        if element.getparent() is None or (content is not None and element is content):
            continue
        if content is not None and content in element.iterancestors():
            continue
        lines = tuple(dedupe([b.text for b in collect_blocks(element)]))
        if lines and sum(len(line) for line in lines) <= MAX_STANDFIRST_CHARS:
            remove(element)
            return lines
    return ()


def _caption_scope(content: list[Any]) -> Any:
    """Captions are read from the article/main element around the body (lead image included)."""
    for ancestor in content[0].iterancestors():
        if ancestor.tag in ("article", "main"):
            return ancestor
    return content[0].getparent() if len(content) > 1 else content[0]


def _captions(content: list[Any], picked: list[Any]) -> tuple[str, ...]:
    """Caption texts under the caption scope (see _caption_scope); removed from the tree."""
    scope = _caption_scope(content)
    found: list[str] = []
    for element in picked:
        if element is not scope and scope not in element.iterancestors():
            continue  # outside the article, or pruned with its container
        text = norm(text_of(element))
        remove(element)
        if text:
            found.append(text)
    return tuple(dedupe(found))


def _fallback_blocks(
    raw_next: str, meta: Metadata, dom_chars: int
) -> list[Block] | None:
    """Blocks from embedded data when it holds clearly more text than the markup gave."""
    wanted = max(MIN_FALLBACK_CHARS, dom_chars * 1.5)
    options = (
        [text_blocks(meta.article_body)] if len(meta.article_body) > wanted else []
    )
    if len(raw_next) > wanted:
        options.append(next_data_blocks(raw_next))
    if not options:
        return None
    best = max(options, key=lambda blocks: sum(len(b.text) for b in blocks))
    best_chars = sum(len(b.text) for b in best)
    if best_chars >= MIN_FALLBACK_CHARS and best_chars > dom_chars * 1.5:
        return best
    return None


def _choose(body: Any, marks: list[Any]) -> list[Any]:
    best, _ = choose_by_coverage(body)
    return [narrow_to_body(best, marks)] if best is not None else []


def _extract(
    doc: Any, meta: Metadata, rules: RuleSet, learned: frozenset[str]
) -> _Parts:
    found = doc.find("body")
    body = found if found is not None else doc
    page_text = head_text(body, 20000)
    raw_next = next_data(doc)
    drop = strip_never_text(body, rules.drop)
    selectors = (
        rules.content,
        rules.standfirst,
        drop,
        rules.drop_always,
        rules.caption,
        BODY_MARKS,
    )
    content_picks, standfirst_picks, drop_picks, always_picks, caption_picks, marks = (
        select_many(body, selectors)
    )
    ruled = rule_content(content_picks)
    standfirst = _standfirst(standfirst_picks, ruled)
    headline = body.find(".//h1")
    protected = frozenset(e for e in (ruled, headline) if e is not None)
    prune(body, drop_picks, protected, always_picks)
    content = [ruled] if ruled is not None else _choose(body, marks)
    captions = _captions(content, caption_picks) if content else ()
    blocks = [block for element in content for block in collect_blocks(element)]
    ctx = LineContext(
        rules=rules,
        learned=learned,
        title=meta.title,
        captions=frozenset(captions),
        standfirst=frozenset(standfirst),
        authors=meta.authors,
    )
    filtered = filter_blocks(blocks, ctx)
    dom_chars = sum(len(b.text) for b in filtered.blocks)
    fallback = _fallback_blocks(raw_next, meta, dom_chars)
    if fallback is not None:
        logger.debug("embedded article data holds more text than the markup: using it")
        filtered = filter_blocks(fallback, ctx)
    return _Parts(standfirst, captions, filtered, page_text)


def clean_html(
    html: str | bytes,
    url: str | None = None,
    *,
    encoding: str | None = None,
    rules: RuleSet | None = None,
    learned_boilerplate: frozenset[str] = frozenset(),
) -> CleanArticle:
    """Extract the article from an HTML page; never raises on bad input.

    ``encoding`` is the charset from the HTTP header (used for bytes input when the bytes are not
    valid UTF-8); ``rules`` defaults to the packaged rules (see :func:`load_rules`);
    ``learned_boilerplate`` holds lines learned to repeat across the site's articles.
    """
    try:
        doc = _parse(_to_text(html, encoding))
    except _NotHtml as exc:
        return CleanArticle(failure=str(exc))
    rules = (rules or default_rules()).for_url(url)
    meta = extract_metadata(doc, url)
    parts = _extract(doc, meta, rules, learned_boilerplate)
    blocks = parts.filtered.blocks
    kept_chars = sum(len(b.text) for b in blocks)
    words = sum(len(b.text.split()) for b in blocks)
    failure = (
        removal_failure(kept_chars, parts.filtered.rule_removed_chars)
        or page_failure(rules, meta.title, parts.page_text, words)
        or (None if blocks else "no article text found")
    )
    return CleanArticle(
        title=meta.title,
        standfirst=parts.standfirst,
        body=tuple(b.text for b in blocks),
        body_kinds=tuple(b.kind for b in blocks),
        captions=parts.captions,
        authors=meta.authors,
        published_at=meta.published_at,
        modified_at=meta.modified_at,
        language=meta.language,
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
        failure=failure,
        removed=parts.filtered.removed,
    )
