"""PostgreSQL restarted in the middle of a crawl: the run goes on or fails in one line, and the next
run stores every page (pool_pre_ping replaces the dead connections).

The test starts a private PostgreSQL server (initdb + pg_ctl on a free port, as the postgres user
when run as root) and restarts that one, so nothing else using the machine's server is disturbed.
It skips when PostgreSQL's server programs are not installed, or fails when
DEFWATCH_REQUIRE_SERVICES is set (tests/services.py's rule).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
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


def _server_program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class _PrivateServer:
    url: str
    pg_ctl: str
    data: Path
    as_user: list[str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.data), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def restart(self) -> subprocess.CompletedProcess[str]:
        # the server must log to its file, never to our pipe (or run() would wait on it forever)
        return self.run(
            "restart", "-m", "fast", "-w", "-l", str(self.data.parent / "log")
        )


@contextmanager
def _private_postgres() -> Iterator[_PrivateServer]:
    """A throwaway PostgreSQL server on 127.0.0.1 at a free port, stopped and removed after."""
    initdb, pg_ctl = _server_program("initdb"), _server_program("pg_ctl")
    if initdb is None or pg_ctl is None:
        services.service_missing("PostgreSQL", "initdb/pg_ctl not installed")
    assert initdb is not None and pg_ctl is not None
    folder = Path(tempfile.mkdtemp(prefix="defwatch-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    try:
        init = subprocess.run(
            [
                *as_user,
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if init.returncode != 0:
            services.service_missing(
                "PostgreSQL", f"initdb failed: {init.stderr[-300:]}"
            )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        server = _PrivateServer(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
            pg_ctl,
            data,
            as_user,
        )
        started = server.run("-o", options, "-l", str(folder / "log"), "-w", "start")
        if started.returncode != 0:
            services.service_missing(
                "PostgreSQL", f"cannot start: {started.stderr[-300:]}"
            )
        try:
            yield server
        finally:
            server.run("stop", "-m", "immediate")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_postgres_restarted_mid_crawl_loses_no_page(tmp_path: Path) -> None:
    with _private_postgres() as server, serve({}) as site:
        db = server.url
        _publish(site, edition=1)
        urls_file = tmp_path / "urls.txt"
        urls_file.write_text(
            "\n".join(site.url(f"/news/frigate-{n}") for n in range(ARTICLES)), "utf-8"
        )
        crawl = _start_crawl(db, urls_file, capture=True)
        deadline = time.monotonic() + 60
        while len(site.requests) < ARTICLES // 3 and time.monotonic() < deadline:
            threading.Event().wait(0.02)
        restart = server.restart()
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
