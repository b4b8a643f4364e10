"""Queries over the stored history. Other modules ask here instead of building SQL themselves."""

from __future__ import annotations

import hashlib
import sys
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, insert, select

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd
from sqlalchemy.orm import Session

from monitor.diffing import ArticleContent
from monitor.errors import UnknownArticleError
from monitor.models import Article, ArticleUrl, Change, Paragraph, Source, Version
from monitor.search import index_paragraphs

ZSTD_LEVEL = 3
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # the first bytes of every Zstandard frame
_compressors = threading.local()


def _url_variants(url: str) -> list[str]:
    """Forms a user may type for a stored URL: as given, without query or fragment, slash or not."""
    bare = url.split("#", 1)[0]
    variants = [url, bare, bare.split("?", 1)[0]]
    variants += [v.rstrip("/") if v.endswith("/") else v + "/" for v in list(variants)]
    return list(dict.fromkeys(variants))


def paragraph_hash(text: str) -> str:
    """The key of a paragraph's text within one article."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def compress(raw: bytes) -> bytes:
    """Compress raw HTML for storage (Zstandard: on real news pages about seven times faster
    than zlib at its default level, and smaller).

    Each thread reuses one compressor: a new one for every page spent a quarter of the time
    clearing its tables. The frames are the same bytes either way.
    """
    compressor: zstd.ZstdCompressor | None = getattr(_compressors, "zstd", None)
    if compressor is None:
        compressor = _compressors.zstd = zstd.ZstdCompressor(ZSTD_LEVEL)
    try:
        return compressor.compress(raw, zstd.ZstdCompressor.FLUSH_FRAME)
    except BaseException:
        del (
            _compressors.zstd
        )  # it may hold part of a frame: the next page starts afresh
        raise


def decompress(stored: bytes) -> bytes:
    """The raw HTML as fetched (Zstandard, or zlib as earlier stores hold it)."""
    if stored.startswith(ZSTD_MAGIC):
        return zstd.decompress(stored)
    return zlib.decompress(stored)


def get_or_create_source(session: Session, name: str, now: datetime) -> Source:
    """The source row called ``name``, created on first use."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, created_at=now)
        session.add(source)
        session.flush()
    return source


def find_article_by_urls(session: Session, urls: Sequence[str]) -> Article | None:
    """The article any of ``urls`` (canonical or alias) belongs to."""
    wanted = list(dict.fromkeys(u for u in urls if u))
    if not wanted:
        return None
    article_id = session.scalar(
        select(ArticleUrl.article_id).where(ArticleUrl.url.in_(wanted)).limit(1)
    )
    return None if article_id is None else session.get(Article, article_id)


def find_article(session: Session, url: str) -> Article:
    """The article a user means by ``url`` (any URL it was fetched from); raises if unknown."""
    candidates = _url_variants(url)
    article = find_article_by_urls(session, candidates)
    if article is None:
        article = session.scalar(
            select(Article).where(Article.canonical_url.in_(candidates))
        )
    if article is None:
        raise UnknownArticleError(
            f"no stored article for {url} (see: defwatch articles)"
        )
    return article


def latest_version(session: Session, article_id: int) -> Version | None:
    """The newest version of an article."""
    return session.scalar(
        select(Version)
        .where(Version.article_id == article_id)
        .order_by(Version.number.desc())
        .limit(1)
    )


def versions_of(session: Session, article_id: int) -> list[Version]:
    """Every version of an article, oldest first."""
    return list(
        session.scalars(
            select(Version)
            .where(Version.article_id == article_id)
            .order_by(Version.number)
        )
    )


def version_by_number(session: Session, article_id: int, number: int) -> Version:
    """Version ``number`` of an article; UnknownArticleError if there is none."""
    version = session.scalar(
        select(Version).where(
            Version.article_id == article_id, Version.number == number
        )
    )
    if version is None:
        raise UnknownArticleError(f"the article has no version {number}")
    return version


def body_of(session: Session, version: Version) -> list[str]:
    """The body paragraphs of a version, in order."""
    if not version.body_ids:
        return []
    rows = session.execute(
        select(Paragraph.id, Paragraph.text).where(Paragraph.id.in_(version.body_ids))
    ).all()
    by_id = {row.id: row.text for row in rows}
    return [by_id[i] for i in version.body_ids]


def content_of(session: Session, version: Version) -> ArticleContent:
    """The compared fields of a stored version."""
    return ArticleContent(
        title=version.title,
        standfirst=tuple(version.standfirst),
        body=tuple(body_of(session, version)),
        authors=tuple(version.authors),
        modified_at=version.modified_at,
    )


def store_paragraphs(
    session: Session, article_id: int, body: Sequence[str], *, is_new: bool = False
) -> list[int]:
    """Ids of the article's paragraphs with these texts, inserting the ones not stored yet.

    ``is_new``: the article has no paragraphs yet (its first version), so none is looked up.
    """
    hashes = [paragraph_hash(text) for text in body]
    existing: dict[str, int] = (
        {}
        if is_new
        else {
            row.hash: row.id
            for row in session.execute(
                select(Paragraph.hash, Paragraph.id).where(
                    Paragraph.article_id == article_id, Paragraph.hash.in_(set(hashes))
                )
            ).all()
        }
    )
    new = {
        key: text for text, key in zip(body, hashes, strict=True) if key not in existing
    }
    if new:
        table = cast(Table, Paragraph.__table__)
        rows = (
            session.connection()
            .execute(
                insert(table).returning(table.c.hash, table.c.id),
                [
                    {"article_id": article_id, "hash": key, "text": text}
                    for key, text in new.items()
                ],
            )
            .all()
        )
        existing.update((key, paragraph_id) for key, paragraph_id in rows)
        index_paragraphs(
            session.connection(), [paragraph_id for _, paragraph_id in rows]
        )
    return [existing[key] for key in hashes]


def next_version_number(session: Session, article_id: int) -> int:
    """The number the next version of an article gets."""
    current = session.scalar(
        select(func.max(Version.number)).where(Version.article_id == article_id)
    )
    return (current or 0) + 1


def changes_since(
    session: Session, since: datetime, limit: int | None = None
) -> list[Change]:
    """Changes detected at or after ``since``, oldest first."""
    query = (
        select(Change)
        .where(Change.detected_at >= since)
        .order_by(Change.detected_at, Change.id)
    )
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class VersionNumbers:
    """The version numbers a change goes from and to."""

    from_number: int | None
    to_number: int | None


def change_version_numbers(session: Session, change: Change) -> VersionNumbers:
    """The from/to version numbers of a change."""
    ids = [i for i in (change.from_version_id, change.to_version_id) if i is not None]
    numbers = dict(
        session.execute(
            select(Version.id, Version.number).where(Version.id.in_(ids))
        ).all()
    )
    return VersionNumbers(
        numbers.get(change.from_version_id) if change.from_version_id else None,
        numbers.get(change.to_version_id) if change.to_version_id else None,
    )
