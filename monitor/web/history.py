"""An article's timeline and the diff between two of its versions, ready for the templates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from monitor.diffing import ArticleContent, ChangeReport, diff_contents
from monitor.listing import (
    ArticleSummary,
    ChangeSummary,
    VersionRecord,
    get_article,
    list_changes,
    versions_with_text,
)
from monitor.web.chart import Chart, Point, timeline_chart

MAX_CHANGES_SHOWN = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """An article, its versions (oldest first), its changes (newest first) and the chart."""

    article: ArticleSummary
    versions: tuple[VersionRecord, ...]
    changes: tuple[ChangeSummary, ...]
    chart: Chart | None

    def words(self, version: VersionRecord) -> int:
        """How many words the version's body has."""
        return sum(len(p.split()) for p in version.body)


def timeline(session: Session, article_id: int) -> Timeline | None:
    """The timeline of one article, or None if there is no such article."""
    article = get_article(session, article_id)
    if article is None:
        return None
    versions = versions_with_text(session, article_id)
    changes = list_changes(session, article_id=article_id, limit=MAX_CHANGES_SHOWN)
    changed = {
        c.to_version: c.words_added + c.words_removed
        for c in changes
        if c.to_version is not None
    }
    points = [
        Point(version=v.version, at=v.fetched_at, words=changed.get(v.version, 0))
        for v in versions
    ]
    return Timeline(
        article=article,
        versions=tuple(versions),
        changes=tuple(changes),
        chart=timeline_chart(points),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionPair:
    """Two versions of one article and the report of what changed between them."""

    old: VersionRecord
    new: VersionRecord
    report: ChangeReport


def version_pair(
    line: Timeline, from_number: int, to_number: int
) -> VersionPair | None:
    """The diff of two versions of the timeline's article; None when either does not exist."""
    by_number = {v.version: v for v in line.versions}
    old, new = by_number.get(from_number), by_number.get(to_number)
    if old is None or new is None:
        return None
    return VersionPair(
        old=old,
        new=new,
        report=diff_contents(ArticleContent.of(old), ArticleContent.of(new)),
    )
