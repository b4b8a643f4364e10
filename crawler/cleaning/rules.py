"""Boilerplate rules as data: what to drop from a page, what marks its content, which lines are junk.

Rules live in TOML files (``crawler/cleaning/rules/*.toml`` ship with the package; a user adds more
from folders passed to :func:`load_rules`). A file without a ``[site]`` table is generic and applies
to every page; a file with ``[site] domains = [...]`` applies only to pages of those domains.
Every rule carries a ``why``: a rule nobody can explain is a rule nobody dares to remove.

Rule tables (each an array of tables, each entry with ``why``):

* ``[[drop]]``: elements removed before extraction, by ``tags`` (tag names), ``tokens`` (whole
  class/id names or their words, e.g. ``ad`` matches ``ad-slot`` but not ``load``; a token with a
  dash matches whole names only), ``names`` (whole class/id names only: for layout words like
  ``sidebar`` that also appear in wrapper classes such as ``ast-no-sidebar``), ``attributes`` (``{ role = ["navigation"] }``: a regular
  expression the whole value must match) or ``xpath`` (slowest; for what nothing else can say).
  Dropping is guarded: an element holding much of the page's text stays, unless the rule says
  ``guard = false`` (for names that are never the article, like a comment list); even then an
  element holding the headline (h1) or the content-rule body stays.
* ``[[content]]``: the article body (same keys); the match holding the most text wins.
* ``[[standfirst]]``: ``tokens`` or ``xpath`` of the dek under the headline.
* ``[[caption]]``: ``tokens`` or ``xpath`` of image captions (kept apart from the body), and
  ``patterns`` (regular expressions) that mark a line of plain text as a caption.
* ``[[line]]``: ``patterns``, regular expressions a whole paragraph must match to be dropped.
* ``[[stop]]``: ``patterns`` of short lines (a "Related stories" heading) that open the area
  after the article: when one comes after at least half of the body, the rest is dropped.
* ``[[failure]]``: ``kind`` (a short reason), ``patterns`` and ``where`` ("text", the default, or
  "title"); a page with little article text whose text (or title) matches one of the patterns is a
  consent wall, paywall stub or error page, not an article.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from crawler.errors import CrawlerError

logger = logging.getLogger(__name__)

PACKAGED_RULES = Path(__file__).with_name("rules")


class RuleError(CrawlerError):
    """A rule file is invalid; the message names the file and the rule."""


@dataclass(frozen=True, slots=True)
class Selector:
    """Elements picked by tag name, class/id token, attribute value or XPath (any of them).

    ``attributes`` maps an attribute name to a regular expression its whole value must match
    (case-insensitive). ``name_ends`` match a whole class/id name or its end after - or _
    (``post-content`` matches ``td-post-content``). Tags, tokens, names and attributes are
    checked in one pass over the tree in Python; XPath (slower: a full walk per expression) is
    for the rare rule nothing else can say.
    """

    tags: frozenset[str] = frozenset()
    tokens: frozenset[str] = frozenset()
    attributes: tuple[tuple[str, str], ...] = ()
    names: frozenset[str] = frozenset()
    xpaths: tuple[etree.XPath, ...] = ()
    name_ends: frozenset[str] = frozenset()
    attribute_patterns: Mapping[str, re.Pattern[str]] = field(
        default_factory=dict, init=False, compare=False
    )
    _ends: tuple[str, ...] = field(default=(), init=False, compare=False)

    def __post_init__(self) -> None:
        merged: dict[str, list[str]] = {}
        for name, pattern in self.attributes:
            merged.setdefault(name, []).append(pattern)
        object.__setattr__(
            self,
            "attribute_patterns",
            {
                name: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
                for name, patterns in merged.items()
            },
        )
        ends = tuple(sep + end for end in sorted(self.name_ends) for sep in "-_")
        object.__setattr__(self, "_ends", ends)

    def merged(self, other: Selector) -> Selector:
        return Selector(
            self.tags | other.tags,
            self.tokens | other.tokens,
            self.attributes + other.attributes,
            self.names | other.names,
            self.xpaths + other.xpaths,
            self.name_ends | other.name_ends,
        )

    def matches(
        self,
        tag: str,
        names: set[str],
        words: set[str],
        attributes: Sequence[tuple[str, str]],
    ) -> bool:
        """True when the tag, a class/id name or token, or an attribute matches (not XPath).

        ``names`` holds the element's class and id names, lower-cased; ``words`` those names
        and the words of each (split on - and _).
        """
        if tag in self.tags:
            return True
        if words and not (
            self.tokens.isdisjoint(words) and self.names.isdisjoint(names)
        ):
            return True
        if self._ends and names:
            for name in names:
                if name.endswith(self._ends) or name in self.name_ends:
                    return True
        patterns = self.attribute_patterns
        if patterns:
            for name, value in attributes:
                pattern = patterns.get(name)
                if pattern is not None and pattern.fullmatch(value.strip()):
                    return True
        return False


@dataclass(frozen=True, slots=True)
class FailureRule:
    """Patterns that mark a short page as not an article; ``where`` is "title" or "text"."""

    kind: str
    patterns: tuple[re.Pattern[str], ...]
    where: str = "text"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules in force for one page (generic ones merged with those of its site)."""

    drop: Selector = Selector()
    drop_always: Selector = Selector()  # [[drop]] with guard = false: no size guard
    content: Selector = Selector()
    standfirst: Selector = Selector()
    caption: Selector = Selector()
    caption_patterns: tuple[re.Pattern[str], ...] = ()
    line_patterns: tuple[re.Pattern[str], ...] = ()
    stop_patterns: tuple[re.Pattern[str], ...] = ()
    failures: tuple[FailureRule, ...] = ()
    sites: tuple[SiteRules, ...] = field(default=(), repr=False)
    _line: re.Pattern[str] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _stop: re.Pattern[str] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _caption: re.Pattern[str] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # one alternation per kind: a paragraph is matched once, not once per pattern
        object.__setattr__(self, "_line", _union(self.line_patterns))
        object.__setattr__(self, "_stop", _union(self.stop_patterns))
        object.__setattr__(self, "_caption", _union(self.caption_patterns))

    def merged(self, other: RuleSet) -> RuleSet:
        return RuleSet(
            drop=self.drop.merged(other.drop),
            drop_always=self.drop_always.merged(other.drop_always),
            content=self.content.merged(other.content),
            standfirst=self.standfirst.merged(other.standfirst),
            caption=self.caption.merged(other.caption),
            caption_patterns=self.caption_patterns + other.caption_patterns,
            line_patterns=self.line_patterns + other.line_patterns,
            stop_patterns=self.stop_patterns + other.stop_patterns,
            failures=self.failures + other.failures,
            sites=self.sites + other.sites,
        )

    def for_url(self, url: str | None) -> RuleSet:
        """These rules plus those of the sites the URL belongs to."""
        host = _host(url)
        result = RuleSet(
            drop=self.drop,
            drop_always=self.drop_always,
            content=self.content,
            standfirst=self.standfirst,
            caption=self.caption,
            caption_patterns=self.caption_patterns,
            line_patterns=self.line_patterns,
            stop_patterns=self.stop_patterns,
            failures=self.failures,
        )
        for site in self.sites:
            if host and site.matches(host):
                result = result.merged(site.rules)
        return result

    def is_boilerplate_line(self, line: str) -> bool:
        return self._line is not None and self._line.fullmatch(line) is not None

    def is_stop_line(self, line: str) -> bool:
        return self._stop is not None and self._stop.fullmatch(line) is not None

    def is_caption_line(self, line: str) -> bool:
        return self._caption is not None and self._caption.search(line) is not None


