"""The cleaner's result: the contract between the cleaner and everything downstream."""

from __future__ import annotations

from dataclasses import dataclass, field

# Bump whenever a change to the cleaner can change its output for some page: the monitor re-cleans
# the previous version's raw HTML before comparing, so an upgrade never looks like an edit.
CLEANER_VERSION = "4"


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanArticle:
    """One article as a reader sees it, without ads, widgets and page chrome.

    ``body`` holds the paragraphs in reading order; ``body_kinds`` says what each one is
    ("p", "h2".."h6", "li", "blockquote", "pre"), so structure survives without markup.
    ``failure`` is set (and the text fields may be empty) when the page is not an article
    the cleaner could extract: a consent wall, a paywall stub, an error page, binary data.
    """

    title: str = ""
    standfirst: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    body_kinds: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    published_at: str | None = (
        None  # ISO 8601 as the page gave it, normalised when parseable
    )
    modified_at: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    failure: str | None = None
    removed: tuple[str, ...] = field(
        default=(), compare=False
    )  # boilerplate lines dropped (debug)

    @property
    def text(self) -> str:
        """The body as plain text: paragraphs separated by one blank line."""
        return "\n\n".join(self.body)

    @property
    def is_failure(self) -> bool:
        """True when extraction failed and the fields must not be taken as the article."""
        return self.failure is not None
