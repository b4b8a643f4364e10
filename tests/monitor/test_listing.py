"""Lists over the history: export reads every row once, across batch boundaries."""

from __future__ import annotations

from pathlib import Path

from monitor.db import make_engine, session_factory
from monitor.listing import iter_all
from tests.web.conftest import build_history


def test_export_batches_cover_every_row_once(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    build_history(url)
    with session_factory(make_engine(url, read_only=True))() as session:
        changes = [c["change_id"] for c in iter_all(session, "changes", batch=2)]
        articles = [a["article_id"] for a in iter_all(session, "articles", batch=1)]
        versions = [
            (v["article_id"], v["version"])
            for v in iter_all(session, "versions", batch=2)
        ]
    assert changes == sorted(set(changes)) and len(changes) == 5
    assert articles == [1, 2]
    assert versions == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)]
