"""Record what the crawler fetched: new articles, new versions, changes, removals, failures.

Each item is recorded in one transaction, or with the other first fetches and unchanged pages of
its batch in one transaction: a crash leaves either all of a fetch or none of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from crawler.cleaning import CLEANER_VERSION, clean_html
from crawler.items import ArticleItem, PageEventItem
from monitor.boilerplate import learned_by_source, without_lines
from monitor.bulk import (
    FirstFetch,
    article_ids_by_url,
    insert_first_fetches,
    item_urls,
    record_checks,
)
from monitor.config import ChannelConfig
from monitor.db import session_scope
from monitor.diffing import (
    AlertPolicy,
    ArticleContent,
    ChangeReport,
    diff_contents,
    fingerprint,
    should_alert,
)
from monitor.models import Article, ArticleUrl, Change, CrawlIssue, Source, Version
from monitor.outbox import queue_deliveries
from monitor.rows import (
    article_row,
    change_row,
    next_check,
    url_rows,
    version_row,
)
from monitor.search import index_versions
from monitor.store import (
    content_of,
    decompress,
    find_article_by_urls,
    get_or_create_source,
    latest_version,
    store_paragraphs,
)

logger = logging.getLogger(__name__)

# Core tables for the hot path: one INSERT each, without the ORM's unit-of-work bookkeeping.
ARTICLES = cast(Table, Article.__table__)
ARTICLE_URLS = cast(Table, ArticleUrl.__table__)
VERSIONS = cast(Table, Version.__table__)
CHANGES = cast(Table, Change.__table__)

# Page events that only move an article's check times: recorded in batches.
CHEAP_OUTCOMES = frozenset({"not_modified", "unchanged"})

# A fetch that loses most of the body is held (no version) until this many fetches in a row agree.
HOLD_LIMIT = 3
SHRINK_MIN_CHARS = 400
SHRINK_RATIO = 0.4

# A write that lost a race is recorded again against the winner's state; more than two lost races
# in a row for one item means many writers on one article: give up, the next re-check records it.
RACE_RETRIES = 2
# PostgreSQL SQLSTATEs of transactions the server aborted because of a concurrent one.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock

Outcome = Literal[
    "new_article", "new_version", "unchanged", "held", "irrelevant", "removed", "error"
]


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRules:
    """Which changes become alerts, and to which channels."""

    channels: tuple[ChannelConfig, ...] = ()
    alert_on_new: bool = False
    alert_on_removed: bool = True
    policies: Mapping[str, AlertPolicy] = field(default_factory=dict)  # by source name

    def wants(self, source: str, report: ChangeReport) -> bool:
        """True when this change passes the source's alert policy."""
        return should_alert(report, self.policies.get(source, AlertPolicy()))


