"""Fixtures of the outbox tests (the servers and the store live in outbox_kit)."""

from __future__ import annotations

import logging
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


@pytest.fixture(autouse=True)
def _restore_logger_levels() -> Iterator[None]:
    """The CLI sets the level of some library loggers (httpx, scrapy, ...) for the process;
    tests that run it in-process put them back so later tests see the defaults."""
    names = [None, *logging.root.manager.loggerDict]
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    for name in set(logging.root.manager.loggerDict) - set(levels):
        logger = logging.getLogger(name)
        logger.setLevel(logging.NOTSET)
