"""The scheduling keys of defwatch.toml: cron schedules, [schedule], [health]."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.config import SourceConfig, crontab_fields, parse_config
from monitor.db import (
    ensure_schema,
    make_engine,
    session_factory,
    session_scope,
    sqlite_url,
)
from monitor.errors import ConfigError
from monitor.models import Article, Source
from monitor.triggers import discovery_trigger, due_for_recheck, next_discovery_at

SOURCE = {"name": "desk", "feeds": ["https://example.org/feed.xml"]}


def _parse(**tables: object) -> object:
    return parse_config(tables, "defwatch.toml", Path("."))


def test_bad_cron_expression_names_file_key_and_example() -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(sources=[{**SOURCE, "schedule": "*/30 * * *"}])
    message = str(caught.value)
    assert message.startswith(
        "defwatch.toml: sources[0].schedule: invalid cron expression"
    )
    assert "expected 5 fields" in message
    with pytest.raises(
        ConfigError, match="invalid cron expression '61 \\* \\* \\* \\*'"
    ):
        _parse(sources=[{**SOURCE, "schedule": "61 * * * *"}])


def test_cron_schedule_and_tables_are_read() -> None:
    config = _parse(
        sources=[{**SOURCE, "schedule": "*/30 * * * *"}],
        schedule={"recheck_every_s": 5, "jitter_s": 0, "max_parallel_crawls": 3},
        health={"no_success_hours": 6, "error_rate": 0.25},
    )
    assert config.sources[0].schedule == "*/30 * * * *"  # type: ignore[attr-defined]
    assert config.schedule.recheck_every_s == 5  # type: ignore[attr-defined]
    assert config.schedule.max_parallel_crawls == 3  # type: ignore[attr-defined]
    assert config.health.no_success_hours == 6  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match=r"health.error_rate: must be a share"):
        _parse(health={"error_rate": 2})
    with pytest.raises(ConfigError, match=r"schedule.every_s: unknown key"):
        _parse(schedule={"every_s": 5})


def test_crontab_weekdays_count_from_sunday() -> None:
    # APScheduler 3 counts from Monday; a crontab "1-5" must still mean Monday to Friday
    assert crontab_fields("0 9 * * 1-5")["day_of_week"] == "mon-fri"
    trigger = discovery_trigger(
        SourceConfig(spec=parse_source_spec(), schedule="0 9 * * 0"),
        0,
        datetime.now(UTC),
    )
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    fire = trigger.get_next_fire_time(None, saturday)
    assert fire == datetime(2026, 11, 29, 9, 0, tzinfo=UTC)  # Sunday 09:00
    assert fire.strftime("%A") == "Sunday"


def parse_source_spec() -> object:
    return _parse(sources=[SOURCE]).sources[0].spec  # type: ignore[attr-defined]


def test_next_run_follows_the_last_run() -> None:
    source = SourceConfig(spec=parse_source_spec(), discover_every_min=30)  # type: ignore[arg-type]
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert next_discovery_at(source, None, now) == now  # never run: at once
    assert next_discovery_at(
        source, now - timedelta(minutes=10), now
    ) == now + timedelta(minutes=20)
    assert next_discovery_at(source, now - timedelta(hours=3), now) == now  # overdue
    cron = SourceConfig(spec=parse_source_spec(), schedule="*/30 * * * *")  # type: ignore[arg-type]
    ten_past = datetime(2026, 11, 28, 12, 10, tzinfo=UTC)
    slot = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert next_discovery_at(cron, slot, ten_past) == slot + timedelta(minutes=30)
    # stopped before the 11:30 and 12:00 slots: the missed runs are one run, now
    assert next_discovery_at(cron, slot - timedelta(minutes=40), ten_past) == ten_past


def test_recheck_queue_counts_due_monitored_articles(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "queue.sqlite3"))
    ensure_schema(engine)
    factory = session_factory(engine)
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    with session_scope(factory) as session:
        desk = Source(name="desk", created_at=now)
        session.add(desk)
        session.flush()
        for index, (due_in, status, relevant) in enumerate(
            [
                (-5, "active", True),  # due
                (-60, "active", True),  # overdue
                (5, "active", True),  # not yet
                (-5, "removed", True),  # gone: never re-checked
                (-5, "active", False),  # not monitored
            ]
        ):
            session.add(
                Article(
                    source_id=desk.id,
                    canonical_url=f"https://desk.example/{index}",
                    status=status,
                    is_relevant=relevant,
                    first_seen_at=now,
                    last_checked_at=now,
                    next_check_at=now + timedelta(minutes=due_in),
                )
            )
    with session_scope(factory) as session:
        assert due_for_recheck(session, ["desk", "wire"], now) == {"desk": 2}
