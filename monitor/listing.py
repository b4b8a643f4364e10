"""Lists over the stored history for the CLI, the web page, the feed and the API.

Every list is paged (``limit``/``offset``) and returns frozen dataclasses with a ``to_dict()``
giving the JSON field names the CLI's ``--json`` and the web API share.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, String, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, defer

from monitor.models import Article, Change, Paragraph, Source, Version

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
EXPORT_BATCH = 500


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleFilter:
    """Which articles to list; every field left empty matches all."""

    source: str | None = None
    topic: str | None = None  # a relevance term, or a keyword in the title
    since: datetime | None = None  # a version (new or edited) recorded at or after
    changed_only: bool = False  # at least two versions


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleSummary:
    """One article in a list."""

    id: int
    url: str
    source: str
    title: str
    status: str
    versions: int
    first_seen_at: datetime
    last_checked_at: datetime
    published_at: str | None
    relevance: float
    relevance_terms: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "article_id": self.id,
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "status": self.status,
            "versions": self.versions,
            "first_seen_at": _iso(self.first_seen_at),
            "last_checked_at": _iso(self.last_checked_at),
            "published_at": self.published_at,
            "relevance": round(self.relevance, 4),
            "relevance_terms": list(self.relevance_terms),
        }


def _article_query(filt: ArticleFilter) -> Select[Article, str]:
    query = select(Article, Source.name).join(Source, Source.id == Article.source_id)
    if filt.source:
        query = query.where(Source.name == filt.source)
    if filt.topic:
        query = query.where(
            or_(
                Article.title.icontains(filt.topic, autoescape=True),
                cast(Article.relevance_terms, String).icontains(
                    f'"{filt.topic}"', autoescape=True
                ),
            )
        )
    if filt.since:
        query = query.where(
            exists().where(
                Version.article_id == Article.id, Version.fetched_at >= filt.since
            )
        )
    if filt.changed_only:
        query = query.where(Article.version_count > 1)
    return query


def list_articles(
    session: Session,
    filt: ArticleFilter,
    *,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> list[ArticleSummary]:
    """Articles matching ``filt``, most recently discovered first."""
    query = _article_query(filt).order_by(Article.id.desc())
    rows = session.execute(query.limit(_bounded(limit)).offset(offset)).all()
    return [_article_summary(row[0], row[1]) for row in rows]


def get_article(session: Session, article_id: int) -> ArticleSummary | None:
    """One article by id, or None."""
    row = session.execute(
        select(Article, Source.name)
        .join(Source, Source.id == Article.source_id)
        .where(Article.id == article_id)
    ).first()
    return _article_summary(row[0], row[1]) if row else None


def _article_summary(article: Article, source: str) -> ArticleSummary:
    return ArticleSummary(
        id=article.id,
        url=article.canonical_url,
        source=source,
        title=article.title,
        status=article.status,
        versions=article.version_count,
        first_seen_at=article.first_seen_at,
        last_checked_at=article.last_checked_at,
        published_at=article.published_at,
        relevance=article.relevance,
        relevance_terms=tuple(article.relevance_terms or ()),
    )


def _bounded(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeSummary:
    """One change in a list (the same fields as ``defwatch changes --json``, plus ids)."""

    change_id: int
    article_id: int
    url: str
    source: str
    title: str
    from_version: int | None
    to_version: int | None
    detected_at: datetime
    kind: str
    kinds: tuple[str, ...]
    summary: str
    significance: float
    words_added: int
    words_removed: int
    alerted: bool

    @property
    def is_edit(self) -> bool:
        """True when the change goes from one version to another (a diff exists)."""
        return self.from_version is not None and self.to_version is not None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "change_id": self.change_id,
            "article_id": self.article_id,
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "detected_at": _iso(self.detected_at),
            "kind": self.kind,
            "kinds": list(self.kinds),
            "summary": self.summary,
            "significance": round(self.significance, 4),
            "words_added": self.words_added,
            "words_removed": self.words_removed,
            "alerted": self.alerted,
        }


def _change_query() -> Select[Change, str, str, str, int, int]:
    old, new = aliased(Version), aliased(Version)
    return (
        select(
            Change,
            Article.canonical_url,
            Article.title,
            Source.name,
            old.number,
            new.number,
        )
        .join(Article, Article.id == Change.article_id)
        .join(Source, Source.id == Article.source_id)
        .outerjoin(old, old.id == Change.from_version_id)
        .outerjoin(new, new.id == Change.to_version_id)
        .options(
            defer(Change.report)
        )  # the stored diff can be large; lists never show it
    )


def list_changes(
    session: Session,
    *,
    source: str | None = None,
    article_id: int | None = None,
    since: datetime | None = None,
    edits_only: bool = False,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> list[ChangeSummary]:
    """Changes, newest first: all, one source's, or one article's."""
    query = _change_query()
    if source:
        # a correlated test, not a join filter: the planner then walks the detected_at index
        # newest first and stops at the page, instead of sorting all of a source's changes
        owner, named = aliased(Article), aliased(Source)
        article_source = (
            select(owner.source_id)
            .where(owner.id == Change.article_id)
            .correlate(Change)
            .scalar_subquery()
        )
        source_id = (
            select(named.id)
            .where(named.name == source)
            .correlate(None)
            .scalar_subquery()
        )
        query = query.where(article_source == source_id)
    if article_id is not None:
        query = query.where(Change.article_id == article_id)
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if edits_only:
        query = query.where(Change.kind != "new")
    query = query.order_by(Change.detected_at.desc(), Change.id.desc())
    rows = session.execute(query.limit(_bounded(limit)).offset(offset)).all()
    return [_change_summary(*row) for row in rows]


def get_change(session: Session, change_id: int) -> ChangeSummary | None:
    """One change by id, or None."""
    query = _change_query().where(Change.id == change_id)
    row = session.execute(query).first()
    return _change_summary(*row) if row else None


def _change_summary(
    change: Change,
    url: str,
    title: str,
    source: str,
    from_number: int | None,
    to_number: int | None,
) -> ChangeSummary:
    return ChangeSummary(
        change_id=change.id,
        article_id=change.article_id,
        url=url,
        source=source,
        title=title,
        from_version=from_number,
        to_version=to_number,
        detected_at=change.detected_at,
        kind=change.kind,
        kinds=tuple(change.kinds or ()),
        summary=change.summary,
        significance=change.significance,
        words_added=change.words_added,
        words_removed=change.words_removed,
        alerted=change.is_alerted,
    )


def source_names(session: Session) -> list[str]:
    """Every source name, alphabetically."""
    return list(session.scalars(select(Source.name).order_by(Source.name)))


def count_articles(session: Session, filt: ArticleFilter) -> int:
    """How many articles match ``filt`` (for page counts)."""
    inner = _article_query(filt).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionRecord:
    """One stored version with its text, for export and the API."""

    article_id: int
    url: str
    version: int
    fetched_at: datetime
    title: str
    standfirst: tuple[str, ...]
    authors: tuple[str, ...]
    body: tuple[str, ...]
    published_at: str | None
    modified_at: str | None
    content_hash: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``text``: the body, paragraphs separated by a blank line)."""
        return {
            "article_id": self.article_id,
            "url": self.url,
            "version": self.version,
            "fetched_at": _iso(self.fetched_at),
            "title": self.title,
            "standfirst": list(self.standfirst),
            "authors": list(self.authors),
            "text": "\n\n".join(self.body),
            "published_at": self.published_at,
            "modified_at": self.modified_at,
            "content_hash": self.content_hash,
        }


