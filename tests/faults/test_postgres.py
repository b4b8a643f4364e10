"""PostgreSQL restarted in the middle of a crawl: the run goes on or fails in one line, and the next
run stores every page (pool_pre_ping replaces the dead connections).

Needs the db branch's services helper and a PostgreSQL cluster 15/main on 127.0.0.1 that this
machine's root can restart (pg_ctlcluster); skips otherwise, or fails when
DEFWATCH_REQUIRE_SERVICES is set (tests/services.py's rule). The restart briefly disconnects every
other user of that server.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.e2e import defwatch
from tests.faults.conftest import stored_versions
from tests.faults.site import serve
from tests.faults.test_process import (
    ARTICLES,
    _publish,
    _start_crawl,
)

services = pytest.importorskip(
    "tests.services",
    reason="the db branch's services helper (tests/services.py) is absent",
)
pytestmark = pytest.mark.slow
CLUSTER = ("15", "main")


def _wait_until_up(url: str, seconds: float = 60) -> None:
    engine = create_engine(url)
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return
            except OperationalError:
                if time.monotonic() > deadline:
                    raise
                threading.Event().wait(0.2)
    finally:
        engine.dispose()


@contextmanager
def _database() -> Iterator[str]:
    """A new database, dropped afterwards through a fresh connection (the restart killed the
    pooled ones; tests.services.fresh_postgres_database would reuse a dead one)."""
    admin = services.postgres_admin_engine()
    name = f"defwatch_faults_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(services.POSTGRES_ADMIN_URL).set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        admin.dispose()
        _wait_until_up(services.POSTGRES_ADMIN_URL)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgres_restarted_mid_crawl_loses_no_page(tmp_path: Path) -> None:
    if shutil.which("pg_ctlcluster") is None:
        services.service_missing("PostgreSQL", "pg_ctlcluster not installed")
    with _database() as db, serve({}) as site:
        _publish(site, edition=1)
        urls_file = tmp_path / "urls.txt"
        urls_file.write_text(
            "\n".join(site.url(f"/news/frigate-{n}") for n in range(ARTICLES)), "utf-8"
        )
        crawl = _start_crawl(db, urls_file, capture=True)
        deadline = time.monotonic() + 60
        while len(site.requests) < ARTICLES // 3 and time.monotonic() < deadline:
            threading.Event().wait(0.02)
        restart = subprocess.run(
            ["pg_ctlcluster", *CLUSTER, "restart", "-m", "fast"],
            capture_output=True,
            text=True,
            check=False,
        )
        if restart.returncode != 0:
            crawl.kill()
            services.service_missing("PostgreSQL", f"cannot restart: {restart.stderr}")
        _, stderr = crawl.communicate(timeout=90)
        _wait_until_up(db)
        # it went on (0) or stopped on the lost connection with one line (1)
        assert crawl.returncode in (0, 1), stderr
        assert "Traceback" not in stderr
        if crawl.returncode == 1:
            assert stderr.strip().splitlines()[-1].startswith("defwatch: "), stderr
        again = defwatch(
            "--db", db, "crawl", "-s", "RETRY_TIMES=0", "--urls-file", str(urls_file)
        )
        assert again.returncode == 0, again.stderr
        for n in range(ARTICLES):
            versions = stored_versions(db, site.url(f"/news/frigate-{n}"))
            assert [(v.number, len(v.body)) for v in versions] == [(1, 4)], n
