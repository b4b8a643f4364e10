"""Fixtures for the article cleaner's tests: saved pages, the seed article, the shared dataset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SEED_NAME = "scmp-japan-defence-white-paper"


def shared_dir() -> Path | None:
    """../shared beside the repository (or beside the folder holding a git worktree)."""
    for candidate in (REPO_ROOT / ".." / "shared", REPO_ROOT / ".." / ".." / "shared"):
        if (candidate / "seeds").is_dir():
            return candidate.resolve()
    return None


@pytest.fixture
def pages_dir() -> Path:
    return FIXTURES / "crawler" / "pages"


@pytest.fixture
def seed_html() -> bytes:
    return (FIXTURES / "seed" / f"{SEED_NAME}.html").read_bytes()


@pytest.fixture
def seed_expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (FIXTURES / "seed" / f"{SEED_NAME}.expected.json").read_text("utf-8")
    )
    return data


@pytest.fixture
def shared() -> Path:
    found = shared_dir()
    if found is None:
        pytest.skip(
            "../shared is absent (seeds and datasets live there); nothing to compare with"
        )
    return found