class Recorder:
    """Records crawler items into the store for one crawl run."""

    def __init__(
        self, factory: sessionmaker[Session], rules: AlertRules, run_id: int
    ) -> None:
        self._factory = factory
        self._rules = rules
        self._run_id = run_id
        self._source_ids: dict[str, int] = {}
        self._learned: dict[str, frozenset[str]] = {}  # by source, read once per run

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One transaction; a failed one also forgets the source ids cached meanwhile (a source
        row inserted in it was rolled back, and every later article of the source would fail
        on its foreign key)."""
        try:
            with session_scope(self._factory) as session:
                yield session
        except BaseException:
            self._source_ids.clear()
            raise

    def record_batch(
        self, items: Sequence[ArticleItem | PageEventItem]
    ) -> list[Outcome]:
        """Record several items; the outcome of each, in order.

        First fetches (no stored article claims any of their URLs) and unchanged pages are
        written together in one transaction, with a few multi-row statements: the common case
        of a first crawl and of a re-crawl. Every other item (an edit, a failure, a removal)
        is then recorded in its own transaction, as ``record`` does.

        When the batch fails (a race lost to another writer, a row the database refuses) it is
        rolled back whole and every item is recorded alone: a race is then retried, and a page
        that cannot be stored costs only itself. Only a store that cannot be written at all
        (OperationalError other than a lost race) stops the batch.
        """
        outcomes: dict[int, Outcome] = {}
        try:
            with self._transaction() as session:
                outcomes = self._record_together(session, items)
        except OperationalError as exc:
            if not lost_write_race(exc):
                raise
            outcomes = {}
        except Exception as exc:  # noqa: BLE001 - each item alone shows which one it was
            logger.info(
                "a batch of %d items failed (%r); recording each alone", len(items), exc
            )
            outcomes = {}
        for index, item in enumerate(items):
            if index not in outcomes:
                outcomes[index] = self._record_alone(item)
        return [outcomes[index] for index in range(len(items))]

    def _record_alone(self, item: ArticleItem | PageEventItem) -> Outcome:
        """``record``, except that a page the store refuses is an error of that page only."""
        try:
            return self.record(item)
        except OperationalError:
            raise  # the store itself: the caller stops the crawl
        except Exception as exc:  # noqa: BLE001 - one page must not cost the crawl
            message = f"cannot store this page: {type(exc).__name__}: {exc}"
            logger.error("%s (url=%s)", message, item.url)
            try:
                with self._transaction() as session:
                    self._issue(session, item, "error", message)
            except Exception as again:  # noqa: BLE001 - the log line above is the record
                logger.debug("issue for %s not stored: %r", item.url, again)
            return "error"

    def _record_together(
        self, session: Session, items: Sequence[ArticleItem | PageEventItem]
    ) -> dict[int, Outcome]:
        """The batchable items of ``items``, recorded; their outcomes by index."""
        owners = article_ids_by_url(
            session, [url for item in items for url in item_urls(item)]
        )
        claimed: set[str] = set()
        fresh: list[tuple[int, FirstFetch]] = []
        cheap: list[tuple[int, PageEventItem, int | None]] = []
        for index, item in enumerate(items):
            urls = item_urls(item)
            if isinstance(item, PageEventItem):
                if item.outcome in CHEAP_OUTCOMES:
                    owner = next((owners[u] for u in urls if u in owners), None)
                    cheap.append((index, item, owner))
            elif (
                not item.article.is_failure
                and claimed.isdisjoint(urls)
                and all(url not in owners for url in urls)
            ):
                claimed.update(urls)
                source_id = self._source_id(session, item.source, item.fetched_at)
                fresh.append((index, FirstFetch(item, source_id)))
        outcomes: dict[int, Outcome] = {}
        inserted = insert_first_fetches(
            session,
            [fetch for _, fetch in fresh],
            run_id=self._run_id,
            alert_on_new=self._rules.alert_on_new,
        )
        for (index, fetch), row in zip(fresh, inserted, strict=True):
            outcomes[index] = "new_article" if fetch.monitored else "irrelevant"
            if row.change_id is not None:
                text = ArticleContent.of(fetch.item.article).text
                self._queue(
                    session, row.change_id, row.article_id, text, fetch.item.fetched_at
                )
        checked = record_checks(
            session, [(owner, item) for _, item, owner in cheap if owner is not None]
        )
        rest = [(i, item, owner) for i, item, owner in cheap if owner not in checked]
        articles = _locked_many(session, {a for _, _, a in rest if a is not None})
        for index, item, owner in rest:
            article = None if owner is None else articles.get(owner)
            outcomes[index] = self._apply_event(session, item, article)
        outcomes.update((i, "unchanged") for i, _, owner in cheap if owner in checked)
        return outcomes

    def record(self, item: ArticleItem | PageEventItem) -> Outcome:
        """Record one item in its own transaction; a duplicate write by another worker is a no-op.

        Two workers recording the same article at once race on unique keys (canonical URL,
        version number, event key). The loser's transaction is rolled back whole (on PostgreSQL
        it is aborted anyway) and recorded again from scratch, now reading the winner's committed
        state: the same content is then "unchanged", different content becomes the next version.
        """
        lost: OperationalError | None = None
        for attempt in range(RACE_RETRIES + 1):
            try:
                with self._transaction() as session:
                    if isinstance(item, ArticleItem):
                        return self._record_article(session, item)
                    return self._record_event(session, item)
            except (IntegrityError, OperationalError) as exc:
                if not lost_write_race(exc):
                    raise
                lost = exc if isinstance(exc, OperationalError) else None
                logger.info(
                    "another writer recorded url=%s first (attempt %d): %s",
                    item.url,
                    attempt + 1,
                    type(exc.orig).__name__,
                )
        if lost is not None:
            # still locked or deadlocked: not a race another writer won (that page would be
            # stored), but a store we cannot write; the caller stops the crawl and reports it
            raise lost
        logger.warning(
            "gave up recording url=%s after %d lost write races; the next fetch records it",
            item.url,
            RACE_RETRIES + 1,
        )
        return "unchanged"

    # -- articles -------------------------------------------------------------------------

    def _record_article(self, session: Session, item: ArticleItem) -> Outcome:
        now = item.fetched_at
        urls = [item.canonical_url, item.url, item.requested_url]
        article = _locked(session, find_article_by_urls(session, urls))
        if article is None:
            if not item.is_relevant and not item.article.is_failure:
                self._new_article(session, item, urls, monitored=False)
                return "irrelevant"
            if item.article.is_failure:
                self._issue(
                    session,
                    item,
                    "warning",
                    f"not an article: {item.article.failure}",
                )
                return "held"
            article_id = self._new_article(session, item, urls, monitored=True)
            self._first_version(session, article_id, item)
            return "new_article"
        self._add_aliases(session, article, urls)
        _reschedule(article, now)
        article.etag, article.last_modified = item.etag, item.last_modified
        article.raw_html_hash = item.raw_html_hash
        if article.status == "removed":
            self._event(session, article, "restored", "article is back online", now)
            article.status = "active"
        if item.article.is_failure:
            return self._hold(session, article, item)
        return self._compare(session, article, item)

    def _new_article(
        self,
        session: Session,
        item: ArticleItem,
        urls: Sequence[str],
        *,
        monitored: bool,
    ) -> int:
        """Insert the article and its URLs (none of them is known: the caller looked)."""
        source_id = self._source_id(session, item.source, item.fetched_at)
        connection = session.connection()
        article_id: int = connection.execute(
            insert(ARTICLES).returning(ARTICLES.c.id),
            article_row(item, source_id, monitored=monitored),
        ).scalar_one()
        connection.execute(insert(ARTICLE_URLS), url_rows(article_id, item))
        return article_id

    def _source_id(self, session: Session, name: str, now: datetime) -> int:
        """The id of source ``name``, created on first use (cached for the run)."""
        source_id = self._source_ids.get(name)
        if source_id is None:
            source_id = get_or_create_source(session, name, now).id
            self._source_ids[name] = source_id
        return source_id

    def _add_aliases(
        self, session: Session, article: Article, urls: Sequence[str]
    ) -> None:
        wanted = list(dict.fromkeys(u for u in urls if u))
        known = set(
            session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(wanted)))
        )
        for url in wanted:
            if url not in known:
                session.add(ArticleUrl(article_id=article.id, url=url))

    def _first_version(
        self, session: Session, article_id: int, item: ArticleItem
    ) -> None:
        content = ArticleContent.of(item.article)
        version_id = self._add_version(session, article_id, item, content, 1)
        self._change(
            session,
            article_id,
            None,
            version_id,
            kind="new",
            summary="new article",
            report=None,
            alert=self._rules.alert_on_new,
            event_key=f"new:{article_id}",
            text=content.text,
            now=item.fetched_at,
        )

    def _compare(
        self, session: Session, article: Article, item: ArticleItem
    ) -> Outcome:
        previous = latest_version(session, article.id)
        new = ArticleContent.of(item.article)
        if previous is None:
            self._first_version(session, article.id, item)
            article.version_count = 1
            return "new_version"
        new_hash = fingerprint(new)
        if new_hash == previous.content_hash:
            self._metadata_change(session, article, previous, item)
            return "unchanged"
        learned = self._learned_lines(session, item.source)
        # a fetch cleaned before a line was learned (another worker's crawl) may still hold it
        seen = without_lines(new, learned)
        seen_hash = new_hash if seen is new else fingerprint(seen)
        old = self._previous_content(session, previous, item.url, learned, seen_hash)
        if fingerprint(old) == seen_hash:
            return "unchanged"  # only the cleaner (or what it learned) changed
        if _shrank(old, new) and article.held_failures + 1 < HOLD_LIMIT:
            article.held_failures += 1
            self._issue(
                session,
                item,
                "warning",
                f"body shrank from {len(old.text)} to {len(new.text)} characters; held until it "
                f"persists ({article.held_failures} of {HOLD_LIMIT} fetches)",
            )
            return "held"
        article.held_failures = 0
        report = diff_contents(old, new)
        version_id = self._add_version(
            session, article.id, item, new, previous.number + 1
        )
        article.version_count = previous.number + 1
        self._change(
            session,
            article.id,
            previous.id,
            version_id,
            kind=report.kind,
            summary=report.summary,
            report=report,
            alert=self._rules.wants(item.source, report),
            event_key=f"edit:{version_id}",
            text=new.text,
            now=item.fetched_at,
        )
        article.title = new.title
        return "new_version"

    def _metadata_change(
        self, session: Session, article: Article, previous: Version, item: ArticleItem
    ) -> None:
        """dateModified moved but the text is the same: record it once, alert only if asked."""
        modified = item.article.modified_at
        if not modified or modified == previous.modified_at:
            return
        key = f"meta:{previous.id}:{modified}"[:100]
        if session.scalar(select(Change.id).where(Change.event_key == key)) is not None:
            return
        old = content_of(session, previous)
        report = diff_contents(old, replace(old, modified_at=modified))
        self._change(
            session,
            article.id,
            previous.id,
            previous.id,
            kind=report.kind,
            summary=report.summary,
            report=report,
            alert=self._rules.wants(item.source, report),
            event_key=key,
            text=old.text,
            now=item.fetched_at,
        )

    def _previous_content(
        self,
        session: Session,
        previous: Version,
        url: str,
        learned: frozenset[str],
        new_hash: str,
    ) -> ArticleContent:
        """The previous version as the current cleaner reads it: without the source's learned
        boilerplate lines (monitor.boilerplate), re-cleaned after an upgrade or when dropping
        them alone does not explain the new fetch (it can move where the body's edges are)."""
        stored = content_of(session, previous)
        stripped = without_lines(stored, learned)
        if previous.cleaner_version == CLEANER_VERSION and (
            stripped is stored or fingerprint(stripped) == new_hash
        ):
            return stripped
        recleaned = clean_html(
            decompress(previous.raw_html_z), url, learned_boilerplate=learned
        )
        return stripped if recleaned.is_failure else ArticleContent.of(recleaned)

    def _learned_lines(self, session: Session, source: str) -> frozenset[str]:
        if source not in self._learned:
            found = learned_by_source(session, [source])
            self._learned[source] = found.get(source, frozenset())
        return self._learned[source]

    def _add_version(
        self,
        session: Session,
        article_id: int,
        item: ArticleItem,
        content: ArticleContent,
        number: int,
    ) -> int:
        body_ids = store_paragraphs(
            session, article_id, content.body, is_new=number == 1
        )
        connection = session.connection()
        version_id: int = connection.execute(
            insert(VERSIONS).returning(VERSIONS.c.id),
            version_row(article_id, item, content, number, body_ids),
        ).scalar_one()
        index_versions(connection, [version_id])
        return version_id

    def _hold(self, session: Session, article: Article, item: ArticleItem) -> Outcome:
        article.held_failures += 1
        self._issue(
            session,
            item,
            "warning",
            f"extraction failed ({item.article.failure}); held, no version recorded "
            f"({article.held_failures} in a row)",
        )
        return "held"

    # -- page events ----------------------------------------------------------------------

    def _record_event(self, session: Session, item: PageEventItem) -> Outcome:
        if item.outcome == "error":
            self._issue(session, item, "error", item.message)
            return "error"
        article = _locked(
            session, find_article_by_urls(session, [item.url, item.requested_url])
        )
        return self._apply_event(session, item, article)

    def _apply_event(
        self, session: Session, item: PageEventItem, article: Article | None
    ) -> Outcome:
        """A page event of ``article`` (locked by the caller; None: no stored article)."""
        if article is None:
            if item.outcome in ("gone", "redirected_away"):
                self._issue(
                    session,
                    item,
                    "error",
                    item.message,
                )
                return "error"
            return "unchanged"
        _reschedule(article, item.fetched_at)
        if item.outcome in ("gone", "redirected_away"):
            if article.status != "removed":
                article.status = "removed"
                self._event(session, article, "removed", item.message, item.fetched_at)
            return "removed"
        # back with the same bytes as before it vanished
        if article.status == "removed":
            self._event(
                session, article, "restored", "article is back online", item.fetched_at
            )
            article.status = "active"
        if item.etag or item.last_modified:
            article.etag, article.last_modified = item.etag, item.last_modified
        return "unchanged"

    # -- rows -----------------------------------------------------------------------------

    def _event(
        self, session: Session, article: Article, kind: str, summary: str, now: datetime
    ) -> None:
        count = (
            session.query(Change).filter_by(article_id=article.id, kind=kind).count()
        )
        self._change(
            session,
            article.id,
            None,
            None,
            kind=kind,
            summary=summary,
            report=None,
            alert=self._rules.alert_on_removed,
            event_key=f"{kind}:{article.id}:{count + 1}",
            text="",
            now=now,
        )

    def _change(
        self,
        session: Session,
        article_id: int,
        old_version_id: int | None,
        new_version_id: int | None,
        *,
        kind: str,
        summary: str,
        report: ChangeReport | None,
        alert: bool,
        event_key: str,
        text: str,
        now: datetime,
    ) -> None:
        values = change_row(
            run_id=self._run_id,
            article_id=article_id,
            old_version_id=old_version_id,
            new_version_id=new_version_id,
            kind=kind,
            summary=summary,
            report=report,
            alert=alert,
            event_key=event_key,
            now=now,
        )
        change_id: int = (
            session.connection()
            .execute(insert(CHANGES).returning(CHANGES.c.id), values)
            .scalar_one()
        )
        if alert:
            self._queue(session, change_id, article_id, text, now)

    def _queue(
        self,
        session: Session,
        change_id: int,
        article_id: int,
        text: str,
        now: datetime,
    ) -> None:
        """Queue the alert deliveries of a change for the channels that want it."""
        article = session.get_one(Article, article_id)
        source = self._source_name(session, article.source_id)
        queue_deliveries(
            session, change_id, article, source, text, self._rules.channels, now
        )

    def _source_name(self, session: Session, source_id: int) -> str:
        for name, known_id in self._source_ids.items():
            if known_id == source_id:
                return name
        name = session.get_one(Source, source_id).name
        self._source_ids[name] = source_id
        return name

    def _issue(
        self,
        session: Session,
        item: ArticleItem | PageEventItem,
        severity: str,
        message: str,
    ) -> None:
        """A problem with this fetch, kept in the crawl run (``defwatch status`` shows them)."""
        session.add(
            CrawlIssue(
                run_id=self._run_id,
                source=item.source,
                url=item.url,
                severity=severity,
                http_status=item.http_status,
                message=message,
                at=datetime.now(UTC),
            )
        )


def _locked_many(session: Session, article_ids: set[int]) -> dict[int, Article]:
    """Several articles re-read under row locks held until commit (see ``_locked``)."""
    if not article_ids:
        return {}
    rows = session.scalars(
        select(Article)
        .where(Article.id.in_(article_ids))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {article.id: article for article in rows}


def _locked(session: Session, article: Article | None) -> Article | None:
    """The article re-read under a row lock held until commit (PostgreSQL ``FOR UPDATE``).

    Writers of one stored article take turns: the second reads what the first committed (its
    version, its status), so it cannot add the same version or event again. SQLite ignores the
    clause; it lets one writer at a time into the database anyway.
    """
    if article is None:
        return None
    return session.scalars(
        select(Article)
        .where(Article.id == article.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def lost_write_race(exc: DBAPIError) -> bool:
    """True when a write failed only because a concurrent writer got there first.

    A unique key taken by the other writer (IntegrityError), a PostgreSQL deadlock or
    serialization failure, or SQLite's "database is locked" once its busy timeout ran out.
    """
    if isinstance(exc, IntegrityError):
        return True
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def _shrank(old: ArticleContent, new: ArticleContent) -> bool:
    """True when the body lost most of its length at once (a stub, a wall, a broken layout)."""
    old_len = len(old.text)
    return old_len >= SHRINK_MIN_CHARS and len(new.text) < old_len * SHRINK_RATIO


def _reschedule(article: Article, now: datetime) -> None:
    """Record the check and plan the next one from the article's age."""
    article.last_checked_at = now
    article.next_check_at = next_check(
        article.first_seen_at, article.published_at, article.is_relevant, now
    )
