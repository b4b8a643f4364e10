"""``defwatch run``: the monitoring daemon (for systemd, a container or a terminal)."""

from __future__ import annotations

import signal
import threading
from dataclasses import replace
from pathlib import Path
from types import FrameType

import click

from monitor.cli.context import AppContext
from monitor.cli.crawl_cmd import log_to_file, parse_override
from monitor.cli.options import log_file_option, scrapy_settings_option
from monitor.daemon import Daemon, sources_named
from monitor.errors import ConfigError
from monitor.lock import crawl_lock, lock_path
from monitor.notify import channel_factory


@click.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Only schedule this source (repeatable; default: all).",
)
@scrapy_settings_option
@log_file_option
@click.pass_obj
def run(
    app: AppContext,
    sources: tuple[str, ...],
    overrides: tuple[str, ...],
    log_file: Path | None,
) -> None:
    """Run the monitor until stopped: scheduled crawls, re-checks, alerts, health checks.

    Holds the database's crawl lock while it runs (a `defwatch crawl` meanwhile exits with code 4).
    SIGTERM or Ctrl-C stops it cleanly: running crawls are interrupted between pages, nothing is
    half-written, and the next start continues from the database. Logs go to stderr (INFO with -v).
    """
    if log_file is not None:
        log_to_file(log_file)
    config = replace(app.config, sources=tuple(sources_named(app.config, sources)))
    if not config.sources:
        raise ConfigError(
            "nothing to schedule: add [[sources]] to the config (defwatch init)"
        )
    stop = threading.Event()

    def on_signal(_number: int, _frame: FrameType | None) -> None:
        stop.set()  # only this: the daemon's main loop notices and shuts down

    previous = {
        number: signal.signal(number, on_signal)
        for number in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        with crawl_lock(lock_path(app.db_url, app.environ), "defwatch run"):
            daemon = Daemon(
                config,
                app.db_url,
                channel_factory(app.environ),
                stop,
                settings=tuple(parse_override(o) for o in overrides),
            )
            daemon.run()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
