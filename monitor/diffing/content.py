"""ArticleContent: the fields of one version that are compared."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleContent:
    """What a reader sees of one version: the fields compared between versions."""

    title: str = ""
    standfirst: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    modified_at: str | None = None

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by a blank line."""
        return "\n\n".join(self.body)
