"""Recording crawler items: versions only on real change, changes, removals, holds, the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from crawler.items import PageEventItem
from monitor.config import ChannelConfig
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.diffing import AlertPolicy
from monitor.ingest import AlertRules, Recorder
from monitor.models import Article, Change, CrawlIssue, Delivery, Version
from monitor.runs import start_run
from monitor.store import body_of, find_article, versions_of

CONSOLE = ChannelConfig(name="console", kind="console", options={})


def _recorder(url: str, rules: AlertRules | None = None) -> tuple[Recorder, object]:
    engine = make_engine(url)
    ensure_schema(engine)
    factory = session_factory(engine)
    run_id = start_run(factory, "test")
    return Recorder(factory, rules or AlertRules(channels=(CONSOLE,)), run_id), factory


def _count(factory, model) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_same_content_is_one_version_and_an_edit_is_one_more(sqlite_db, make_item):
    recorder, factory = _recorder(sqlite_db)
    assert recorder.record(make_item()) == "new_article"
    # the same text with typographic variants and extra spaces is not a new version
    assert (
        recorder.record(make_item(title="Carrier  group drills in Western Pacific"))
        == "unchanged"
    )
    edited = make_item(
        body=(
            "A Chinese aircraft carrier group carried out flight drills in the Western Pacific.",
            "Japan dispatched two destroyers to monitor the group, the defence ministry said.",
        )
    )
    assert recorder.record(edited) == "new_version"
    assert recorder.record(edited) == "unchanged"
    assert _count(factory, Version) == 2
    with session_scope(factory) as session:
        changes = list(session.scalars(select(Change).order_by(Change.id)))
        assert changes[0].kind == "new"
        edit = changes[1]
        assert edit.is_alerted and "two destroyers" in edit.report["unified"]
        assert edit.kinds == ["numbers", "paragraphs_edited"]  # "a destroyer" -> "two"
        deliveries = list(session.scalars(select(Delivery)))
        # the first version raises no alert by default; the edit one, to the one channel
        assert [(d.change_id, d.channel, d.status) for d in deliveries] == [
            (edit.id, "console", "pending")
        ]


def test_history_is_reachable_from_any_url_of_the_article(sqlite_db, make_item):
    recorder, factory = _recorder(sqlite_db)
    canonical = "https://news.example.com/news/article/1/carrier-drills"
    recorder.record(
        make_item(
            url=canonical, requested_url="https://news.example.com/a/1?utm_source=x"
        )
    )
    # a slug change on the same site: the old URL redirects to the new one
    renamed = "https://news.example.com/news/article/1/carrier-group-drills"
    recorder.record(
        make_item(
            url=renamed,
            requested_url=canonical,
            canonical_url=renamed,
            title="Carrier group drills near Japan",
        )
    )
    with session_scope(factory) as session:
        assert _count(factory, Article) == 1
        article = find_article(session, "https://news.example.com/a/1?utm_source=x")
        assert find_article(session, renamed).id == article.id
        assert [v.title for v in versions_of(session, article.id)] == [
            "Carrier group drills in Western Pacific",
            "Carrier group drills near Japan",
        ]


def test_paragraphs_are_stored_once_per_article(sqlite_db, make_item):
    recorder, factory = _recorder(sqlite_db)
    body = tuple(
        f"Paragraph {i} about the destroyer fleet and its missiles." for i in range(10)
    )
    recorder.record(make_item(body=body))
    recorder.record(make_item(body=(*body[:9], "Paragraph 9 was edited by the desk.")))
    with session_scope(factory) as session:
        versions = versions_of(session, 1)
        assert (
            body_of(session, versions[1])[-1] == "Paragraph 9 was edited by the desk."
        )
        assert body_of(session, versions[0]) == list(body)
    from monitor.models import Paragraph

    assert _count(factory, Paragraph) == 11  # ten, plus the one edited paragraph


def test_extraction_failure_and_big_shrink_are_held_not_versions(sqlite_db, make_item):
    recorder, factory = _recorder(sqlite_db)
    long_body = tuple(
        f"Paragraph {i} on the navy's new frigate programme and its budget."
        for i in range(12)
    )
    recorder.record(make_item(body=long_body))
    assert recorder.record(make_item(failure="consent wall")) == "held"
    assert recorder.record(make_item(body=long_body[:1])) == "held"
    assert _count(factory, Version) == 1
    with session_scope(factory) as session:
        messages = list(session.scalars(select(CrawlIssue.message)))
    assert any("consent wall" in m for m in messages)
    assert any("shrank" in m for m in messages)


def test_a_page_that_disappears_is_recorded_as_removed_then_restored(
    sqlite_db, make_item
):
    recorder, factory = _recorder(sqlite_db)
    item = make_item()
    recorder.record(item)
    gone = PageEventItem(
        source="example",
        url=item.url,
        requested_url=item.url,
        fetched_at=datetime.now(UTC),
        outcome="gone",
        http_status=404,
        message="HTTP 404",
    )
    assert recorder.record(gone) == "removed"
    assert recorder.record(gone) == "removed"
    recorder.record(item)
    with session_scope(factory) as session:
        kinds = list(session.scalars(select(Change.kind).order_by(Change.id)))
        assert kinds == ["new", "removed", "restored"]
        assert session.scalar(select(Article.status)) == "active"


def test_irrelevant_articles_are_recorded_but_not_monitored(sqlite_db, make_item):
    recorder, factory = _recorder(sqlite_db)
    assert (
        recorder.record(make_item(relevant=False, title="Cup final goes to penalties"))
        == "irrelevant"
    )
    assert _count(factory, Version) == 0
    with session_scope(factory) as session:
        article = session.scalar(select(Article))
        assert article.is_relevant is False and article.next_check_at is None


def test_headline_only_sources_alert_only_on_headline_changes(sqlite_db, make_item):
    rules = AlertRules(
        channels=(CONSOLE,), policies={"example": AlertPolicy(mode="headline_only")}
    )
    recorder, factory = _recorder(sqlite_db, rules)
    recorder.record(make_item())
    recorder.record(make_item(body=("Only the body changed here, about the navy.",)))
    recorder.record(
        make_item(
            title="A new headline",
            body=("Only the body changed here, about the navy.",),
        )
    )
    with session_scope(factory) as session:
        alerted = list(session.scalars(select(Change.is_alerted).order_by(Change.id)))
    assert alerted == [False, False, True]


def test_each_check_plans_the_next_by_the_articles_age(sqlite_db, make_item):
    from datetime import timedelta

    recorder, factory = _recorder(sqlite_db)
    first = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    recorder.record(make_item(fetched_at=first))
    # young: every 15 minutes
    with session_scope(factory) as session:
        planned = session.scalar(select(Article.next_check_at)).replace(tzinfo=UTC)
    assert planned - first == timedelta(minutes=15)
    # 3 days old: daily; the age is a full duration (days included), not timedelta.seconds
    later = first + timedelta(days=3, minutes=5)
    recorder.record(make_item(fetched_at=later))
    with session_scope(factory) as session:
        planned = session.scalar(select(Article.next_check_at)).replace(tzinfo=UTC)
    assert planned - later == timedelta(days=1)
    # 3 weeks old: no more checks
    recorder.record(make_item(fetched_at=first + timedelta(days=21)))
    with session_scope(factory) as session:
        assert session.scalar(select(Article.next_check_at)) is None
