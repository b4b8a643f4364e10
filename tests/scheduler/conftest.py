"""Fixtures for the scheduler tests: the editable loopback news site and a workspace (config +
database) to run ``defwatch`` in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from newsdesk import NewsDesk, start_desk, stop_desk
from sched_workspace import Workspace, config_text


@pytest.fixture
def desk() -> Iterator[NewsDesk]:
    """A fresh editable news site on 127.0.0.1."""
    desk, server, thread = start_desk()
    try:
        yield desk
    finally:
        stop_desk(desk, server, thread)


@pytest.fixture
def workspace(tmp_path: Path, desk: NewsDesk) -> Workspace:
    """A workspace whose config watches the desk."""
    config = tmp_path / "defwatch.toml"
    config.write_text(config_text(desk.base), "utf-8")
    return Workspace(tmp_path, config, f"sqlite:///{tmp_path / 'watch.sqlite3'}")
