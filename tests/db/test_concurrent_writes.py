"""Workers saving the same article at the same moment on PostgreSQL: one version, change, alert."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.items import ArticleItem, PageEventItem
from monitor.db import ensure_schema, make_engine, session_scope
from monitor.ingest import Outcome, Recorder
from monitor.models import Article, ArticleUrl, Change, Delivery, Paragraph, Version
from monitor.runs import start_run
from tests.db.db_articles import RULES, article_item, gone_item, paragraphs_about

pytestmark = pytest.mark.services  # real PostgreSQL
WORKERS = 8
URL = "http://127.0.0.1:9/2024/05/12/navy-frigate-trials.html"
JOIN_DEADLINE_S = 60


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()


def record_at_once(
    factory: sessionmaker[Session], items: list[ArticleItem | PageEventItem]
) -> Counter[Outcome]:
    """Each item recorded by its own worker (own run, own connection), all released together."""
    start = threading.Barrier(len(items))
    outcomes: Counter[Outcome] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(item: ArticleItem | PageEventItem) -> None:
        recorder = Recorder(factory, RULES, start_run(factory, scope="worker"))
        start.wait()
        try:
            outcome = recorder.record(item)
        except Exception as exc:  # noqa: BLE001  (any failure in a worker fails the test)
            with lock:
                errors.append(exc)
            return
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_DEADLINE_S)
    assert not [t for t in threads if t.is_alive()], "a worker hung"
    assert errors == []
    return outcomes


def counts(factory: sessionmaker[Session]) -> dict[str, int]:
    models: dict[str, Callable[..., object]] = {
        "articles": Article,
        "urls": ArticleUrl,
        "paragraphs": Paragraph,
        "versions": Version,
        "changes": Change,
        "deliveries": Delivery,
    }
    with session_scope(factory) as session:
        return {
            name: session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in models.items()
        }


def test_the_same_new_article_saved_by_many_workers_is_stored_once(
    factory: sessionmaker[Session],
) -> None:
    paragraphs = paragraphs_about("trials")
    items: list[ArticleItem | PageEventItem] = [
        article_item(URL, "Frigate trials", paragraphs) for _ in range(WORKERS)
    ]
    outcomes = record_at_once(factory, items)
    assert outcomes == Counter({"new_article": 1, "unchanged": WORKERS - 1})
    found = counts(factory)
    assert found["articles"] == 1
    assert found["urls"] == 1
    assert (found["versions"], found["changes"], found["deliveries"]) == (1, 1, 1)


def test_the_same_edit_saved_by_many_workers_makes_one_version_change_and_alert(
    factory: sessionmaker[Session],
) -> None:
    before = paragraphs_about("trials")
    Recorder(factory, RULES, start_run(factory, scope="first")).record(
        article_item(URL, "Frigate trials", before)
    )
    after = [*before[:-1], "The trials were postponed after a fire in the engine room."]
    items: list[ArticleItem | PageEventItem] = [
        article_item(URL, "Frigate trials", after) for _ in range(WORKERS)
    ]
    outcomes = record_at_once(factory, items)
    assert outcomes == Counter({"new_version": 1, "unchanged": WORKERS - 1})
    found = counts(factory)
    assert (found["versions"], found["changes"], found["deliveries"]) == (2, 2, 2)
    with session_scope(factory) as session:
        numbers = session.scalars(select(Version.number).order_by(Version.number))
        assert list(numbers) == [1, 2]


def test_a_removal_seen_by_many_workers_is_one_change(
    factory: sessionmaker[Session],
) -> None:
    Recorder(factory, RULES, start_run(factory, scope="first")).record(
        article_item(URL, "Frigate trials", paragraphs_about("trials"))
    )
    outcomes = record_at_once(factory, [gone_item(URL) for _ in range(WORKERS)])
    assert outcomes == Counter({"removed": WORKERS})  # each saw the page gone...
    with session_scope(factory) as session:
        kinds = Counter(session.scalars(select(Change.kind)))
    assert kinds == Counter({"new": 1, "removed": 1})  # ...but it is one event
    assert counts(factory)["deliveries"] == 2


def test_a_losing_writer_with_other_content_is_recorded_after_the_winner(
    factory: sessionmaker[Session],
) -> None:
    """The race loser re-reads the winner's article instead of dropping its own fetch."""
    first = paragraphs_about("trials")
    second = [*first[:-1], "The trials were postponed after a fire in the engine room."]
    outcomes = record_at_once(
        factory,
        [
            article_item(URL, "Frigate trials", first),
            article_item(URL, "Frigate trials", second),
        ],
    )
    assert outcomes == Counter({"new_article": 1, "new_version": 1})
    found = counts(factory)
    assert (found["articles"], found["versions"]) == (1, 2)
