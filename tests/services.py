"""Test access to the servers some tests need: PostgreSQL and Redis on 127.0.0.1.

One rule for every test that needs a server: when it is not reachable the test SKIPS with a clear
reason, unless ``DEFWATCH_REQUIRE_SERVICES`` is set (CI), where a missing server is a FAILURE.

Use from a conftest (``from tests.services import ...``)::

    with fresh_postgres_database() as url: ...   # a new, empty database; dropped afterwards
    url = redis_url()                            # a reachable Redis (skip/fail otherwise)

Override the servers with DEFWATCH_TEST_POSTGRES (an admin URL, database ``postgres``) and
DEFWATCH_TEST_REDIS.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

REQUIRE_ENV = "DEFWATCH_REQUIRE_SERVICES"
POSTGRES_ADMIN_URL = os.environ.get(
    "DEFWATCH_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("DEFWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")
CONNECT_TIMEOUT_S = 3


def service_missing(service: str, reason: str) -> NoReturn:
    """Skip the test (developer machine) or fail it (DEFWATCH_REQUIRE_SERVICES set)."""
    message = f"{service} is not reachable ({reason})"
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{message}; {REQUIRE_ENV} is set, so this is a failure")
    pytest.skip(f"{message}; start it or set {REQUIRE_ENV}=1 to make this a failure")


def postgres_admin_engine(url: str = POSTGRES_ADMIN_URL) -> Engine:
    """An AUTOCOMMIT engine on the server's ``postgres`` database (skip/fail when unreachable)."""
    try:
        import psycopg  # noqa: F401  (the driver the URLs name)
    except ImportError as exc:
        service_missing("PostgreSQL", f"driver missing: {exc}")
    engine = create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=True,  # the server may restart while a test runs
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        service_missing("PostgreSQL", str(exc.orig).strip().splitlines()[0])
    return engine


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """The URL of a new empty database with a random name; it is dropped afterwards."""
    admin = postgres_admin_engine()
    name = f"defwatch_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(POSTGRES_ADMIN_URL)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def redis_url(url: str = REDIS_URL) -> str:
    """The URL of a reachable Redis (skip/fail when it is not)."""
    try:
        import redis
    except ImportError as exc:
        service_missing("Redis", f"client missing: {exc}")
    client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S)
    try:
        client.ping()
    except redis.RedisError as exc:
        service_missing("Redis", str(exc))
    finally:
        client.close()
    return url
