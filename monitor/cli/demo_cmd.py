"""``defwatch demo``: the whole monitor, offline, on a small news site served on 127.0.0.1."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from sqlalchemy import select

from crawler.sources import SourceSpec
from monitor.cli.context import AppContext
from monitor.config import AppConfig, ChannelConfig, SourceConfig
from monitor.crawl import CrawlRequest, CrawlSummary, run_crawl_in_child
from monitor.db import make_engine, session_factory, session_scope, sqlite_url
from monitor.demo.site import (
    edited_articles,
    load_articles,
    serve_directory,
    write_site,
)
from monitor.diffing import ChangeReport, render_word_diff
from monitor.models import Article, Change
from monitor.notify import channel_factory, send_pending
from monitor.store import versions_of

DEMO_DB = "defwatch-demo.sqlite3"
FAST_LOOPBACK = (
    ("AUTOTHROTTLE_ENABLED", False),
    ("DOWNLOAD_DELAY", 0),
    ("LOG_LEVEL", "WARNING"),
)


def _say(step: str) -> None:
    click.echo(click.style(f"\n== {step}", bold=True))


def _report(summary: CrawlSummary) -> None:
    click.echo(
        f"crawl {summary.status}: {summary.pages} pages, {summary.articles_new} new articles, "
        f"{summary.versions_new} new versions, {summary.changes_new} changes, {summary.unchanged} unchanged"
    )
    for line in summary.issues:
        click.echo(f"  {line}")


def _show_diffs(db_url: str) -> None:
    factory = session_factory(make_engine(db_url))
    with session_scope(factory) as session:
        for change in session.scalars(
            select(Change).where(Change.kind != "new").order_by(Change.id)
        ):
            article = session.get_one(Article, change.article_id)
            click.echo(click.style(f"\n{article.title}", bold=True))
            versions = ", ".join(
                f"v{v.number} {v.fetched_at:%H:%M:%S}"
                for v in versions_of(session, article.id)
            )
            click.echo(
                f"{article.canonical_url}\nversions: {versions}\n{change.summary}"
            )
            if change.report.get("schema"):
                report = ChangeReport.from_dict(change.report)
                click.echo(render_word_diff(report))
                click.echo(report.unified)


@click.command()
@click.option(
    "--keep",
    is_flag=True,
    help="Keep an existing demo database instead of starting afresh.",
)
@click.pass_obj
def demo(app: AppContext, keep: bool) -> None:
    """Crawl a bundled defence-news site on 127.0.0.1, edit it, crawl again: versions, diff, alert.

    Fully offline. Leaves ./defwatch-demo.sqlite3 (or --db) to explore with the other commands.
    """
    db_url = app.db_url if app.db_explicit else sqlite_url(app.cwd / DEMO_DB)
    if db_url == sqlite_url(app.cwd / DEMO_DB) and not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(str(app.cwd / DEMO_DB) + suffix).unlink(missing_ok=True)
    articles = load_articles()
    with (
        tempfile.TemporaryDirectory(prefix="defwatch-demo-") as folder,
        serve_directory(Path(folder)) as base,
    ):
        write_site(Path(folder), articles, base)
        config = AppConfig(
            sources=(
                SourceConfig(
                    spec=SourceSpec(
                        name="defence-desk-daily",
                        listing_pages=(base + "/",),
                        feeds=(base + "/feed.xml",),
                    )
                ),
            ),
            channels=(ChannelConfig(name="console", kind="console", options={}),),
        )
        request = CrawlRequest(settings=FAST_LOOPBACK)
        _say(f"1. Crawling the demo site at {base}")
        _report(run_crawl_in_child(config, db_url, request))
        _say(
            "2. The site is edited: a paragraph reworded, a headline changed, an ad rotated and a counter bumped"
        )
        write_site(Path(folder), edited_articles(articles), base)
        _say("3. Crawling again")
        _report(
            run_crawl_in_child(
                config, db_url, CrawlRequest(settings=FAST_LOOPBACK, recheck_due=True)
            )
        )
    _say("4. What changed")
    _show_diffs(db_url)
    _say("5. Alerts (console channel)")
    report = send_pending(
        session_factory(make_engine(db_url)), config, channel_factory(app.environ)
    )
    click.echo(f"{report.sent} alerts sent")
    _say("Explore the stored history")
    flag = f"--db {db_url}"
    click.echo(
        f"defwatch {flag} changes --since 1d\ndefwatch {flag} history <article URL> --json\ndefwatch {flag} diff <article URL>"
    )
