"""Learned boilerplate: the lines a source repeats across its articles, learned from the store.

After a crawl run, each source that stored a new version is relearned from the latest versions of
its newest active articles (``crawler.cleaning.learn_boilerplate``); the crawl hands each source's
lines to the cleaner, which drops them from that source's pages. A version stored before a line
was learned still holds it: ``without_lines`` drops it there too before a fetch is compared, so
learning alone never makes a version or an alert.

A learned line is kept when a relearning no longer finds it: articles cleaned since it was learned
lack it because the cleaner drops it, not because the site stopped printing it. Forgetting it
would bring it back into every page's next version as an edit.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.cleaning import learn_boilerplate
from crawler.cleaning.learn import MAX_LINE
from crawler.cleaning.text import norm
from monitor.config import URLS_SOURCE
from monitor.db import session_scope
from monitor.diffing import ArticleContent
from monitor.errors import MonitorError
from monitor.models import Article, Change, LearnedLine, Paragraph, Source, Version

logger = logging.getLogger(__name__)

SAMPLE_ARTICLES = 200  # the newest active articles of a source a relearning reads
MIN_DOCS = 5
MIN_SHARE = 0.3


class UnknownSourceError(MonitorError):
    """No stored source has the name given."""


class NotASiteError(MonitorError):
    """The source of articles watched directly (``urls``) mixes sites: nothing is learned."""


@dataclass(frozen=True, slots=True)
class Learned:
    """One learned line of a source: in how many of how many sampled articles, since when."""

    source: str
    line: str
    articles: int
    sampled: int
    learned_at: datetime


@dataclass(frozen=True, slots=True)
class Relearned:
    """What one relearning of a source found."""

    source: str
    sampled: int
    lines: tuple[Learned, ...]


def sample_bodies(
    session: Session, source_id: int, limit: int = SAMPLE_ARTICLES
) -> list[list[str]]:
    """The short body paragraphs of the latest version of a source's newest ``limit`` active
    articles, the only ones that can be learned (``crawler.cleaning.learn.MAX_LINE``).

    Two queries: the sampled versions' paragraph ids, then those articles' short paragraphs (the
    stored text is the cleaner's, already normalised: its length is the learned line's).
    """
    rows = session.execute(
        select(Article.id, Version.body_ids)
        .join(
            Version,
            (Version.article_id == Article.id)
            & (Version.number == Article.version_count),
        )
        .where(
            Article.source_id == source_id,
            Article.status == "active",
            Article.version_count > 0,
        )
        .order_by(Article.first_seen_at.desc(), Article.id.desc())
        .limit(limit)
    ).all()
    if not rows:
        return []
    texts = dict(
        session.execute(
            select(Paragraph.id, Paragraph.text).where(
                Paragraph.article_id.in_([article_id for article_id, _ in rows]),
                func.length(Paragraph.text) <= MAX_LINE,
            )
        ).all()
    )
    return [[texts[i] for i in body_ids if i in texts] for _, body_ids in rows]


def relearn_source(
    session: Session,
    source: Source,
    now: datetime,
    *,
    limit: int = SAMPLE_ARTICLES,
    min_docs: int = MIN_DOCS,
    min_share: float = MIN_SHARE,
) -> Relearned:
    """Learn the source's lines from its stored articles and rewrite its rows: counts from this
    sample; a line learned before keeps its first ``learned_at`` and stays (see above)."""
    # stored paragraphs are the cleaner's normalised lines: learned lines are found in them as is
    docs = [frozenset(body) for body in sample_bodies(session, source.id, limit)]
    fresh = learn_boilerplate(
        (tuple(doc) for doc in docs), min_docs=min_docs, min_share=min_share
    )
    kept = {
        row.line: _utc(row.learned_at)
        for row in session.scalars(
            select(LearnedLine).where(LearnedLine.source_id == source.id)
        )
    }
    lines = tuple(
        Learned(
            source=source.name,
            line=line,
            articles=sum(1 for doc in docs if line in doc),
            sampled=len(docs),
            learned_at=kept.get(line, now),
        )
        for line in sorted(fresh | kept.keys())
    )
    session.execute(delete(LearnedLine).where(LearnedLine.source_id == source.id))
    if lines:
        session.execute(
            insert(LearnedLine),
            [
                {
                    "source_id": source.id,
                    "line": item.line,
                    "articles": item.articles,
                    "sampled": item.sampled,
                    "learned_at": item.learned_at,
                }
                for item in lines
            ],
        )
    logger.info(
        "source %s: %d boilerplate lines learned from %d articles (%d new)",
        source.name,
        len(lines),
        len(docs),
        len(fresh - kept.keys()),
    )
    return Relearned(source.name, len(docs), lines)


def relearn(
    factory: sessionmaker[Session], names: Sequence[str] = ()
) -> list[Relearned]:
    """Relearn the named sources (every stored source when none is named), one transaction each."""
    if URLS_SOURCE in names:
        raise NotASiteError(
            f"{URLS_SOURCE!r} holds the articles watched directly, from any site: nothing is "
            "learned for it"
        )
    with session_scope(factory) as session:
        query = select(Source).where(Source.name != URLS_SOURCE).order_by(Source.name)
        if names:
            query = query.where(Source.name.in_(list(names)))
        sources = [(s.id, s.name) for s in session.scalars(query)]
    missing = sorted(set(names) - {name for _, name in sources})
    if missing:
        raise UnknownSourceError(
            f"no stored source named {', '.join(map(repr, missing))} (see: defwatch status)"
        )
    return [_relearn_one(factory, source_id) for source_id, _ in sources]


def _relearn_one(factory: sessionmaker[Session], source_id: int) -> Relearned:
    """Relearn one source under a lock of its row: two processes relearning it take turns.

    ``FOR NO KEY UPDATE`` on PostgreSQL: a crawl inserting the source's articles meanwhile
    (which takes a key-share lock on it) is not held up. SQLite lets one writer in anyway.
    """
    with session_scope(factory) as session:
        source = session.scalars(
            select(Source).where(Source.id == source_id).with_for_update(key_share=True)
        ).one()
        return relearn_source(session, source, datetime.now(UTC))


def sources_with_new_versions(session: Session, run_id: int) -> list[int]:
    """Ids of the sources an article of which got a new version (or its first) in this run.

    Not ``urls``: articles watched directly come from any site, and a line they share is not
    one site's boilerplate (the same article at several URLs would be learned as its own).
    """
    return list(
        session.scalars(
            select(Article.source_id)
            .join(Change, Change.article_id == Article.id)
            .join(Source, Source.id == Article.source_id)
            .where(
                Change.run_id == run_id,
                Source.name != URLS_SOURCE,
                Change.to_version_id.is_not(None),
                or_(
                    Change.from_version_id.is_(None),
                    Change.from_version_id != Change.to_version_id,
                ),
            )
            .distinct()
        )
    )


def relearn_after_run(factory: sessionmaker[Session], run_id: int) -> list[Relearned]:
    """Relearn the sources that stored something new in the run; an unchanged run costs one query."""
    with session_scope(factory) as session:
        source_ids = sources_with_new_versions(session, run_id)
    return [_relearn_one(factory, source_id) for source_id in sorted(source_ids)]


def learned_by_source(
    session: Session, names: Collection[str]
) -> dict[str, frozenset[str]]:
    """The learned lines of each named source that has any."""
    found: dict[str, set[str]] = {}
    for name, line in session.execute(
        select(Source.name, LearnedLine.line)
        .join(LearnedLine, LearnedLine.source_id == Source.id)
        .where(Source.name.in_(list(names)))
    ):
        found.setdefault(name, set()).add(line)
    return {name: frozenset(lines) for name, lines in found.items()}


def list_learned(session: Session, name: str | None = None) -> list[Learned]:
    """Every learned line (of one source when named), by source then line."""
    query = (
        select(Source.name, LearnedLine)
        .join(LearnedLine, LearnedLine.source_id == Source.id)
        .order_by(Source.name, LearnedLine.line)
    )
    if name is not None:
        if session.scalar(select(Source.id).where(Source.name == name)) is None:
            raise UnknownSourceError(
                f"no stored source named {name!r} (see: defwatch status)"
            )
        query = query.where(Source.name == name)
    return [
        Learned(
            source=source,
            line=row.line,
            articles=row.articles,
            sampled=row.sampled,
            learned_at=_utc(row.learned_at),
        )
        for source, row in session.execute(query)
    ]


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def without_lines(content: ArticleContent, learned: Iterable[str]) -> ArticleContent:
    """``content`` without the body paragraphs that are learned lines (itself when it has none)."""
    lines = frozenset(learned)
    if not lines:
        return content
    body = tuple(p for p in content.body if norm(p) not in lines)
    return content if len(body) == len(content.body) else replace(content, body=body)
