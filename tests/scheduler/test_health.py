"""Source health: a source whose crawls fail raises one site_broken alert, then site_recovered."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.console import ConsoleChannel
from crawler.sources import SourceSpec
from monitor.cli import main
from monitor.config import AppConfig, ChannelConfig, HealthConfig, SourceConfig
from monitor.db import (
    ensure_schema,
    make_engine,
    session_factory,
    session_scope,
    sqlite_url,
)
from monitor.health import check_health, send_health_pending
from monitor.lock import crawl_lock, lock_path
from monitor.models import CrawlIssue, CrawlRun, HealthAlert
from monitor.notify import ChannelFactory

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
CONFIG = AppConfig(
    sources=(
        SourceConfig(
            spec=SourceSpec(name="desk", feeds=("https://desk.example/feed",))
        ),
        SourceConfig(
            spec=SourceSpec(name="wire", feeds=("https://wire.example/feed",))
        ),
    ),
    channels=(ChannelConfig(name="console", kind="console", options={}),),
    health=HealthConfig(no_success_hours=6, error_rate=0.5, min_pages=4),
)


@pytest.fixture
def factory(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(sqlite_url(tmp_path / "health.sqlite3"))
    ensure_schema(engine)
    return session_factory(engine)


def add_run(
    factory: sessionmaker[Session],
    scope: str,
    started: datetime,
    *,
    status: str = "ok",
    pages: int = 10,
    errors: int = 0,
) -> int:
    with session_scope(factory) as session:
        run = CrawlRun(
            scope=scope,
            started_at=started,
            finished_at=started + timedelta(minutes=1),
            status=status,
            pages=pages,
            errors=errors,
        )
        session.add(run)
        session.flush()
        for index in range(errors):
            session.add(
                CrawlIssue(
                    run_id=run.id,
                    source=scope,
                    url=f"https://{scope}.example/{index}",
                    severity="error",
                    http_status=503,
                    message="HTTP 503",
                    at=started,
                )
            )
        return run.id


def printing_to(stream: io.StringIO) -> ChannelFactory:
    return lambda _channel: ConsoleChannel(stream)


def states(factory: sessionmaker[Session], now: datetime) -> dict[str, str]:
    return {h.source: h.state for h in check_health(factory, CONFIG, now)}


def test_mostly_failing_crawl_alerts_once_then_recovery(
    factory: sessionmaker[Session],
) -> None:
    add_run(factory, "desk", NOW - timedelta(hours=2))
    add_run(factory, "wire", NOW - timedelta(hours=2))
    broken = add_run(
        factory, "desk", NOW - timedelta(minutes=5), status="partial", errors=8
    )
    assert states(factory, NOW) == {"desk": "unhealthy", "wire": "ok"}
    assert (
        states(factory, NOW + timedelta(minutes=1))["desk"] == "unhealthy"
    )  # no second alert
    stream = io.StringIO()
    report = send_health_pending(factory, CONFIG, printing_to(stream), NOW)
    assert (report.sent, report.failed) == (1, 0)
    text = stream.getvalue()
    assert "source desk is unhealthy: 8 of 10 pages failed in crawl run" in text
    assert f"run {broken}" in text
    add_run(factory, "desk", NOW + timedelta(minutes=30))
    assert states(factory, NOW + timedelta(minutes=31))["desk"] == "ok"
    send_health_pending(
        factory, CONFIG, printing_to(stream), NOW + timedelta(minutes=31)
    )
    assert "source desk has recovered" in stream.getvalue()
    with session_scope(factory) as session:
        rows = session.execute(
            select(HealthAlert.kind, HealthAlert.status, HealthAlert.episode)
        ).all()
    assert [(kind, status) for kind, status, _ in rows] == [
        ("site_broken", "sent"),
        ("site_recovered", "sent"),
    ]
    assert rows[0][2] == rows[1][2]  # one episode


def test_no_successful_crawl_for_hours_is_unhealthy(
    factory: sessionmaker[Session],
) -> None:
    add_run(factory, "desk", NOW - timedelta(hours=9))
    add_run(factory, "wire", NOW - timedelta(hours=9))
    # small failing runs (fewer pages than min_pages) do not trip the error rate ...
    for hours in (5, 3, 1):
        add_run(
            factory,
            "desk",
            NOW - timedelta(hours=hours),
            status="partial",
            pages=1,
            errors=1,
        )
        add_run(factory, "wire", NOW - timedelta(hours=hours), status="ok", pages=1)
    # ... but six hours without a good one do
    assert states(factory, NOW - timedelta(hours=3, minutes=30)) == {
        "desk": "ok",
        "wire": "ok",
    }
    healths = {h.source: h for h in check_health(factory, CONFIG, NOW)}
    assert healths["desk"].state == "unhealthy"
    assert healths["desk"].reason.startswith("no successful crawl for 6 h")
    assert healths["wire"].state == "ok"


def test_status_json_reports_runs_trouble_and_the_running_crawl(
    factory: sessionmaker[Session], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_url = sqlite_url(tmp_path / "health.sqlite3")
    config = tmp_path / "defwatch.toml"
    config.write_text(
        '[[sources]]\nname = "desk"\nfeeds = ["https://desk.example/feed"]\n'
        'discover_every_min = 30\n\n[[sources]]\nname = "wire"\n'
        'feeds = ["https://wire.example/feed"]\nschedule = "0 * * * *"\n',
        "utf-8",
    )
    now = datetime.now(UTC)
    add_run(factory, "desk", now - timedelta(minutes=10), status="partial", errors=9)
    check_health(factory, AppConfig(sources=CONFIG.sources), now)
    with crawl_lock(lock_path(db_url, {}), "defwatch run"):
        main(["--db", db_url, "--config", str(config), "status", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["crawling"]["command"] == "defwatch run"
    assert data["trouble"] == ["desk"]
    desk, wire = data["sources"]
    assert desk["schedule"] == "every 30 min"
    assert desk["health"] == "unhealthy"
    next_run = datetime.fromisoformat(desk["next_run_at"])
    assert timedelta(minutes=19) < next_run - now <= timedelta(minutes=20)
    assert wire["schedule"] == "cron 0 * * * *"
    assert wire["last_run_id"] is None and wire["health"] == "unknown"
    assert data["runs"][0]["errors"] == 9
    assert data["runs"][0]["first_errors"][0] == "https://desk.example/0: HTTP 503"
    assert data["health_alerts"] == {"pending": 1}
