"""Migrations: head matches the models; older stores upgrade to head and keep every row."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, MetaData, func, inspect, select, text
from sqlalchemy import insert as insert_into
from sqlalchemy.orm import Session, sessionmaker

from monitor.cli import cli
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.ingest import Recorder
from monitor.migrations import FIRST_REVISION, HEAD_REVISION, current_revision
from monitor.migrations.authoring import schema_differences
from monitor.migrations.runner import head_revision, upgrade_to
from monitor.models import Base, Change, Delivery, Version
from monitor.runs import start_run
from monitor.store import content_of, find_article, versions_of
from tests.db.db_articles import RULES, article_item, paragraphs_about
from tests.services import fresh_postgres_database

URLS = [f"http://127.0.0.1:9/2024/05/{day:02d}/story-{day}.html" for day in (1, 2, 3)]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def fill(factory: sessionmaker[Session]) -> dict[str, list[list[str]]]:
    """Three articles with two versions each; returns each article's bodies, oldest first."""
    recorder = Recorder(factory, RULES, start_run(factory, scope="old"))
    bodies: dict[str, list[list[str]]] = {}
    for url in URLS:
        first = paragraphs_about(url)
        second = [*first, f"Update: the ministry added a statement about {url}."]
        for body in (first, second):
            recorder.record(article_item(url, f"Story {url}", body))
        bodies[url] = [first, second]
    return bodies


def fill_first_revision(engine: Engine) -> dict[str, list[list[str]]]:
    """The same rows as ``fill``, written with plain SQL into a store at the FIRST revision.

    Today's models may have columns the first revision lacks, so the ORM cannot write there.
    """
    now = datetime(2024, 5, 12, 8, 0, tzinfo=UTC)
    bodies: dict[str, list[list[str]]] = {}
    with engine.begin() as connection:
        tables = MetaData()
        tables.reflect(connection)

        def insert(table: str, /, **values: object) -> int:
            result = connection.execute(
                insert_into(tables.tables[table]).values(**values)
            )
            return int(result.inserted_primary_key[0])

        source = insert("sources", name="old", created_at=now)
        for url in URLS:
            first = paragraphs_about(url)
            second = [*first, f"Update: the ministry added a statement about {url}."]
            bodies[url] = [first, second]
            article = insert(
                "articles",
                source_id=source,
                canonical_url=url,
                title="Story",
                status="active",
                first_seen_at=now,
                last_checked_at=now,
                relevance=0.9,
                relevance_terms=["frigate"],
                is_relevant=True,
                version_count=2,
                held_failures=0,
            )
            insert("article_urls", article_id=article, url=url)
            ids = {
                text: insert("paragraphs", article_id=article, hash=f"h{n}", text=text)
                for n, text in enumerate(second)
            }
            versions = [
                insert(
                    "versions",
                    article_id=article,
                    number=number,
                    fetched_at=now,
                    url=url,
                    content_hash=f"c{number}",
                    title="Story",
                    standfirst=[],
                    authors=["Jane Doe"],
                    body_ids=[ids[t] for t in body],
                    body_kinds=["p"] * len(body),
                    captions=[],
                    http_status=200,
                    raw_html_hash=f"r{number}",
                    raw_html_z=zlib.compress(b"<html/>"),
                    cleaner_version="1",
                )
                for number, body in ((1, first), (2, second))
            ]
            for key, old, new in (
                ("new", None, versions[0]),
                ("edit", versions[0], versions[1]),
            ):
                change = insert(
                    "changes",
                    article_id=article,
                    event_key=f"{key}:{article}",
                    from_version_id=old,
                    to_version_id=new,
                    kind=key,
                    kinds=[key],
                    summary=key,
                    significance=0.5,
                    words_added=1,
                    words_removed=0,
                    report={},
                    is_alerted=True,
                    detected_at=now,
                )
                insert(
                    "deliveries",
                    change_id=change,
                    channel="desk",
                    idempotency_key=f"k{change}",
                    status="sent",
                    attempts=1,
                    next_attempt_at=now,
                    created_at=now,
                    sent_at=now,
                )
    return bodies


