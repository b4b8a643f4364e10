"""First fetches in bulk: many new articles written with a handful of statements.

A first crawl of a site is almost all new articles. Written one by one, each costs six INSERTs
and a commit; here a batch of them costs one multi-row INSERT per table (articles, their URLs,
paragraphs, versions, "new article" changes), inside the caller's one transaction. The new rows'
ids are read back by their unique keys (canonical URL; article and paragraph hash; article and
version number; event key): RETURNING in parameter order would make SQLite insert row by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from crawler.items import ArticleItem, PageEventItem
from monitor.diffing import ArticleContent
from monitor.models import Article, ArticleUrl, Change, Paragraph, Version
from monitor.rows import (
    article_row,
    change_row,
    next_check,
    version_row,
)
from monitor.search import index_article_paragraphs, index_versions
from monitor.store import paragraph_hash

ARTICLES = cast(Table, Article.__table__)
ARTICLE_URLS = cast(Table, ArticleUrl.__table__)
PARAGRAPHS = cast(Table, Paragraph.__table__)
VERSIONS = cast(Table, Version.__table__)
CHANGES = cast(Table, Change.__table__)


@dataclass(frozen=True, slots=True)
class FirstFetch:
    """A fetched page that no stored article claims, with its source's id."""

    item: ArticleItem
    source_id: int

    @property
    def monitored(self) -> bool:
        """A relevant article gets version 1; an irrelevant one is only remembered."""
        return self.item.is_relevant


@dataclass(frozen=True, slots=True)
class Inserted:
    """What a first fetch became: the article, and its "new article" change when alerted."""

    article_id: int
    change_id: int | None


def item_urls(item: ArticleItem | PageEventItem) -> list[str]:
    """Every URL an item names (canonical, as fetched, as requested), each once."""
    if isinstance(item, ArticleItem):
        urls: Iterable[str] = (item.canonical_url, item.url, item.requested_url)
    else:
        urls = (item.url, item.requested_url)
    return [url for url in dict.fromkeys(urls) if url]


