"""The store on every backend (SQLite file, real PostgreSQL): what is recorded reads back the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import session_scope
from monitor.ingest import Recorder
from monitor.migrations import current_revision
from monitor.migrations.authoring import schema_differences
from monitor.migrations.runner import head_revision
from monitor.models import Article, Change, Delivery, Version
from monitor.runs import start_run
from monitor.store import content_of, decompress, find_article, versions_of
from tests.db.db_articles import RULES, article_item, gone_item, paragraphs_about

URL = "http://127.0.0.1:9/2024/05/12/navy-frigate-trials.html"


@pytest.fixture
def recorder(factory: sessionmaker[Session]) -> Recorder:
    return Recorder(factory, RULES, start_run(factory, scope="test"))


def count(factory: sessionmaker[Session], model: type[object]) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def as_utc(moment: datetime) -> datetime:
    """SQLite keeps no offset (values are UTC, read back naive); PostgreSQL gives them back aware."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_first_use_creates_the_schema_at_the_newest_revision(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []


def test_an_article_reads_back_exactly_as_recorded(
    recorder: Recorder, factory: sessionmaker[Session]
) -> None:
    fetched = datetime(2024, 5, 12, 9, 30, 15, 123456, tzinfo=UTC)
    item = article_item(
        URL, "Navy frigate begins sea trials", paragraphs_about("trials"), fetched
    )
    assert recorder.record(item) == "new_article"
    with session_scope(factory) as session:
        article = find_article(session, URL)
        [version] = versions_of(session, article.id)
        content = content_of(session, version)
        assert content.title == "Navy frigate begins sea trials"
        assert content.body == item.article.body  # JSON list of paragraph ids, in order
        assert version.standfirst == list(item.article.standfirst)
        assert article.relevance_terms == ["frigate", "missile"]  # JSON column
        # the same instant comes back: aware UTC on PostgreSQL, naive UTC on SQLite
        assert as_utc(version.fetched_at) == fetched
        assert as_utc(version.fetched_at).utcoffset() == timedelta(0)
        assert article.next_check_at is not None
        assert as_utc(article.next_check_at) > fetched
        # the raw page (LargeBinary: BLOB / bytea) is kept byte for byte
        assert decompress(version.raw_html_z) == item.raw_html
        [change] = session.scalars(select(Change)).all()
        assert (change.kind, change.kinds, change.report) == ("new", ["new"], {})


def test_an_edit_makes_one_version_one_change_one_delivery(
    recorder: Recorder, factory: sessionmaker[Session]
) -> None:
    before = paragraphs_about("trials")
    after = [*before[:-1], "The trials were postponed after a fire in the engine room."]
    assert recorder.record(article_item(URL, "Frigate trials", before)) == "new_article"
    assert recorder.record(article_item(URL, "Frigate trials", before)) == "unchanged"
    assert recorder.record(article_item(URL, "Frigate trials", after)) == "new_version"
    with session_scope(factory) as session:
        article = find_article(session, URL)
        assert [v.number for v in versions_of(session, article.id)] == [1, 2]
        edit = session.scalars(select(Change).where(Change.kind != "new")).one()
        assert "postponed" in str(edit.report["unified"])  # JSON object column
        assert edit.words_added > 0
        deliveries = session.scalars(
            select(Delivery).where(Delivery.change_id == edit.id)
        ).all()
        assert [d.channel for d in deliveries] == ["desk"]


def test_a_removed_article_is_recorded_once(
    recorder: Recorder, factory: sessionmaker[Session]
) -> None:
    recorder.record(article_item(URL, "Frigate trials", paragraphs_about("trials")))
    assert recorder.record(gone_item(URL)) == "removed"
    recorder.record(gone_item(URL))
    with session_scope(factory) as session:
        assert find_article(session, URL).status == "removed"
        kinds = sorted(session.scalars(select(Change.kind)))
        assert kinds == ["new", "removed"]


def test_unique_keys_are_enforced_by_the_database(
    recorder: Recorder, factory: sessionmaker[Session]
) -> None:
    recorder.record(article_item(URL, "Frigate trials", paragraphs_about("trials")))
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        version = session.scalars(select(Version)).one()
        session.add(
            Version(
                **{
                    c.key: getattr(version, c.key)
                    for c in Version.__table__.columns
                    if c.key != "id"
                }
            )
        )
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        article = session.scalars(select(Article)).one()
        session.add(
            Article(
                source_id=article.source_id,
                canonical_url=URL,
                first_seen_at=article.first_seen_at,
                last_checked_at=article.last_checked_at + timedelta(seconds=1),
            )
        )
    assert count(factory, Version) == 1
    assert count(factory, Article) == 1
