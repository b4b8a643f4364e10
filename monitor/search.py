"""Full-text search over every stored version: SQLite FTS5, or PostgreSQL full text.

What is indexed: each distinct paragraph of an article (table ``paragraphs``, stored once however
many versions hold it) and the title and standfirst of each version. A hit on a paragraph is
mapped back to the versions whose ``body_ids`` list it, so text that a later edit removed is still
found, and the result says which versions had it.

SQLite: ``paragraphs_fts`` is an FTS5 *external-content* table over ``paragraphs`` (the text is
not stored twice); ``versions_fts`` is a *contentless* FTS5 table over the versions' title and
standfirst. Triggers keep both in sync, except for new rows: their writers index new paragraphs
with ``index_paragraphs`` and new versions with ``index_versions``, once per batch (one FTS5
insert per row, as a trigger does, costs about five times more; a trigger on new versions
was half the cost of storing them). PostgreSQL: GIN expression indexes on
``to_tsvector('english', ...)`` (paragraph text and version titles), queried with
``plainto_tsquery`` and ordered by ``ts_rank``. Other dialects: no index, and ``search`` raises
SearchUnavailableError.

Query syntax: the user's words, all required, in any order (quotes and operators are taken as
plain words). Order of results on SQLite: body paragraphs, newest stored first, then titles and
standfirsts; a title or standfirst shared by several versions is one hit naming all of them.
"""

from __future__ import annotations

import json
import logging
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, TextClause, bindparam, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from monitor.errors import MonitorError
from monitor.models import Article, Source, Version

logger = logging.getLogger(__name__)

# The statements that create the SQLite index; every one is idempotent (IF NOT EXISTS).
_SQLITE_DDL = (
    (
        "CREATE VIRTUAL TABLE IF NOT EXISTS paragraphs_fts USING fts5("
        "text, content='paragraphs', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS paragraphs_fts_ad AFTER DELETE ON paragraphs BEGIN "
        "INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS paragraphs_fts_au AFTER UPDATE OF text ON paragraphs BEGIN "
        "INSERT INTO paragraphs_fts(paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text); "
        "INSERT INTO paragraphs_fts(rowid, text) VALUES (new.id, new.text); END"
    ),
    # contentless: the title and standfirst stay inline in ``versions`` only
    (
        "CREATE VIRTUAL TABLE IF NOT EXISTS versions_fts USING fts5("
        "title, standfirst, content='', tokenize='unicode61 remove_diacritics 2')"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS versions_fts_ad AFTER DELETE ON versions BEGIN "
        "INSERT INTO versions_fts(versions_fts, rowid, title, standfirst) VALUES ('delete', old.id, "
        "old.title, (SELECT group_concat(value, ' ') FROM json_each(old.standfirst))); END"
    ),
)

# What versions_fts holds of each version: its title, and its standfirst's paragraphs as one text.
_VERSION_ROWS = (
    "INSERT INTO versions_fts(rowid, title, standfirst) SELECT id, title, "
    "(SELECT group_concat(value, ' ') FROM json_each(versions.standfirst)) FROM versions"
)
# Filling the index from rows stored before it existed (or by a bulk load that skipped it).
_SQLITE_FILL = (
    "INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('rebuild')",
    f"{_VERSION_ROWS} ORDER BY id",
)

_PG_DDL = (
    (
        "CREATE INDEX IF NOT EXISTS ix_paragraphs_text_fts ON paragraphs "
        "USING gin (to_tsvector('english', text))"
    ),
    (
        "CREATE INDEX IF NOT EXISTS ix_versions_title_fts ON versions "
        "USING gin (to_tsvector('english', title))"
    ),
)

