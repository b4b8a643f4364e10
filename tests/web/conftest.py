"""A small real store for the web tests: two sources, edited articles, hostile text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import tests.items
from crawler.items import ArticleItem
from monitor.db import ensure_schema, make_engine, session_factory
from monitor.ingest import AlertRules, Recorder
from monitor.runs import start_run

FRIGATE_URL = "https://alpha.example.com/news/frigate-missiles"
HOSTILE_URL = "https://beta.example.com/news/hostile"
HOSTILE = "<script>alert(1)</script>"
START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

FRIGATE_V1 = (
    "The navy commissioned its newest frigate on Monday at the northern base.",
    "The frigate carries eight anti-ship missiles and a towed sonar array.",
    "Officials said sonar trials near Gotland would begin in the spring.",
)
# v2: one word changed (eight -> twelve); v3: the Gotland paragraph removed, one added
FRIGATE_V2 = (FRIGATE_V1[0], FRIGATE_V1[1].replace("eight", "twelve"), FRIGATE_V1[2])
FRIGATE_V3 = (
    FRIGATE_V2[0],
    FRIGATE_V2[1],
    "The ministry declined to say when the ship would deploy.",
)


@dataclass(frozen=True, slots=True)
class HistoryStore:
    """The URL of the built store and what the tests look for in it."""

    url: str
    path: Path


def article_item(
    url: str,
    *,
    title: str,
    body: tuple[str, ...],
    standfirst: tuple[str, ...],
    source: str,
    fetched_at: datetime,
) -> ArticleItem:
    """An ArticleItem as the spider yields it for a cleaned page."""
    return tests.items.article_item(
        url,
        title=title,
        body=body,
        standfirst=standfirst,
        authors=("Desk Reporter",),
        source=source,
        fetched_at=fetched_at,
        relevance_terms=("frigate",) if "frigate" in url else ("hostile",),
    )


def build_history(url: str) -> None:
    """Record three versions of the frigate article and two of a hostile one."""
    engine = make_engine(url)
    ensure_schema(engine)
    factory = session_factory(engine)
    recorder = Recorder(factory, AlertRules(), start_run(factory, "test"))
    bodies = (FRIGATE_V1, FRIGATE_V2, FRIGATE_V3)
    for i, body in enumerate(bodies):
        recorder.record(
            article_item(
                FRIGATE_URL,
                title="Navy commissions new frigate",
                body=body,
                standfirst=("The ship joins the northern fleet",),
                source="alpha",
                fetched_at=START + timedelta(hours=6 * i),
            )
        )
    for i, extra in enumerate(("", " It was later updated.")):
        recorder.record(
            article_item(
                HOSTILE_URL,
                title=f"Hostile headline {HOSTILE}",
                body=(f"This paragraph holds {HOSTILE} as plain text.{extra}",),
                standfirst=(),
                source="beta",
                fetched_at=START + timedelta(days=1, hours=i),
            )
        )
    engine.dispose()


@pytest.fixture(scope="module")
def history_store(tmp_path_factory: pytest.TempPathFactory) -> HistoryStore:
    """A SQLite file holding the history above (shared by a module's tests: they only read)."""
    path = tmp_path_factory.mktemp("web") / "history.sqlite3"
    url = f"sqlite:///{path}"
    build_history(url)
    return HistoryStore(url=url, path=path)
