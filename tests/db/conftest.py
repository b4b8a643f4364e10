"""Fixtures for store tests: a fresh database on every backend, Redis, articles to record."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import ensure_schema, make_engine, session_factory
from tests.services import fresh_postgres_database, redis_url

# the PostgreSQL half is marked "services": `-m "not services"` runs the SQLite half only
BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.services))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on that database, its schema created (a module may define its own)."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine``."""
    return session_factory(engine)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database URL (concurrency tests need a real server)."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def redis_prefix() -> Iterator[tuple[str, str]]:
    """A reachable Redis URL and a key prefix of this test's own; its keys are deleted afterwards."""
    import redis

    url = redis_url()
    prefix = f"defwatch-test-{uuid.uuid4().hex[:10]}"
    yield url, prefix
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
