"""Migrations: head matches the models; older stores upgrade to head and keep every row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from monitor.cli import cli
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.ingest import Recorder
from monitor.migrations import (
    FIRST_REVISION,
    current_revision,
    head_revision,
    upgrade_to,
)
from monitor.migrations.authoring import schema_differences
from monitor.models import Change, Version
from monitor.runs import start_run
from monitor.store import content_of, find_article, versions_of
from tests.db.db_articles import RULES, article_item, paragraphs_about

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
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == [], (
        "models.py changed without a migration: run python -m monitor.migrations revision 'what changed'"
    )


def test_a_store_made_by_the_first_revision_upgrades_and_keeps_every_version(
    engine: Engine,
) -> None:
    upgrade_to(engine, FIRST_REVISION)
    factory = session_factory(engine)
    bodies = fill(factory)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    assert_kept(factory, bodies)
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(Version)) == 6


def test_a_store_made_before_migrations_existed_is_stamped_and_upgraded(
    engine: Engine,
) -> None:
    """A store from create_all (first revision's tables, no alembic_version) keeps its data."""
    upgrade_to(engine, FIRST_REVISION)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    assert current_revision(engine) is None
    factory = session_factory(engine)
    bodies = fill(factory)
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
