"""The ``defwatch`` command line: the composition root (config, database, logging, exit codes).

Exit codes (scripts and cron rely on them):
  0  success (``defwatch run``: stopped cleanly by SIGTERM / Ctrl-C)
  1  an error stopped the command (one line on stderr says what and where)
  2  bad usage or an invalid config file
  3  the crawl ran but some pages failed (one line per failed page on stderr, then the summary)
  4  another crawl is running: ``defwatch crawl`` or ``defwatch run`` holds the database's lock
     (the message names its pid and start time); this run did nothing

Output under cron: ``defwatch crawl`` prints nothing after a clean run unless -v is given or
stdout is a terminal (``-q`` silences it on a terminal too), so cron mails only failures and the
alerts of the console channel. ``--log-file FILE`` keeps an INFO log with timestamps.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final, NoReturn

import click
from sqlalchemy.exc import OperationalError

from monitor.cli.context import AppContext, load_context
from monitor.cli.lazy import LazyCommand, LazyGroup
from monitor.collector import collect_less_often, pause_for_start_up, start_up_done
from monitor.db import dispose_engines
from monitor.errors import ConfigError, CrawlLockedError, MonitorError
from monitor.logs import configure_logging

# Every command: name -> where it lives and the summary `defwatch --help` lists (the first
# paragraph of its docstring). Adding a command is one entry here; only the command run is imported.
COMMANDS: Final[Mapping[str, LazyCommand]] = {
    "alerts": LazyCommand(
        "monitor.cli.alerts_cmd:alerts",
        "Alert channels and the outbox of alerts still to deliver.",
    ),
    "articles": LazyCommand(
        "monitor.cli.query_cmd:articles",
        "The stored articles, most recently discovered first.",
    ),
    "boilerplate": LazyCommand(
        "monitor.cli.boilerplate_cmd:boilerplate",
        "Lines learned to repeat across a source's articles; the cleaner drops them.",
    ),
    "changes": LazyCommand(
        "monitor.cli.history_cmd:changes",
        "Changes detected since a time: edits, removals, returns (new articles with --all).",
    ),
    "clean": LazyCommand(
        "monitor.cli.clean_cmd:clean",
        "Print the cleaned article of FILE, URL or - (standard input).",
    ),
    "crawl": LazyCommand(
        "monitor.cli.crawl_cmd:crawl",
        "Run one crawl pass, record new versions, then send the alerts they raised.",
    ),
    "db": LazyCommand(
        "monitor.cli.db_cmd:db",
        "The database schema: which revision a store is at, and upgrading it.",
    ),
    "demo": LazyCommand(
        "monitor.cli.demo_cmd:demo",
        "Crawl a bundled defence-news site on 127.0.0.1, edit it, crawl again: versions, diff, alert.",
    ),
    "diff": LazyCommand(
        "monitor.cli.history_cmd:diff",
        "Show what changed between two versions: the words, then a unified diff (~ = moved).",
    ),
    "enqueue": LazyCommand(
        "monitor.cli.distributed_cmd:enqueue",
        "Push one round of work (due re-checks, feeds, sitemaps, listings) for the workers.",
    ),
    "export": LazyCommand(
        "monitor.cli.export_cmd:export",
        "Every article, version (with its text) or change, as JSON lines or CSV.",
    ),
    "history": LazyCommand(
        "monitor.cli.history_cmd:history",
        "The versions of one article, oldest first (URL: any URL it was fetched from).",
    ),
    "info": LazyCommand(
        "monitor.cli.crawl_cmd:info",
        "Show the config file, the database and what it holds.",
    ),
    "init": LazyCommand(
        "monitor.cli.crawl_cmd:init",
        "Write a commented starter config (default ./defwatch.toml).",
    ),
    "run": LazyCommand(
        "monitor.cli.run_cmd:run",
        "Run the monitor until stopped: scheduled crawls, re-checks, alerts, health checks.",
    ),
    "search": LazyCommand(
        "monitor.cli.query_cmd:search",
        "Full-text search over every version (also text that later edits removed).",
    ),
    "serve": LazyCommand(
        "monitor.cli.serve_cmd:serve",
        "Serve the history as a read-only web page (changes, timelines, diffs, search, feeds).",
    ),
    "show": LazyCommand(
        "monitor.cli.query_cmd:show",
        "The title, standfirst and body of one version of an article.",
    ),
    "status": LazyCommand(
        "monitor.cli.status_cmd:status",
        "Show whether a crawl is running, each source's next run and health, recent runs, stuck alerts.",
    ),
    "worker": LazyCommand(
        "monitor.cli.distributed_cmd:worker",
        "Crawl from the shared queue into the store until the queue stays empty.",
    ),
}

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CONFIG = 2
EXIT_PARTIAL = 3
EXIT_LOCKED = 4


class _Group(LazyGroup):
    """The command group; turns our typed errors into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CrawlLockedError as exc:
            click.echo(f"defwatch: {exc}", err=True)
            ctx.exit(EXIT_LOCKED)
        except ConfigError as exc:
            click.echo(f"defwatch: config error: {_one_line(exc)}", err=True)
            ctx.exit(EXIT_CONFIG)
        except MonitorError as exc:
            click.echo(f"defwatch: {_one_line(exc)}", err=True)
            ctx.exit(EXIT_ERROR)
        except OperationalError as exc:  # the database went away, is locked or full
            click.echo(f"defwatch: {database_problem(exc)}", err=True)
            ctx.exit(EXIT_ERROR)
        except BrokenPipeError:
            ctx.exit(EXIT_OK)
        return None