_INDEX_PARAGRAPHS = text(
    "INSERT INTO paragraphs_fts(rowid, text) SELECT id, text FROM paragraphs WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
# rowids in ascending order: FTS5 starts a new segment whenever a rowid is not above the last one
_INDEX_ARTICLE_PARAGRAPHS = text(
    "INSERT INTO paragraphs_fts(rowid, text) SELECT id, text FROM paragraphs "
    "WHERE article_id IN :ids ORDER BY id"
).bindparams(bindparam("ids", expanding=True))
_INDEX_VERSIONS = text(f"{_VERSION_ROWS} WHERE id IN :ids ORDER BY id").bindparams(
    bindparam("ids", expanding=True)
)
_IDS_PER_STATEMENT = 10_000  # well under SQLite's limit of bound parameters
_INDEXED: weakref.WeakSet[Engine] = (
    weakref.WeakSet()
)  # engines whose store has the index

DEFAULT_LIMIT = 50
_WORD = re.compile(r"\w+", re.UNICODE)


class SearchUnavailableError(MonitorError):
    """The database has no full-text index (an unsupported dialect, or a read-only fresh file)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    """One matching piece of text: where it is, and which versions of the article held it."""

    article_id: int
    url: str
    title: str  # the article's current title
    source: str
    field: str  # body | title | standfirst
    text: str  # the matching paragraph / title / standfirst
    versions: tuple[int, ...]  # version numbers that contain it, oldest first
    latest_version: int
    paragraph_id: int | None = None

    @property
    def in_latest(self) -> bool:
        """False when a later edit removed the text."""
        return self.latest_version in self.versions

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the CLI's and the API's field names)."""
        return {
            "article_id": self.article_id,
            "url": self.url,
            "title": self.title,
            "source": self.source,
            "field": self.field,
            "text": self.text,
            "versions": list(self.versions),
            "latest_version": self.latest_version,
            "in_latest": self.in_latest,
        }


def ensure_search_index(engine: Engine) -> None:
    """Create the full-text index if it is missing (filling it from stored rows); idempotent."""
    dialect = engine.dialect.name
    if dialect == "sqlite":
        with engine.begin() as conn:
            _ensure_sqlite(conn)
    elif dialect == "postgresql":
        with engine.begin() as conn:
            for statement in _PG_DDL:
                conn.execute(text(statement))


def index_paragraphs(conn: Connection, paragraph_ids: Sequence[int]) -> None:
    """Add newly stored paragraphs to the full-text index (SQLite; PostgreSQL indexes itself)."""
    _add_to_index(conn, _INDEX_PARAGRAPHS, paragraph_ids)


def index_article_paragraphs(conn: Connection, article_ids: Sequence[int]) -> None:
    """Add every paragraph of new articles (all their paragraphs new) to the full-text index.

    The same as ``index_paragraphs`` with the ids of those paragraphs, binding one id per
    article instead of one per paragraph (a dozen times fewer parameters to render and bind).
    """
    _add_to_index(conn, _INDEX_ARTICLE_PARAGRAPHS, article_ids)


def index_versions(conn: Connection, version_ids: Sequence[int]) -> None:
    """Add newly stored versions' titles and standfirsts to the full-text index (SQLite)."""
    _add_to_index(conn, _INDEX_VERSIONS, version_ids)


def _add_to_index(conn: Connection, statement: TextClause, ids: Sequence[int]) -> None:
    """Run one of the _INDEX_* statements over ``ids``, a bounded number per statement."""
    if conn.dialect.name != "sqlite" or not ids or not _has_index(conn):
        return  # no index yet: ensure_search_index fills it from the stored rows when it builds it
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        conn.execute(statement, {"ids": list(ids[start : start + _IDS_PER_STATEMENT])})


def _has_index(conn: Connection) -> bool:
    """The SQLite store has its paragraph index (remembered per engine once seen)."""
    if conn.engine in _INDEXED:
        return True
    found = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE name = 'paragraphs_fts'")
    ).first()
    if found is not None:
        _INDEXED.add(conn.engine)
    return found is not None


def _ensure_sqlite(conn: Connection) -> None:
    # stores made before index_paragraphs and index_versions indexed new rows through triggers
    conn.execute(text("DROP TRIGGER IF EXISTS paragraphs_fts_ai"))
    conn.execute(text("DROP TRIGGER IF EXISTS versions_fts_ai"))
    present = set(
        conn.execute(
            text(
                "SELECT name FROM sqlite_master WHERE name IN ('paragraphs_fts', 'versions_fts')"
            )
        ).scalars()
    )
    if present == {"paragraphs_fts", "versions_fts"}:
        return
    logger.info("building the full-text search index")
    for statement in _SQLITE_DDL:
        conn.execute(text(statement))
    # each table is filled only when it was just created, so nothing is indexed twice
    if "paragraphs_fts" not in present:
        conn.execute(text(_SQLITE_FILL[0]))
    if "versions_fts" not in present:
        conn.execute(text(_SQLITE_FILL[1]))


