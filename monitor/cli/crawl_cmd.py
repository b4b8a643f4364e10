"""``defwatch init``, ``crawl`` and ``info``."""

from __future__ import annotations

import logging
import sys
from importlib.resources import files
from pathlib import Path

import click
from sqlalchemy import func, select

from monitor.cli.context import AppContext
from monitor.cli.options import log_file_option, scrapy_settings_option
from monitor.cli.output import echo_mapping, safe
from monitor.config import CONFIG_FILENAME, load_config
from monitor.crawl import CrawlRequest, CrawlSummary, run_crawl
from monitor.db import session_scope
from monitor.errors import ConfigError
from monitor.health import check_health, send_health_pending
from monitor.lock import crawl_lock, lock_path
from monitor.models import Article, Change, CrawlRun, Delivery, Version
from monitor.notify import channel_factory, channel_secrets, send_pending

logger = logging.getLogger(__name__)

EXIT_PARTIAL = 3  # some pages failed (monitor.cli documents every exit code)


@click.command()
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def init(app: AppContext, path: Path | None, force: bool) -> None:
    """Write a commented starter config (default ./defwatch.toml)."""
    target = path or app.cwd / CONFIG_FILENAME
    if target.exists() and not force:
        raise ConfigError(f"{target} exists already (use --force to overwrite)")
    target.write_text(
        files("monitor").joinpath("starter.toml").read_text("utf-8"), "utf-8"
    )
    load_config(target)  # the starter must always be valid
    click.echo(f"wrote {target}; edit its [[sources]], then run: defwatch crawl")


def _read_urls_file(path: Path) -> list[str]:
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the URLs file: {exc.strerror}") from exc
    return [
        line.strip()
        for line in lines
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _check_urls(urls: list[str]) -> None:
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"not an http(s) URL: {url!r}", param_hint="--url")


def summary_line(summary: CrawlSummary) -> str:
    """One line saying what a crawl did."""
    return (
        f"crawl {summary.status}: {summary.pages} pages, {summary.articles_new} new articles, "
        f"{summary.versions_new} new versions, {summary.changes_new} changes, "
        f"{summary.unchanged} unchanged, {summary.errors} errors, {summary.warnings} held"
    )


def print_summary(summary: CrawlSummary, chatty: bool) -> None:
    """Cron mails whatever a job prints: a clean run prints nothing unless ``chatty``.

    Failed pages are printed one a line on stderr with the summary after them; held pages
    (warnings) only when chatty.
    """
    failed = bool(summary.errors)
    for line in summary.issues:
        if chatty or line.startswith("error:"):
            click.echo(safe(line), err=True)
    if failed or chatty:
        click.echo(summary_line(summary), err=failed)


def chatty_output() -> bool:
    """Verbose output: ``-v``, or a terminal on stdout without ``-q``."""
    params = click.get_current_context().find_root().params
    if params.get("quiet"):
        return False
    return bool(params.get("verbose")) or sys.stdout.isatty()


def log_to_file(path: Path) -> None:
    """Also write INFO-level logs, with times, to ``path`` (the console keeps its level)."""
    root = logging.getLogger()
    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot open the log file: {exc.strerror}") from exc
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    handler.setLevel(logging.INFO)
    for existing in root.handlers:
        if existing.level == logging.NOTSET:
            existing.setLevel(root.level)
    root.addHandler(handler)
    root.setLevel(min(root.level, logging.INFO))


@click.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Only this source (repeatable).",
)
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="URL",
    help="Watch this article URL (repeatable).",
)
@click.option(
    "--urls-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File of article URLs, one a line.",
)
@click.option(
    "--no-discover",
    is_flag=True,
    help="Only re-check known articles; skip feeds and listings.",
)
@scrapy_settings_option
@log_file_option
@click.pass_obj
def crawl(
    app: AppContext,
    sources: tuple[str, ...],
    urls: tuple[str, ...],
    urls_file: Path | None,
    no_discover: bool,
    overrides: tuple[str, ...],
    log_file: Path | None,
) -> None:
    """Run one crawl pass, record new versions, then send the alerts they raised.

    Safe under cron: a run while another crawl (or `defwatch run`) holds the database's lock exits
    at once with code 4; a lock left by a killed run is recovered. A clean run prints nothing
    unless -v or stdout is a terminal; failed pages are printed on stderr (exit code 3).
    """
    if log_file is not None:
        log_to_file(log_file)
    all_urls = list(urls) + (_read_urls_file(urls_file) if urls_file else [])
    _check_urls(all_urls)
    if not all_urls and not app.config.sources:
        raise ConfigError(
            "nothing to crawl: give --url/--urls-file or add [[sources]] to the config (defwatch init)"
        )
    settings = tuple(parse_override(o) for o in overrides)
    request = CrawlRequest(
        source_names=sources,
        urls=tuple(all_urls),
        discover=not no_discover,
        settings=settings,
    )
    with crawl_lock(lock_path(app.db_url, app.environ), "defwatch crawl"):
        summary = run_crawl(app.config, app.db_url, request)
        logger.info("%s", summary_line(summary))
        print_summary(summary, chatty_output())
        make_channel = channel_factory(app.environ)
        send_pending(
            app.sessions(),
            app.config,
            make_channel,
            secrets=channel_secrets(app.config.channels, app.environ),
        )
        check_health(app.sessions(), app.config)
        send_health_pending(app.sessions(), app.config, make_channel)
    if summary.errors:
        raise SystemExit(EXIT_PARTIAL)


def parse_override(text: str) -> tuple[str, object]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise click.BadParameter(
            f"expected NAME=VALUE, got {text!r}", param_hint="--set"
        )
    return name.strip(), value.strip()


@click.command()
@click.pass_obj
def info(app: AppContext) -> None:
    """Show the config file, the database and what it holds."""
    with session_scope(app.sessions()) as session:
        counts = {
            "articles": session.scalar(select(func.count()).select_from(Article)),
            "versions": session.scalar(select(func.count()).select_from(Version)),
            "changes": session.scalar(select(func.count()).select_from(Change)),
            "crawl runs": session.scalar(select(func.count()).select_from(CrawlRun)),
            "pending alerts": session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.status != "sent")
            ),
        }
    echo_mapping(
        {
            "config": app.config.path or "none (using defaults)",
            "database": app.engine().url.render_as_string(hide_password=True),
            "sources": ", ".join(s.spec.name for s in app.config.sources) or "none",
            "channels": ", ".join(c.name for c in app.config.channels)
            or "console (default)",
            **counts,
        }
    )