def iter_versions(
    session: Session, *, article_id: int | None = None, batch: int = EXPORT_BATCH
) -> Iterator[VersionRecord]:
    """Every version (of one article, or of all), in id order, read in batches."""
    last_id = 0
    while True:
        query = (
            select(Version, Article.canonical_url)
            .join(Article, Article.id == Version.article_id)
            .where(Version.id > last_id)
            .order_by(Version.id)
            .limit(batch)
        )
        if article_id is not None:
            query = query.where(Version.article_id == article_id)
        rows = session.execute(query).all()
        if not rows:
            return
        wanted = {pid for row in rows for pid in row[0].body_ids}
        texts = _paragraph_texts(session, wanted)
        for version, url in rows:
            yield _version_record(version, url, texts)
        last_id = rows[-1][0].id


def _version_record(version: Version, url: str, texts: dict[int, str]) -> VersionRecord:
    return VersionRecord(
        article_id=version.article_id,
        url=url,
        version=version.number,
        fetched_at=version.fetched_at,
        title=version.title,
        standfirst=tuple(version.standfirst),
        authors=tuple(version.authors),
        body=tuple(texts[i] for i in version.body_ids),
        published_at=version.published_at,
        modified_at=version.modified_at,
        content_hash=version.content_hash,
    )


def iter_all(
    session: Session, what: str, *, batch: int = EXPORT_BATCH
) -> Iterator[dict[str, object]]:
    """Every article, version or change as JSON-ready dicts, oldest first (``defwatch export``).

    Read in batches keyed on the id (not OFFSET), so exporting a million rows stays linear.
    """
    if what == "versions":
        yield from (v.to_dict() for v in iter_versions(session, batch=batch))
        return
    last_id = 0
    while True:
        page: list[ArticleSummary] | list[ChangeSummary]
        if what == "articles":
            rows = session.execute(
                _article_query(ArticleFilter())
                .where(Article.id > last_id)
                .order_by(Article.id)
                .limit(batch)
            ).all()
            page = [_article_summary(row[0], row[1]) for row in rows]
            ids = [a.id for a in page]
        else:
            change_rows = session.execute(
                _change_query()
                .where(Change.id > last_id)
                .order_by(Change.id)
                .limit(batch)
            ).all()
            page = [_change_summary(*row) for row in change_rows]
            ids = [c.change_id for c in page]
        yield from (item.to_dict() for item in page)
        if len(page) < batch:
            return
        last_id = ids[-1]


def versions_with_text(session: Session, article_id: int) -> list[VersionRecord]:
    """Every version of one article with its text, oldest first (two queries)."""
    rows = session.execute(
        select(Version, Article.canonical_url)
        .join(Article, Article.id == Version.article_id)
        .where(Version.article_id == article_id)
        .order_by(Version.number)
    ).all()
    wanted = {pid for row in rows for pid in row[0].body_ids}
    texts = _paragraph_texts(session, wanted)
    return [_version_record(version, url, texts) for version, url in rows]


def _paragraph_texts(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(
        select(Paragraph.id, Paragraph.text).where(Paragraph.id.in_(ids))
    )
    return dict(rows.all())