def fts5_query(query: str) -> str:
    """A user's words as an FTS5 query: every word must occur (quoted, so no operator syntax)."""
    return " ".join(f'"{word}"' for word in _WORD.findall(query))


@dataclass(frozen=True, slots=True)
class _Match:
    article_id: int
    field: str
    text: str
    paragraph_id: int | None


def search(
    session: Session, query: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> list[SearchHit]:
    """The paragraphs, titles and standfirsts of any version matching every word of ``query``."""
    if not _WORD.search(query):
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        matches = _sqlite_matches(session, query, limit, offset)
    elif dialect == "postgresql":
        matches = _pg_matches(session, query, limit, offset)
    else:
        raise SearchUnavailableError(f"full-text search does not support {dialect}")
    return _hits(session, matches)


def _sqlite_matches(
    session: Session, query: str, limit: int, offset: int
) -> list[_Match]:
    """Body paragraphs first, then versions whose title/standfirst match; newest text first.

    Newest first (not by rank) because FTS5 then stops after ``limit`` matches instead of ranking
    every match of a common word: that keeps a search of a million versions well under 100 ms.
    """
    fts = fts5_query(query)
    wanted = limit + offset
    try:
        body = session.execute(text(_SQLITE_BODY), {"q": fts, "n": wanted}).all()
        heads: Sequence[Row[Any, Any]] = ()
        if len(body) < wanted:
            # one headline is shared by many versions: read enough rows to fill the page
            heads = session.execute(
                text(_SQLITE_HEADS), {"q": fts, "n": HEAD_ROWS_PER_HIT * wanted}
            ).all()
    except OperationalError as exc:
        if "no such table" in str(exc):
            raise SearchUnavailableError(
                "the search index is missing: run any writing defwatch command (e.g. "
                "`defwatch articles`) once to build it"
            ) from exc
        raise
    rows = [("body", r[0], r[1], r[2]) for r in body]
    rows += [("head", r[0], r[1], "") for r in heads]
    return _collect(session, query, rows)[offset : offset + limit]


_SQLITE_BODY = (
    "SELECT p.article_id, p.id, p.text FROM (SELECT rowid FROM paragraphs_fts "
    "WHERE paragraphs_fts MATCH :q ORDER BY rowid DESC LIMIT :n) AS m "
    "JOIN paragraphs p ON p.id = m.rowid ORDER BY p.id DESC"
)
_SQLITE_HEADS = (
    "SELECT v.article_id, v.id FROM (SELECT rowid FROM versions_fts "
    "WHERE versions_fts MATCH :q ORDER BY rowid DESC LIMIT :n) AS m "
    "JOIN versions v ON v.id = m.rowid ORDER BY v.id DESC"
)
HEAD_ROWS_PER_HIT = (
    10  # versions read per headline hit wanted (versions repeat a headline)
)


def _pg_matches(session: Session, query: str, limit: int, offset: int) -> list[_Match]:
    rows = session.execute(
        text(
            "(SELECT 'body' AS field, article_id, id AS ref, text, ts_rank(to_tsvector("
            "'english', text), plainto_tsquery('english', :q)) AS r FROM paragraphs WHERE "
            "to_tsvector('english', text) @@ plainto_tsquery('english', :q) ORDER BY r DESC "
            "LIMIT :n) UNION ALL (SELECT 'head', article_id, id, '', 0 FROM versions WHERE "
            "to_tsvector('english', title) @@ plainto_tsquery('english', :q) LIMIT :n)"
        ),
        {"q": query, "n": limit + offset},
    ).all()
    return _collect(
        session, query, [(r.field, r.article_id, r.ref, r.text) for r in rows]
    )[offset : offset + limit]


def _has_words(haystack: str, query: str) -> bool:
    words = {w.casefold() for w in _WORD.findall(haystack)}
    return all(w.casefold() in words for w in _WORD.findall(query))


def _collect(
    session: Session, query: str, rows: Sequence[tuple[str, int, int, str]]
) -> list[_Match]:
    """Body hits as they are; title/standfirst hits merged per distinct text of an article."""
    matches: list[_Match] = []
    heads: dict[tuple[int, str, str], None] = {}
    head_ids = [ref for field, _a, ref, _t in rows if field == "head"]
    versions = {
        v.id: v
        for v in session.scalars(select(Version).where(Version.id.in_(head_ids)))
    }
    for field, article_id, ref, body_text in rows:
        if field == "body":
            matches.append(_Match(article_id, "body", body_text, ref))
            continue
        version = versions[ref]
        standfirst = _joined(version.standfirst)
        if standfirst and _has_words(standfirst, query):
            heads[(article_id, "standfirst", standfirst)] = None
        if _has_words(version.title, query) or not _has_words(standfirst, query):
            heads[(article_id, "title", version.title)] = None
    matches += [_Match(a, f, t, None) for a, f, t in heads]
    return matches


def _joined(standfirst: Sequence[str]) -> str:
    return " ".join(standfirst)


def _body_versions(
    session: Session, article_ids: set[int], paragraph_ids: set[int]
) -> dict[int, list[int]]:
    """Paragraph id -> numbers of the versions whose body lists it, oldest first."""
    found: dict[int, list[int]] = {}
    if not paragraph_ids:
        return found
    if session.get_bind().dialect.name == "sqlite":
        # unpack body_ids in SQLite itself: no JSON decoding of every version in Python
        rows = session.execute(
            text(
                "SELECT j.value AS pid, v.number FROM versions v, json_each(v.body_ids) j "
                "WHERE v.article_id IN (SELECT value FROM json_each(:articles)) "
                "AND j.value IN (SELECT value FROM json_each(:paragraphs)) ORDER BY v.number"
            ),
            {
                "articles": json.dumps(sorted(article_ids)),
                "paragraphs": json.dumps(sorted(paragraph_ids)),
            },
        ).all()
        for pid, number in rows:
            found.setdefault(int(pid), []).append(number)
        return found
    for _article, number, body_ids in session.execute(
        select(Version.article_id, Version.number, Version.body_ids)
        .where(Version.article_id.in_(article_ids))
        .order_by(Version.number)
    ):
        for pid in paragraph_ids.intersection(body_ids):
            found.setdefault(pid, []).append(number)
    return found


def _head_versions(
    session: Session, article_ids: set[int]
) -> dict[tuple[int, str, str], list[int]]:
    """(article, field, text) -> numbers of the versions with that title / standfirst."""
    found: dict[tuple[int, str, str], list[int]] = {}
    if not article_ids:
        return found
    for article_id, number, title, standfirst in session.execute(
        select(Version.article_id, Version.number, Version.title, Version.standfirst)
        .where(Version.article_id.in_(article_ids))
        .order_by(Version.number)
    ):
        found.setdefault((article_id, "title", title), []).append(number)
        found.setdefault((article_id, "standfirst", _joined(standfirst)), []).append(
            number
        )
    return found


def _hits(session: Session, matches: Sequence[_Match]) -> list[SearchHit]:
    """Attach each match's article, source and the version numbers holding the text."""
    article_ids = {m.article_id for m in matches}
    if not article_ids:
        return []
    articles = {
        row.id: row
        for row in session.execute(
            select(
                Article.id,
                Article.canonical_url,
                Article.title,
                Article.version_count,
                Source.name,
            )
            .join(Source, Source.id == Article.source_id)
            .where(Article.id.in_(article_ids))
        )
    }
    body = _body_versions(
        session,
        {m.article_id for m in matches if m.field == "body"},
        {m.paragraph_id for m in matches if m.paragraph_id is not None},
    )
    heads = _head_versions(
        session, {m.article_id for m in matches if m.field != "body"}
    )
    hits = []
    for match in matches:
        if match.paragraph_id is not None:
            numbers = body.get(match.paragraph_id, [])
        else:
            numbers = heads.get((match.article_id, match.field, match.text), [])
        article = articles[match.article_id]
        hits.append(
            SearchHit(
                article_id=match.article_id,
                url=article.canonical_url,
                title=article.title,
                source=article.name,
                field=match.field,
                text=match.text,
                versions=tuple(numbers),
                latest_version=article.version_count,
                paragraph_id=match.paragraph_id,
            )
        )
    return hits
