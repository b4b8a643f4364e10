"""Learned boilerplate in the store: what is learned from which articles, and what it changes.

Lines a site repeats are learned from the latest versions of its newest articles; once learned,
the cleaner drops them, and a fetch that differs from the stored version only by them is no edit.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.cleaning import clean_html
from crawler.items import ArticleItem
from monitor.boilerplate import (
    NotASiteError,
    list_learned,
    relearn,
    relearn_after_run,
    sample_bodies,
)
from monitor.cli import cli
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.ingest import Recorder
from monitor.models import Change, Source, Version
from monitor.runs import start_run
from monitor.store import content_of, find_article, latest_version
from tests.db.db_articles import (
    RULES,
    SOURCE,
    article_html,
    article_item,
    paragraphs_about,
)

PROMO = (
    "Subscribe to the Daily Brief for the morning's defence analysis, delivered before "
    "the markets open."
)
OLD_PROMO = "Read the Harbour Watch weekly: every port, every hull, every Friday."
START = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    ensure_schema(engine)
    yield session_factory(engine)
    engine.dispose()


def url_of(n: int) -> str:
    return f"http://127.0.0.1:9/2024/05/story-{n}.html"


def page(
    n: int,
    extra: list[str],
    *,
    learned: frozenset[str] = frozenset(),
    edit: str = "",
    source: str = SOURCE,
) -> ArticleItem:
    """Article ``n`` with its own body plus ``extra`` paragraphs, cleaned as the spider would."""
    paragraphs = paragraphs_about(f"story {n}{edit}") + extra
    item = article_item(url_of(n), f"Story {n}", paragraphs, START + timedelta(hours=n))
    html = article_html(f"Story {n}", paragraphs)
    return replace(
        item,
        source=source,
        article=clean_html(html, item.url, learned_boilerplate=learned),
        fetched_at=datetime.now(UTC),
    )


def record(
    factory: sessionmaker[Session], items: list[ArticleItem]
) -> tuple[int, list[str]]:
    run_id = start_run(factory, scope="test")
    recorder = Recorder(factory, RULES, run_id)
    return run_id, [recorder.record(item) for item in items]


def learned_lines(factory: sessionmaker[Session], source: str = SOURCE) -> set[str]:
    with session_scope(factory) as session:
        return {item.line for item in list_learned(session, source)}


def test_a_line_in_enough_articles_is_learned_and_listed(factory):
    record(factory, [page(n, [PROMO]) for n in range(1, 7)])
    (result,) = relearn(factory)
    assert result.source == SOURCE and result.sampled == 6
    with session_scope(factory) as session:
        (learned,) = list_learned(session)
    assert (learned.source, learned.line) == (SOURCE, PROMO)
    assert (learned.articles, learned.sampled) == (6, 6)


def test_fewer_articles_than_min_docs_learn_nothing(factory):
    record(factory, [page(n, [PROMO]) for n in range(1, 5)])
    (result,) = relearn(factory)
    assert result.sampled == 4 and result.lines == ()
    assert learned_lines(factory) == set()


def test_the_sample_is_the_newest_articles_only(factory):
    # the four oldest carry an old promo, the six newest the current one
    record(factory, [page(n, [OLD_PROMO if n <= 4 else PROMO]) for n in range(1, 11)])
    with session_scope(factory) as session:
        source_id = session.scalars(select(Source.id)).one()
        sample = sample_bodies(session, source_id, limit=6)
    assert len(sample) == 6
    assert all(PROMO in body and OLD_PROMO not in body for body in sample)
    assert sample[0][0].startswith("Paragraph 1 on story 10")  # newest first
    (result,) = relearn(factory)  # the default cap reads all ten: 4 of 10 is not enough
    assert {item.line for item in result.lines} == {PROMO}


def test_only_the_latest_version_of_an_article_counts(factory):
    record(factory, [page(n, [PROMO]) for n in range(1, 6)])
    record(factory, [page(1, [], edit=" (updated)")])  # version 2 without the promo
    (result,) = relearn(factory)
    assert result.sampled == 5 and result.lines == ()  # 4 articles: under min_docs


def test_a_learned_line_is_kept_when_new_articles_no_longer_show_it(factory):
    record(factory, [page(n, [PROMO]) for n in range(1, 7)])
    (first,) = relearn(factory)
    # the cleaner now drops it: newer articles are stored without it
    record(
        factory, [page(n, [PROMO], learned=frozenset({PROMO})) for n in range(7, 30)]
    )
    (result,) = relearn(factory)
    assert [(i.line, i.articles, i.sampled) for i in result.lines] == [(PROMO, 6, 29)]
    assert result.lines[0].learned_at == first.lines[0].learned_at  # when first learned


def test_a_run_that_stored_nothing_new_relearns_nothing(factory):
    first_run, _ = record(factory, [page(n, [PROMO]) for n in range(1, 7)])
    assert [r.source for r in relearn_after_run(factory, first_run)] == [SOURCE]
    quiet_run, outcomes = record(factory, [page(n, [PROMO]) for n in range(1, 7)])
    assert set(outcomes) == {"unchanged"}
    assert relearn_after_run(factory, quiet_run) == []


def test_learning_alone_makes_no_version_and_a_real_edit_still_does(factory):
    record(factory, [page(n, [PROMO]) for n in range(1, 7)])
    relearn(factory)
    learned = frozenset({PROMO})
    # every page fetched again, the same text but cleaned without the promo now
    _, outcomes = record(
        factory, [page(n, [PROMO], learned=learned) for n in range(1, 7)]
    )
    assert outcomes == ["unchanged"] * 6
    _, outcomes = record(factory, [page(3, [PROMO], learned=learned, edit=" (edited)")])
    assert outcomes == ["new_version"]
    with session_scope(factory) as session:
        article = find_article(session, url_of(3))
        version = latest_version(session, article.id)
        assert version is not None and version.number == 2
        assert PROMO not in content_of(session, version).body
        edits = session.scalars(
            select(Change).where(Change.kind != "new", Change.article_id == article.id)
        ).all()
        assert len(edits) == 1 and edits[0].is_alerted
        assert "Daily Brief" not in str(edits[0].report)
        assert session.scalar(select(func.count()).select_from(Version)) == 7


def test_a_learned_line_that_moved_the_body_edge_is_no_edit_either(factory):
    # a dateline sits between the article and the promo: kept while the promo closes the body,
    # trimmed as edge junk once the promo is dropped; dropping the promo alone does not explain it
    datelined = [f"Filed from {place}" for place in ("Rosyth", "Brest", "Kiel", "Bath")]
    items = [page(n, [datelined[n % 4], PROMO]) for n in range(1, 7)]
    items.append(page(7, ["Filed from Portsmouth", PROMO]))
    record(factory, items)
    relearn(factory)
    assert learned_lines(factory) == {PROMO}
    learned = frozenset({PROMO})
    again = page(7, ["Filed from Portsmouth", PROMO], learned=learned)
    assert "Filed from Portsmouth" not in again.article.body
    _, outcomes = record(factory, [again])
    assert outcomes == ["unchanged"]


def test_another_sources_pages_keep_the_line(factory):
    record(factory, [page(n, [PROMO]) for n in range(1, 7)])
    record(factory, [page(n, [PROMO], source="other-desk") for n in range(50, 53)])
    relearn(factory)
    assert learned_lines(factory) == {PROMO}
    assert learned_lines(factory, "other-desk") == set()


def test_a_fetch_cleaned_before_the_line_was_learned_is_no_edit(factory):
    # another worker's crawl started before the relearning: its cleaner still keeps the promo
    record(factory, [page(n, [PROMO]) for n in range(1, 7)])
    relearn(factory)
    learned = frozenset({PROMO})
    _, outcomes = record(factory, [page(2, [PROMO], learned=learned, edit=" (v2)")])
    assert outcomes == ["new_version"]  # version 2 is stored without the promo
    _, outcomes = record(factory, [page(2, [PROMO], edit=" (v2)")])
    assert outcomes == ["unchanged"]


@pytest.mark.services
def test_two_processes_relearning_at_once_leave_one_set_of_lines(pg_url):
    engine = make_engine(pg_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    record(factory, [page(n, [PROMO]) for n in range(1, 7)])
    errors: list[BaseException] = []

    def relearn_often() -> None:
        try:
            for _ in range(15):
                relearn(factory)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=relearn_often) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert errors == []
    assert learned_lines(factory) == {PROMO}


def test_the_commands_list_and_relearn_and_name_an_unknown_source(factory, db_url):
    record(factory, [page(n, [PROMO]) for n in range(1, 7)])

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--db", db_url, "boilerplate", *args])

    nothing = run("list")
    assert nothing.exit_code == 0 and nothing.output.startswith("nothing learned yet")
    learned = run("learn")
    assert learned.exit_code == 0, learned.output
    assert learned.output.startswith(f"{SOURCE}: 1 lines learned from 6 articles\n")
    assert f"6 of 6  {PROMO}" in learned.output
    table = run("list", "--source", SOURCE)
    assert table.exit_code == 0 and "6 of 6" in table.output and "Daily" in table.output
    (row,) = json.loads(run("list", "--json").output)
    assert set(row) == {"source", "line", "articles", "sampled", "learned_at"}
    for args in (("list", "--source", "nowhere"), ("learn", "--source", "nowhere")):
        unknown = run(*args)
        assert (
            unknown.exit_code == 1
            and "no stored source named 'nowhere'" in unknown.output
        )


def test_articles_watched_directly_are_not_one_site_and_learn_nothing(factory):
    run_id, _ = record(factory, [page(n, [PROMO], source="urls") for n in range(1, 7)])
    assert relearn_after_run(factory, run_id) == []
    assert relearn(factory) == []
    with pytest.raises(NotASiteError, match="watched directly"):
        relearn(factory, ["urls"])