def _union(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SiteRules:
    name: str
    domains: tuple[str, ...]
    rules: RuleSet

    def matches(self, host: str) -> bool:
        return any(host == d or host.endswith("." + d) for d in self.domains)


def _host(url: str | None) -> str:
    if not url:
        return ""
    match = re.match(
        r"^[a-z][a-z0-9+.-]*://([^/?#:@]*@)?([^/?#:]+)", url.strip(), re.IGNORECASE
    )
    return match.group(2).lower() if match else ""


def _strings(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, ())
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) for v in value
    ):
        raise RuleError(f"{where}: {key!r} must be a string or a list of strings")
    return tuple(value)


def _compile_xpaths(values: Iterable[str], where: str) -> tuple[etree.XPath, ...]:
    try:
        return tuple(etree.XPath(v) for v in values)
    except etree.XPathSyntaxError as exc:
        raise RuleError(f"{where}: invalid xpath: {exc}") from exc


def _compile_patterns(values: Iterable[str], where: str) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(v, re.IGNORECASE) for v in values)
    except re.error as exc:
        raise RuleError(f"{where}: invalid pattern: {exc}") from exc


def _entries(
    data: Mapping[str, Any], table: str, where: str
) -> list[tuple[dict[str, Any], str]]:
    entries = data.get(table, [])
    if not isinstance(entries, list):
        raise RuleError(f"{where}: [[{table}]] must be an array of tables")
    result = []
    for index, entry in enumerate(entries):
        at = f"{where} [[{table}]] #{index + 1}"
        if not isinstance(entry, dict):
            raise RuleError(f"{at}: must be a table")
        if not isinstance(entry.get("why"), str) or not entry["why"].strip():
            raise RuleError(f"{at}: every rule needs a 'why' saying why it exists")
        result.append((entry, at))
    return result


