"""``defwatch articles``, ``show`` and ``search``: browse and search the stored history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import click

from monitor.cli.context import AppContext
from monitor.cli.history_cmd import parse_since
from monitor.cli.output import echo_json, echo_table, iso, safe
from monitor.db import session_scope
from monitor.errors import UnknownArticleError
from monitor.listing import DEFAULT_LIMIT, ArticleFilter, list_articles
from monitor.search import search as search_history
from monitor.store import body_of, find_article, latest_version, version_by_number

F = TypeVar("F", bound=Callable[..., None])


def paging(command: F) -> F:
    """Add ``--limit`` and ``--offset`` to a listing command."""
    command = click.option(
        "--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows."
    )(command)
    return click.option(
        "--limit",
        type=click.IntRange(min=1, max=1000),
        default=DEFAULT_LIMIT,
        show_default=True,
        help="At most this many rows (page with --offset).",
    )(command)


@click.command()
@click.option("--source", help="Only this source.")
@click.option("--topic", help="A relevance term, or a keyword in the title.")
@click.option(
    "--since",
    help="Only articles with a version (new or edited) since: 1d, 2w or a date.",
)
@click.option("--changed-only", is_flag=True, help="Only articles with 2+ versions.")
@click.option("--json", "as_json", is_flag=True, help="JSON array, newest first.")
@paging
@click.pass_obj
def articles(
    app: AppContext,
    source: str | None,
    topic: str | None,
    since: str | None,
    changed_only: bool,
    as_json: bool,
    limit: int,
    offset: int,
) -> None:
    """The stored articles, most recently discovered first."""
    filt = ArticleFilter(
        source=source,
        topic=topic,
        since=parse_since(since, datetime.now(UTC)) if since else None,
        changed_only=changed_only,
    )
    with session_scope(app.sessions()) as session:
        rows = list_articles(session, filt, limit=limit, offset=offset)
    if as_json:
        echo_json([r.to_dict() for r in rows])
        return
    echo_table(
        f"Articles {offset + 1}–{offset + len(rows)}",
        ["id", "source", "versions", "first_seen", "title", "url"],
        [
            (r.id, r.source, r.versions, iso(r.first_seen_at), r.title, r.url)
            for r in rows
        ],
    )


@click.command()
@click.argument("url")
@click.option(
    "--version", "number", type=int, help="Version number (default: the latest)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
def show(app: AppContext, url: str, number: int | None, as_json: bool) -> None:
    """The title, standfirst and body of one version of an article."""
    with session_scope(app.sessions()) as session:
        article = find_article(session, url)
        version = (
            version_by_number(session, article.id, number)
            if number
            else latest_version(session, article.id)
        )
        if version is None:
            raise UnknownArticleError(f"{article.canonical_url} has no stored version")
        data = {
            "article_id": article.id,
            "url": article.canonical_url,
            "version": version.number,
            "versions": article.version_count,
            "fetched_at": iso(version.fetched_at),
            "title": version.title,
            "standfirst": list(version.standfirst),
            "authors": list(version.authors),
            "body": body_of(session, version),
        }
        version_title = version.title
        paragraphs = [*version.standfirst, *body_of(session, version)]
    if as_json:
        echo_json(data)
        return
    click.echo(safe(version_title))
    click.echo(
        safe(
            f"{data['url']} — version {data['version']} of {data['versions']}, "
            f"fetched {data['fetched_at']}"
        )
    )
    for paragraph in paragraphs:
        click.echo("")
        click.echo(safe(paragraph))


@click.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="JSON array, best match first.")
@paging
@click.pass_obj
def search(app: AppContext, query: str, as_json: bool, limit: int, offset: int) -> None:
    """Full-text search over every version (also text that later edits removed)."""
    with session_scope(app.sessions()) as session:
        hits = search_history(session, query, limit=limit, offset=offset)
    if as_json:
        echo_json([h.to_dict() for h in hits])
        return
    echo_table(
        f"Matches for {query!r}",
        ["article", "field", "versions", "latest?", "text", "url"],
        [
            (
                h.article_id,
                h.field,
                ",".join(str(n) for n in h.versions),
                "yes" if h.in_latest else "removed",
                _clip(h.text),
                h.url,
            )
            for h in hits
        ],
    )


def _clip(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
