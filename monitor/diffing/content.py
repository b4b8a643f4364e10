"""ArticleContent: the fields of one version that are compared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class HasContent(Protocol):
    """Anything that holds an article's compared fields: a cleaned page, a stored version."""

    @property
    def title(self) -> str: ...
    @property
    def standfirst(self) -> tuple[str, ...]: ...
    @property
    def body(self) -> tuple[str, ...]: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def modified_at(self) -> str | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleContent:
    """What a reader sees of one version: the fields compared between versions."""

    title: str = ""
    standfirst: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    modified_at: str | None = None

    @classmethod
    def of(cls, source: HasContent) -> ArticleContent:
        """The compared fields of a cleaned page or of a stored version."""
        return cls(
            title=source.title,
            standfirst=source.standfirst,
            body=source.body,
            authors=source.authors,
            modified_at=source.modified_at,
        )

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by a blank line."""
        return "\n\n".join(self.body)
