"""The collector waits while a process starts, and always runs again afterwards."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from monitor.collector import pause_for_start_up, start_up_done, starting


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_set_up_runs_without_collections_and_what_it_built_is_left_out_after():
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with starting():
            assert not gc.isenabled()
            kept = [[n] for n in range(50_000)]  # would trigger young collections
        assert collections == []
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.callbacks.remove(count)


def test_the_collector_runs_again_when_set_up_fails():
    with pytest.raises(RuntimeError), starting():
        raise RuntimeError("config error")
    assert gc.isenabled()


def test_a_process_that_did_not_pause_keeps_its_collector_as_it_was():
    gc.disable()  # e.g. a caller that manages the collector itself
    start_up_done()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.enable()
    pause_for_start_up()
    start_up_done()
    assert gc.isenabled()


def test_the_command_line_runs_its_command_with_the_collector_on(tmp_path):
    # python -m monitor pauses the collector for its imports; the command group resumes it
    # before any command runs (a daemon or the web server must not run without it)
    probe = (
        "import gc, runpy, sys, click\n"
        "import monitor.cli as cli\n"
        "@click.command('probe')\n"
        "def probe():\n"
        "    click.echo(f'enabled={gc.isenabled()} frozen={gc.get_freeze_count() > 0}')\n"
        "cli.cli.lazy_commands = {'probe': None}\n"
        "cli.cli.get_command = lambda ctx, name: probe\n"
        "sys.argv = ['defwatch', '--db', sys.argv[1], 'probe']\n"
        "runpy.run_module('monitor', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, f"sqlite:///{tmp_path / 'h.sqlite3'}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip() == "enabled=True frozen=True", done.stderr
