"""``defwatch history``, ``diff`` and ``changes``: read the stored history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

from monitor.cli.context import AppContext
from monitor.cli.output import echo_json, echo_table, iso, safe
from monitor.db import session_scope
from monitor.diffing import diff_contents, render_word_diff
from monitor.errors import UnknownArticleError
from monitor.models import Article, Source
from monitor.store import (
    body_of,
    change_version_numbers,
    changes_since,
    content_of,
    find_article,
    version_by_number,
    versions_of,
)

_DURATION = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime) -> datetime:
    """``30m``, ``6h``, ``1d``, ``2w`` before now, or an ISO 8601 date/time (UTC if naive)."""
    match = _DURATION.match(text.strip())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"expected e.g. 30m, 6h, 1d, 2w or an ISO date, got {text!r}",
            param_hint="--since",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command()
@click.argument("url")
@click.option(
    "--json", "as_json", is_flag=True, help="JSON array, oldest version first."
)
@click.pass_obj
def history(app: AppContext, url: str, as_json: bool) -> None:
    """The versions of one article, oldest first (URL: any URL it was fetched from)."""
    with session_scope(app.sessions()) as session:
        article = find_article(session, url)
        rows = [
            {
                "version": v.number,
                "fetched_at": iso(v.fetched_at),
                "url": v.url,
                "title": v.title,
                "standfirst": v.standfirst,
                "authors": v.authors,
                "text": "\n\n".join(body_of(session, v)),
                "captions": v.captions,
                "published_at": v.published_at,
                "modified_at": v.modified_at,
                "content_hash": v.content_hash,
            }
            for v in versions_of(session, article.id)
        ]
        canonical = article.canonical_url
    if as_json:
        echo_json(rows)
        return
    echo_table(
        f"History of {canonical}",
        ["version", "fetched_at", "title", "words", "content_hash"],
        [
            (
                r["version"],
                r["fetched_at"],
                r["title"],
                len(str(r["text"]).split()),
                str(r["content_hash"])[:12],
            )
            for r in rows
        ],
    )


@click.command()
@click.argument("url")
@click.option(
    "--from",
    "from_number",
    type=int,
    help="Older version (default: the one before --to).",
)
@click.option(
    "--to", "to_number", type=int, help="Newer version (default: the latest)."
)
@click.option("--full", is_flag=True, help="Whole edited paragraphs in the word diff.")
@click.pass_obj
def diff(
    app: AppContext,
    url: str,
    from_number: int | None,
    to_number: int | None,
    full: bool,
) -> None:
    """Show what changed between two versions: the words, then a unified diff (~ = moved)."""
    with session_scope(app.sessions()) as session:
        article = find_article(session, url)
        latest = article.version_count
        to_number = to_number or latest
        from_number = from_number or to_number - 1
        if from_number < 1:
            raise UnknownArticleError(
                f"{article.canonical_url} has only {latest} version(s): nothing to compare"
            )
        old = content_of(session, version_by_number(session, article.id, from_number))
        new = content_of(session, version_by_number(session, article.id, to_number))
        canonical = article.canonical_url
    report = diff_contents(old, new)
    click.echo(
        f"{safe(canonical)}: version {from_number} -> {to_number}: {report.summary}"
    )
    if not report.is_empty:
        click.echo(safe(render_word_diff(report, context=None if full else 8)))
        click.echo()
        click.echo(safe(report.unified))


@click.command()
@click.option(
    "--since", default="1d", show_default=True, help="30m, 6h, 1d, 2w or an ISO date."
)
@click.option("--json", "as_json", is_flag=True, help="JSON array, oldest first.")
@click.option(
    "--all", "include_quiet", is_flag=True, help="Also changes that raised no alert."
)
@click.pass_obj
def changes(app: AppContext, since: str, as_json: bool, include_quiet: bool) -> None:
    """Changes detected since a time: edits, removals, returns (new articles with --all)."""
    start = parse_since(since, datetime.now(UTC))
    with session_scope(app.sessions()) as session:
        rows = []
        for change in changes_since(session, start):
            if not include_quiet and not change.is_alerted and change.kind == "new":
                continue
            article = session.get_one(Article, change.article_id)
            numbers = change_version_numbers(session, change)
            rows.append(
                {
                    "change_id": change.id,
                    "url": article.canonical_url,
                    "source": session.get_one(Source, article.source_id).name,
                    "title": article.title,
                    "from_version": numbers.from_number,
                    "to_version": numbers.to_number,
                    "detected_at": iso(change.detected_at),
                    "kind": change.kind,
                    "kinds": change.kinds,
                    "summary": change.summary,
                    "significance": round(change.significance, 4),
                    "alerted": change.is_alerted,
                }
            )
    if as_json:
        echo_json(rows)
        return
    echo_table(
        f"Changes since {iso(start)}",
        ["detected_at", "kind", "versions", "title", "summary"],
        [
            (
                r["detected_at"],
                r["kind"],
                f"{r['from_version'] or '-'}→{r['to_version'] or '-'}",
                r["title"],
                r["summary"],
            )
            for r in rows
        ],
    )
