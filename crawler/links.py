"""Which discovered links a source's spider follows: domains, article patterns, deny patterns.

Public API::

    LinkRules.for_source(spec) -> LinkRules     raises SourceConfigError for a bad pattern
    rules.follows(url, listed=False) -> bool

``listed=True`` is for URLs that a feed or a news sitemap lists: those are articles by the
publisher's own account, so without article patterns only the exclusions apply (no tag pages,
no files), not the slug/date/id test that links on a listing page must pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.errors import SourceConfigError
from crawler.sources import SourceSpec
from crawler.urls import host_allowed, host_of, is_excluded_page, looks_like_article


@dataclass(frozen=True, slots=True)
class LinkRules:
    """The link filter of one source."""

    domains: frozenset[str]
    article_patterns: tuple[re.Pattern[str], ...] = ()
    deny_patterns: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def for_source(cls, spec: SourceSpec) -> LinkRules:
        """The rules of ``spec``: its allowed domains, else the hosts of its URLs."""
        domains = {
            d.lower().strip().lstrip(".") for d in spec.allowed_domains if d.strip()
        }
        if not domains:
            urls = (
                *spec.feeds,
                *spec.sitemaps,
                *spec.listing_pages,
                *spec.article_urls,
            )
            domains = {host for url in urls if (host := host_of(url))}
        return cls(
            domains=frozenset(domains),
            article_patterns=_compile(
                spec.article_patterns, spec.name, "article_patterns"
            ),
            deny_patterns=_compile(spec.deny_patterns, spec.name, "deny_patterns"),
        )

    def follows(self, url: str, *, listed: bool = False) -> bool:
        """True when ``url`` is an article link of this source that the spider should fetch."""
        try:
            return self._follows(url, listed=listed)
        except ValueError:  # a malformed URL ("http://[oops") is never followed
            return False

    def _follows(self, url: str, *, listed: bool) -> bool:
        if not host_allowed(url, self.domains):
            return False
        if any(p.search(url) for p in self.deny_patterns):
            return False
        if self.article_patterns:
            return any(p.search(url) for p in self.article_patterns)
        return not is_excluded_page(url) if listed else looks_like_article(url)

    def in_domain(self, url: str) -> bool:
        """True when ``url`` is inside the source's allowed domains (for sitemaps of an index)."""
        try:
            return host_allowed(url, self.domains)
        except ValueError:
            return False


def _compile(
    patterns: tuple[str, ...], source: str, field: str
) -> tuple[re.Pattern[str], ...]:
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise SourceConfigError(
                f"source {source!r}: {field} has an invalid regex {pattern!r}: {exc}"
            ) from exc
    return tuple(compiled)