def _one_line(exc: BaseException) -> str:
    """An error's message on one line (a driver's message can span several)."""
    return " ".join(str(exc).split())


def database_problem(exc: OperationalError) -> str:
    """One line for a database failure, with what to do about a lock held too long."""
    reason = " ".join(str(exc.orig).split())
    if "locked" in reason:
        return (
            f"database error: {reason} (another program holds a write lock; the wait is "
            "set by ?timeout=SECONDS in a SQLite URL)"
        )
    return f"database error: {reason}"


@click.group(
    cls=_Group,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db", "db_url", metavar="URL", help="SQLAlchemy database URL (or DEFWATCH_DB)."
)
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Config file (or DEFWATCH_CONFIG; default ./defwatch.toml).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def cli(
    ctx: click.Context,
    db_url: str | None,
    config_path: str | None,
    verbose: int,
    quiet: bool,
) -> None:
    """defwatch: watch defence news articles and alert when they are edited."""
    level = (
        logging.ERROR
        if quiet
        else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    configure_logging(level)
    ctx.obj = load_context(db_url, config_path, dict(os.environ), Path.cwd())
    start_up_done()  # the command's imports and the config are in: its work begins


def run() -> NoReturn:
    """The ``defwatch`` console command: ``main``, then leave without the interpreter's teardown.

    By then every command is done: sessions closed, the crawl lock released. What is left is
    freeing the process's heap (Scrapy, lxml, SQLAlchemy, Twisted) object by object, about
    0.2 s a run for nothing, in a command cron starts every few minutes. Databases are closed
    first (SQLite folds its WAL back into the file), then logs and output are flushed. With
    child processes still about (the demo, the daemon), the usual exit lets them be joined.
    """
    collect_less_often()  # before a command's own imports (Scrapy, the spider) build the heap
    pause_for_start_up()  # until the command group has loaded the command and the config
    try:
        main()
        code = EXIT_OK
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise  # a message to print: the usual exit prints it
        code = exc.code or EXIT_OK
    children = sys.modules.get("multiprocessing")
    if children is not None and children.active_children():
        sys.exit(code)
    dispose_engines()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        # a reader that went away (defwatch ... | head) is no error
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> None:
    """Run the command line once (returns normally on success, SystemExit with its code)."""
    try:
        code = cli.main(args=argv, prog_name="defwatch", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    if isinstance(code, int) and code != EXIT_OK:
        sys.exit(code)


__all__ = [
    "EXIT_CONFIG",
    "EXIT_ERROR",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "AppContext",
    "cli",
    "main",
    "run",
]