def assert_kept(
    factory: sessionmaker[Session], bodies: dict[str, list[list[str]]]
) -> None:
    with session_scope(factory) as session:
        for url, expected in bodies.items():
            versions = versions_of(session, find_article(session, url).id)
            assert [v.number for v in versions] == [1, 2]
            assert [
                list(content_of(session, v).body)[-len(body) :]
                for v, body in zip(versions, expected, strict=True)
            ] == expected
        assert session.scalar(select(func.count()).select_from(Change)) == 2 * len(URLS)


def test_the_migrations_at_head_match_the_models(engine: Engine) -> None:
    upgrade_to(engine, "head")  # every revision script, run by Alembic
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == [], (
        "models.py changed without a migration: run python -m monitor.migrations revision 'what changed'"
    )


def _schema(engine: Engine) -> dict[str, object]:
    """Every table's columns, keys, indexes and constraints, as the database reports them."""
    inspector = inspect(engine)
    found: dict[str, object] = {}
    for table in sorted(inspector.get_table_names()):
        if (
            "_fts" in table
        ):  # the search index is monitor.search's, made the same way for both
            continue
        found[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"])
                for c in inspector.get_columns(table)
            ],
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign_keys": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (
                    (tuple(ix["column_names"]), bool(ix["unique"]))
                    for ix in inspector.get_indexes(table)
                    if "_fts" not in (ix["name"] or "")
                ),
                key=repr,
            ),
            "unique": sorted(
                tuple(uc["column_names"])
                for uc in inspector.get_unique_constraints(table)
            ),
        }
    return found


def test_a_new_database_is_the_schema_the_revisions_build(
    db_url: str, tmp_path: Path
) -> None:
    """First use builds the tables from the models and stamps head, without running the
    revisions: what it builds must be exactly what the revision scripts build."""
    created = make_engine(db_url)
    ensure_schema(created)
    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    if created.dialect.name == "postgresql":
        migrated.dispose()
        with fresh_postgres_database() as other:
            migrated = make_engine(other)
            upgrade_to(migrated, "head")
            assert _schema(created) == _schema(migrated)
            migrated.dispose()
    else:
        upgrade_to(migrated, "head")
        assert _schema(created) == _schema(migrated)
    assert current_revision(created) == head_revision()
    created.dispose()


def test_head_revision_is_the_newest_migration_script() -> None:
    """A store at HEAD_REVISION is taken as up to date without Alembic: it must never lag."""
    assert head_revision() == HEAD_REVISION, (
        f"set HEAD_REVISION = {head_revision()!r} in monitor/migrations/__init__.py"
    )


def test_a_store_made_by_the_first_revision_upgrades_and_keeps_every_version(
    engine: Engine,
) -> None:
    upgrade_to(engine, FIRST_REVISION)
    bodies = fill_first_revision(engine)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    factory = session_factory(engine)
    assert_kept(factory, bodies)
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(Version)) == 6
        assert session.scalar(select(func.count()).select_from(Delivery)) == 6


def test_a_store_made_before_migrations_existed_is_stamped_and_upgraded(
    engine: Engine,
) -> None:
    """A store from create_all (first revision's tables, no alembic_version) keeps its data."""
    upgrade_to(engine, FIRST_REVISION)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    assert current_revision(engine) is None
    bodies = fill_first_revision(engine)
    factory = session_factory(engine)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    assert_kept(factory, bodies)


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    ensure_schema(engine)
    factory = session_factory(engine)
    bodies = fill(factory)
    ensure_schema(engine)
    assert_kept(factory, bodies)


def test_the_db_commands_show_and_upgrade_the_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()

    def defwatch(*args: str) -> str:
        result = runner.invoke(cli, ["--db", url, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    assert "revision: none" in defwatch("db", "current")
    assert f"upgraded from nothing to {head_revision()}" in defwatch("db", "upgrade")
    after = defwatch("db", "current")
    assert f"revision: {head_revision()}" in after
    assert "up to date" in after
    assert "already at revision" in defwatch("db", "upgrade")


def test_a_store_made_by_create_all_with_the_current_models_is_stamped_at_head(
    engine: Engine,
) -> None:
    """create_all (what defwatch did before migrations) with today's models: nothing to add."""
    Base.metadata.create_all(engine)
    factory = session_factory(engine)
    bodies = fill(factory)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []
    assert_kept(factory, bodies)
