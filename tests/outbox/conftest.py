"""Fixtures of the outbox tests (the servers and the store live in outbox_kit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from outbox_kit import HttpReceiver, SmtpInbox, Store

from monitor.db import ensure_schema, make_engine, session_factory


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    inbox.start()
    yield inbox
    inbox.stop()


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    server = HttpReceiver()
    yield server
    server.close()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    path = tmp_path / "defwatch.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    return Store(path, session_factory(engine))
