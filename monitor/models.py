"""The stored history: SQLAlchemy 2 models. ORM objects never leave the monitor package.

Article text is stored compactly: a version keeps its title and standfirst inline and its body as a
list of paragraph ids; each distinct paragraph of an article is stored once (``paragraphs``), so a
version that changed one paragraph costs one paragraph, not the whole article again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Base of every defwatch table."""


class Source(Base):
    """A news source from the config, or ``urls`` for articles watched directly."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Article(Base):
    """One article, however it is reached; identified by its canonical URL."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(
        String(20), default="active"
    )  # active | removed
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_check_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), index=True
    )
    published_at: Mapped[str | None] = mapped_column(String(40))
    relevance: Mapped[float] = mapped_column(Float, default=0.0)
    relevance_terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_relevant: Mapped[bool] = mapped_column(Boolean, default=True)
    version_count: Mapped[int] = mapped_column(Integer, default=0)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    raw_html_hash: Mapped[str | None] = mapped_column(String(64))
    held_failures: Mapped[int] = mapped_column(
        Integer, default=0
    )  # consecutive failed extractions

    source: Mapped[Source] = relationship()
    urls: Mapped[list[ArticleUrl]] = relationship(back_populates="article")


class ArticleUrl(Base):
    """Every URL an article was reached by (requested, redirected to, canonical, old slugs)."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)

    article: Mapped[Article] = relationship(back_populates="urls")


class Paragraph(Base):
    """One distinct paragraph text of one article, shared by every version that has it."""

    __tablename__ = "paragraphs"
    __table_args__ = (UniqueConstraint("article_id", "hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    hash: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)


class Version(Base):
    """One distinct content of an article, stored only when its fingerprint changed."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per article
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    url: Mapped[str] = mapped_column(String(2000))
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    standfirst: Mapped[list[str]] = mapped_column(JSON)
    authors: Mapped[list[str]] = mapped_column(JSON)
    body_ids: Mapped[list[int]] = mapped_column(JSON)  # paragraph ids in reading order
    body_kinds: Mapped[list[str]] = mapped_column(JSON)
    captions: Mapped[list[str]] = mapped_column(JSON)
    published_at: Mapped[str | None] = mapped_column(String(40))
    modified_at: Mapped[str | None] = mapped_column(String(40))
    http_status: Mapped[int] = mapped_column(Integer)
    raw_html_hash: Mapped[str] = mapped_column(String(64))
    raw_html_z: Mapped[bytes] = mapped_column(
        LargeBinary
    )  # zlib-compressed, kept as evidence
    cleaner_version: Mapped[str] = mapped_column(String(20))


class Change(Base):
    """Something that happened to an article: an edit between two versions, a removal, a return."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    event_key: Mapped[str] = mapped_column(
        String(100), unique=True
    )  # idempotent writes
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    from_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    to_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    kind: Mapped[str] = mapped_column(String(40))
    kinds: Mapped[list[str]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    significance: Mapped[float] = mapped_column(Float, default=0.0)
    words_added: Mapped[int] = mapped_column(Integer, default=0)
    words_removed: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, object]] = mapped_column(JSON)
    is_alerted: Mapped[bool] = mapped_column(
        Boolean
    )  # passed the source's alert policy
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class CrawlRun(Base):
    """One pass of the crawler: when, what it found, what failed."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))  # source names, or "urls"
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(
        String(20), default="running"
    )  # running|ok|partial|failed
    pages: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    versions_new: Mapped[int] = mapped_column(Integer, default=0)
    changes_new: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped_irrelevant: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)


class CrawlIssue(Base):
    """A page that failed (error) or was held back (warning) during a crawl run."""

    __tablename__ = "crawl_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    source: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    severity: Mapped[str] = mapped_column(String(10))  # error | warning
    http_status: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Delivery(Base):
    """The outbox: one alert of one change to one channel, sent at most once."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("change_id", "channel"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"))
    channel: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(
        String(20), default="pending"
    )  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # lease: the sender that set status 'sending' and until when; another sender may take over a
    # 'sending' row only once the lease has run out (or its process is gone), never before
    claimed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )
    # digest channels: the period boundary (UTC, ISO) after which this change goes out in one
    # message with every other change of the same channel and period; None: sent on its own
    digest_period: Mapped[str | None] = mapped_column(String(40), default=None)


class HealthAlert(Base):
    """A source went unhealthy (``site_broken``) or recovered (``site_recovered``), per channel.

    Its own small outbox: health is about a source, not an article, so it has no Change row.
    ``episode`` ties the alerts of one outage together (one broken + one recovered alert each).
    """

    __tablename__ = "health_alerts"
    __table_args__ = (
        UniqueConstraint("episode", "kind", "channel"),
        Index("ix_health_alerts_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    episode: Mapped[str] = mapped_column(String(200))  # "<source>:<detected at, ISO>"
    kind: Mapped[str] = mapped_column(String(40))  # site_broken | site_recovered
    channel: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(
        String(20), default="pending"
    )  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LearnedLine(Base):
    """A line learned to repeat across a source's articles (a slogan, a promo, a trust banner).

    The cleaner drops it from that source's pages. ``articles`` of the ``sampled`` latest versions
    had it when the source was last relearned, which rewrites the source's rows; ``learned_at`` is
    when the line was first learned (monitor.boilerplate).
    """

    __tablename__ = "learned_lines"
    __table_args__ = (UniqueConstraint("source_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    line: Mapped[str] = mapped_column(Text)  # normalised (crawler.cleaning.text.norm)
    articles: Mapped[int] = mapped_column(Integer)
    sampled: Mapped[int] = mapped_column(Integer)
    learned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