def article_ids_by_url(session: Session, urls: Sequence[str]) -> dict[str, int]:
    """The stored article each of ``urls`` belongs to (URLs no article has are left out)."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return {}
    rows = session.execute(
        select(ArticleUrl.url, ArticleUrl.article_id).where(ArticleUrl.url.in_(wanted))
    )
    return dict(rows.all())


def record_checks(
    session: Session, checks: Sequence[tuple[int, PageEventItem]]
) -> set[int]:
    """Record unchanged fetches (304, same bytes) of active articles: check times, validators.

    One locked read and an UPDATE per distinct set of columns, for the whole batch. Returns
    the ids of the articles recorded; an article fetched again after its removal is not among
    them (its return is an event: the caller records it).
    """
    by_id = dict(checks)
    if not by_id:
        return set()
    connection = session.connection()
    rows = connection.execute(
        select(
            ARTICLES.c.id,
            ARTICLES.c.first_seen_at,
            ARTICLES.c.published_at,
            ARTICLES.c.is_relevant,
        )
        .where(ARTICLES.c.id.in_(list(by_id)), ARTICLES.c.status == "active")
        .with_for_update()
    ).all()
    with_validators: list[dict[str, object]] = []
    without: list[dict[str, object]] = []
    for article_id, first_seen_at, published_at, is_relevant in rows:
        item = by_id[article_id]
        now = item.fetched_at
        values: dict[str, object] = {
            "article_id": article_id,
            "last_checked_at": now,
            "next_check_at": next_check(first_seen_at, published_at, is_relevant, now),
        }
        if item.etag or item.last_modified:
            values |= {"etag": item.etag, "last_modified": item.last_modified}
            with_validators.append(values)
        else:
            without.append(values)
    for params in (with_validators, without):
        if params:
            columns: dict[str, Any] = {
                name: bindparam(name) for name in params[0] if name != "article_id"
            }
            connection.execute(
                update(ARTICLES)
                .where(ARTICLES.c.id == bindparam("article_id"))
                .values(columns),
                params,
            )
    return {row[0] for row in rows}


def insert_first_fetches(
    session: Session, fetches: Sequence[FirstFetch], *, run_id: int, alert_on_new: bool
) -> list[Inserted]:
    """Insert new articles (their URLs, and version 1 with its change for monitored ones).

    No URL of any fetch may be stored yet or named by another fetch of the batch (the caller
    checks); a unique key another writer took meanwhile raises IntegrityError.
    """
    if not fetches:
        return []
    connection = session.connection()
    connection.execute(
        insert(ARTICLES),
        [article_row(f.item, f.source_id, monitored=f.monitored) for f in fetches],
    )
    urls = [fetch.item.canonical_url for fetch in fetches]
    by_url = dict(
        connection.execute(
            select(ARTICLES.c.canonical_url, ARTICLES.c.id).where(
                ARTICLES.c.canonical_url.in_(urls)
            )
        ).all()
    )
    article_ids = [by_url[url] for url in urls]
    insert_tuples(
        connection,
        ARTICLE_URLS,
        ("article_id", "url"),
        [
            (article_id, url)
            for fetch, article_id in zip(fetches, article_ids, strict=True)
            for url in item_urls(fetch.item)
        ],
    )
    monitored = [
        (fetch.item, article_id)
        for fetch, article_id in zip(fetches, article_ids, strict=True)
        if fetch.monitored
    ]
    change_ids = iter(_first_versions(session, monitored, run_id, alert_on_new))
    return [
        Inserted(article_id, next(change_ids) if fetch.monitored else None)
        for fetch, article_id in zip(fetches, article_ids, strict=True)
    ]


def _first_versions(
    session: Session,
    articles: Sequence[tuple[ArticleItem, int]],
    run_id: int,
    alert_on_new: bool,
) -> list[int | None]:
    """Version 1 of each article and its "new article" change.

    The changes' ids, in order, when they are to be alerted (else None each).
    """
    if not articles:
        return []
    connection = session.connection()
    contents = [ArticleContent.of(item.article) for item, _ in articles]
    bodies = _first_paragraphs(
        session,
        [
            (article_id, content.body)
            for (_, article_id), content in zip(articles, contents, strict=True)
        ],
    )
    connection.execute(
        insert(VERSIONS),
        [
            version_row(article_id, item, content, 1, body_ids)
            for (item, article_id), content, body_ids in zip(
                articles, contents, bodies, strict=True
            )
        ],
    )
    ids = [article_id for _, article_id in articles]
    first = dict(
        connection.execute(
            select(VERSIONS.c.article_id, VERSIONS.c.id).where(
                VERSIONS.c.article_id.in_(ids), VERSIONS.c.number == 1
            )
        ).all()
    )
    version_ids = [first[article_id] for article_id in ids]
    index_versions(connection, version_ids)
    connection.execute(
        insert(CHANGES),
        [
            change_row(
                run_id=run_id,
                article_id=article_id,
                old_version_id=None,
                new_version_id=version_id,
                kind="new",
                summary="new article",
                report=None,
                alert=alert_on_new,
                event_key=f"new:{article_id}",
                now=item.fetched_at,
            )
            for (item, article_id), version_id in zip(
                articles, version_ids, strict=True
            )
        ],
    )
    if not alert_on_new:
        return [None] * len(ids)
    keys = [f"new:{article_id}" for article_id in ids]
    by_key = dict(
        connection.execute(
            select(CHANGES.c.event_key, CHANGES.c.id).where(
                CHANGES.c.event_key.in_(keys)
            )
        ).all()
    )
    return [by_key[key] for key in keys]


def _first_paragraphs(
    session: Session, bodies: Sequence[tuple[int, Sequence[str]]]
) -> list[list[int]]:
    """Store the paragraphs of new articles (each distinct text once per article).

    Returns each body as its list of paragraph ids, in the order given.
    """
    keyed = [
        (article_id, [paragraph_hash(text) for text in body], body)
        for article_id, body in bodies
    ]
    distinct = [
        (article_id, key, text)
        for article_id, hashes, body in keyed
        for key, text in dict(zip(hashes, body, strict=True)).items()
    ]
    ids: dict[tuple[int, str], int] = {}
    if distinct:
        connection = session.connection()
        insert_tuples(connection, PARAGRAPHS, ("article_id", "hash", "text"), distinct)
        article_ids = [article_id for article_id, _ in bodies]
        stored = connection.execute(
            select(PARAGRAPHS.c.article_id, PARAGRAPHS.c.hash, PARAGRAPHS.c.id).where(
                PARAGRAPHS.c.article_id.in_(article_ids)
            )
        ).all()
        ids = {
            (article_id, key): paragraph_id for article_id, key, paragraph_id in stored
        }
        index_article_paragraphs(connection, article_ids)
    return [
        [ids[(article_id, key)] for key in hashes] for article_id, hashes, _ in keyed
    ]


def insert_tuples(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[object, ...]],
) -> None:
    """One executemany INSERT of ``rows`` (the values of ``columns``, in that order), handed to
    the driver as they are.

    For the largest inserts of a first crawl (a dozen paragraphs per article, its URLs)
    SQLAlchemy's per-row parameter handling (a dict per row, rebuilt in bind order) cost as
    much CPU as SQLite's insert itself. Only for columns the driver takes as they are
    (integers, strings): no type processing happens here.
    """
    compiled = insert(table).compile(
        dialect=connection.dialect, column_keys=list(columns)
    )
    if not compiled.positional:  # named parameters (PostgreSQL's drivers)
        params: Sequence[Any] = [dict(zip(columns, row, strict=True)) for row in rows]
    elif list(compiled.positiontup or ()) == list(columns):
        params = rows
    else:
        order = [list(columns).index(name) for name in compiled.positiontup or ()]
        params = [tuple(row[index] for index in order) for row in rows]
    connection.exec_driver_sql(compiled.string, params)