def _attributes(entry: Mapping[str, Any], at: str) -> tuple[tuple[str, str], ...]:
    table = entry.get("attributes", {})
    if not isinstance(table, dict):
        raise RuleError(f"{at}: 'attributes' must be a table of name = [patterns]")
    pairs = tuple(
        (name.lower(), pattern)
        for name in table
        for pattern in _strings(table, name, f"{at} attributes")
    )
    _compile_patterns((p for _, p in pairs), at)
    return pairs


def _selector(
    data: Mapping[str, Any], table: str, where: str, guarded: bool | None = None
) -> Selector:
    """The table's entries merged; ``guarded`` keeps only entries with that ``guard`` value."""
    selector = Selector()
    for entry, at in _entries(data, table, where):
        if guarded is not None and bool(entry.get("guard", True)) != guarded:
            continue
        tokens = _strings(entry, "tokens", at)
        if any(len(t) < 2 for t in tokens):
            raise RuleError(f"{at}: tokens must have at least two characters")
        selector = selector.merged(
            Selector(
                frozenset(t.lower() for t in _strings(entry, "tags", at)),
                frozenset(t.lower() for t in tokens),
                _attributes(entry, at),
                frozenset(n.lower() for n in _strings(entry, "names", at)),
                _compile_xpaths(_strings(entry, "xpath", at), at),
            )
        )
    return selector


def _patterns(
    data: Mapping[str, Any], table: str, where: str
) -> tuple[re.Pattern[str], ...]:
    patterns: tuple[re.Pattern[str], ...] = ()
    for entry, at in _entries(data, table, where):
        patterns += _compile_patterns(_strings(entry, "patterns", at), at)
    return patterns


def parse_rules(data: Mapping[str, Any], where: str) -> RuleSet:
    """Build a RuleSet from one parsed rule file (``where`` names it in errors)."""
    failures = tuple(
        FailureRule(
            str(entry.get("kind", "not an article")),
            _compile_patterns(_strings(entry, "patterns", at), at),
            "title" if entry.get("where") == "title" else "text",
        )
        for entry, at in _entries(data, "failure", where)
    )
    rules = RuleSet(
        drop=_selector(data, "drop", where, guarded=True),
        drop_always=_selector(data, "drop", where, guarded=False),
        content=_selector(data, "content", where),
        standfirst=_selector(data, "standfirst", where),
        caption=_selector(data, "caption", where),
        caption_patterns=_patterns(data, "caption", where),
        line_patterns=_patterns(data, "line", where),
        stop_patterns=_patterns(data, "stop", where),
        failures=failures,
    )
    site = data.get("site")
    if site is None:
        return rules
    if not isinstance(site, dict):
        raise RuleError(f"{where}: [site] must be a table")
    domains = tuple(
        d.lower().strip(".") for d in _strings(site, "domains", f"{where} [site]")
    )
    if not domains:
        raise RuleError(f"{where}: [site] needs domains = [...]")
    return RuleSet(sites=(SiteRules(str(site.get("name", where)), domains, rules),))


def load_rule_file(path: Path) -> RuleSet:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"cannot read rule file {path}: {exc}") from exc
    return parse_rules(data, str(path))


def load_rules(extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """The packaged rules plus every ``*.toml`` file in ``extra_dirs`` (in name order)."""
    rules = default_rules()
    for folder in extra_dirs:
        if not folder.is_dir():
            raise RuleError(f"rule folder {folder} does not exist")
        for path in sorted(folder.glob("*.toml")):
            logger.debug("loading rules from %s", path)
            rules = rules.merged(load_rule_file(path))
    return rules


@cache
def default_rules() -> RuleSet:
    """The rules shipped with the package (read once; the result is immutable)."""
    rules = RuleSet()
    for path in sorted(PACKAGED_RULES.glob("*.toml")):
        rules = rules.merged(load_rule_file(path))
    return rules
