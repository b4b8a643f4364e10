"""Recording a batch of crawler items at once (a first crawl, a re-crawl) on every backend.

The batch must read back exactly as if each item had been recorded alone: one article per
canonical URL, version 1 with its paragraphs in order, one "new article" change and its alert
delivery, and unchanged pages that only move their check times.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.items import PageEventItem
from monitor.db import session_scope
from monitor.ingest import AlertRules, Recorder
from monitor.models import Article, ArticleUrl, Change, CrawlIssue, Delivery, Version
from monitor.runs import start_run
from monitor.store import content_of, find_article, versions_of
from tests.db.db_articles import RULES, SOURCE, article_item, paragraphs_about

BASE = "http://127.0.0.1:9/2024/05/12"


def recorder(factory: sessionmaker[Session], rules: AlertRules = RULES) -> Recorder:
    return Recorder(factory, rules, start_run(factory, scope="test"))


def count(factory: sessionmaker[Session], model: type[object]) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def not_modified(url: str) -> PageEventItem:
    return PageEventItem(
        source=SOURCE,
        url=url,
        requested_url=url,
        fetched_at=datetime.now(UTC),
        outcome="not_modified",
        http_status=304,
        message="not modified",
        etag='"v2"',
    )


def test_a_batch_of_new_articles_reads_back_as_recorded_one_by_one(
    factory: sessionmaker[Session],
) -> None:
    items = [
        article_item(
            f"{BASE}/story-{n}.html",
            f"Frigate story {n}",
            paragraphs_about(f"story {n}"),
        )
        for n in range(5)
    ]
    # the same paragraph twice in one article is stored once and read back twice
    repeated = paragraphs_about("repeats", 2)
    items.append(
        article_item(f"{BASE}/repeats.html", "Repeats", [*repeated, repeated[0]])
    )
    outcomes = recorder(factory).record_batch(items)

    assert outcomes == ["new_article"] * 6
    with session_scope(factory) as session:
        for item in items:
            article = find_article(session, item.url)
            [version] = versions_of(session, article.id)
            content = content_of(session, version)
            assert (version.number, content.title) == (1, item.article.title)
            assert content.body == item.article.body
        [kind] = set(session.scalars(select(Change.kind)))
        assert kind == "new"
    assert count(factory, Change) == 6
    assert count(factory, Delivery) == 6  # alert_on_new: one delivery each, none twice


def test_two_items_of_one_article_in_a_batch_make_one_article(
    factory: sessionmaker[Session],
) -> None:
    canonical = f"{BASE}/frigate-trials.html"
    first = article_item(canonical, "Frigate trials", paragraphs_about("trials"))
    tracked = dataclasses.replace(
        first, url=f"{BASE}/frigate-trials.html?ref=home", requested_url=f"{BASE}/x"
    )
    outcomes = recorder(factory).record_batch([first, tracked])

    assert outcomes == ["new_article", "unchanged"]
    assert count(factory, Article) == 1
    assert count(factory, Version) == 1
    with session_scope(factory) as session:
        urls = set(session.scalars(select(ArticleUrl.url)))
    assert urls == {canonical, f"{BASE}/frigate-trials.html?ref=home", f"{BASE}/x"}


def test_a_batch_mixing_new_unchanged_and_edited_pages(
    factory: sessionmaker[Session],
) -> None:
    old = article_item(f"{BASE}/old.html", "Old story", paragraphs_about("old"))
    edited_source = article_item(
        f"{BASE}/edited.html", "Edited", paragraphs_about("edit")
    )
    recorder(factory).record_batch([old, edited_source])

    edited = article_item(
        f"{BASE}/edited.html", "Edited (updated)", paragraphs_about("the edit")
    )
    new = article_item(f"{BASE}/new.html", "New story", paragraphs_about("new"))
    again = recorder(factory, AlertRules(channels=RULES.channels))
    checked = not_modified(old.url)
    outcomes = again.record_batch([checked, edited, new])

    assert outcomes == ["unchanged", "new_version", "new_article"]
    with session_scope(factory) as session:
        stored = find_article(session, old.url)
        assert (
            stored.etag == '"v2"'
        )  # the validators the 304 sent back, for the next ask
        checked_at = stored.last_checked_at.replace(tzinfo=UTC)
        assert abs((checked_at - checked.fetched_at).total_seconds()) < 1e-3
        assert stored.next_check_at is None  # published in May 2024: past re-checking
        assert len(versions_of(session, find_article(session, edited.url).id)) == 2
        kinds = list(session.scalars(select(Change.kind).order_by(Change.id)))
    assert (
        kinds.count("new") == 3 and len(kinds) == 4
    )  # three new articles and one edit
    # the first run alerts its two new articles; the second (no alert_on_new) only the edit
    assert count(factory, Delivery) == 3


def test_a_page_the_store_refuses_costs_only_itself(
    factory: sessionmaker[Session],
) -> None:
    good = [
        article_item(
            f"{BASE}/good-{n}.html", f"Good story {n}", paragraphs_about(f"good {n}")
        )
        for n in range(4)
    ]
    # a value the database driver cannot take (here: not JSON); on PostgreSQL a published
    # date longer than its column is refused the same way
    bad = dataclasses.replace(
        article_item(f"{BASE}/bad.html", "Bad story", paragraphs_about("bad")),
        relevance_terms=(object(),),  # type: ignore[arg-type]
    )
    outcomes = recorder(factory).record_batch([good[0], good[1], bad, good[2], good[3]])

    assert outcomes == [
        "new_article",
        "new_article",
        "error",
        "new_article",
        "new_article",
    ]
    assert count(factory, Article) == 4
    with session_scope(factory) as session:
        [issue] = session.scalars(select(CrawlIssue)).all()
        assert issue.url == bad.url and "cannot store this page" in issue.message
