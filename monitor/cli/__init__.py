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

import logging
import os
import sys
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError

from monitor.cli import (
    alerts_cmd,
    boilerplate_cmd,
    clean_cmd,
    crawl_cmd,
    db_cmd,
    demo_cmd,
    distributed_cmd,
    export_cmd,
    history_cmd,
    query_cmd,
    run_cmd,
    serve_cmd,
    status_cmd,
)
from monitor.cli.context import AppContext, load_context
from monitor.errors import ConfigError, CrawlLockedError, MonitorError
from monitor.logs import configure_logging

COMMAND_MODULES = (
    crawl_cmd,
    history_cmd,
    clean_cmd,
    demo_cmd,
    alerts_cmd,
    db_cmd,
    distributed_cmd,
    query_cmd,
    export_cmd,
    serve_cmd,
    run_cmd,
    status_cmd,
    boilerplate_cmd,
)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CONFIG = 2
EXIT_PARTIAL = 3
EXIT_LOCKED = 4


class _Group(click.Group):
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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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


for _module in COMMAND_MODULES:
    _module.register(cli)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``defwatch`` console command (returns normally on success)."""
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
]
