"""``defwatch export``: the history as JSON lines or CSV, for other tools."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import click

from monitor.cli.context import AppContext
from monitor.db import session_scope
from monitor.listing import iter_all

# The CSV columns of each kind of row (the JSON lines carry the same fields).
COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (
        "article_id", "url", "source", "title", "status", "versions", "first_seen_at",
        "last_checked_at", "published_at", "relevance", "relevance_terms",
    ),
    "versions": (
        "article_id", "url", "version", "fetched_at", "title", "standfirst", "authors",
        "text", "published_at", "modified_at", "content_hash",
    ),
    "changes": (
        "change_id", "article_id", "url", "source", "title", "from_version", "to_version",
        "detected_at", "kind", "kinds", "summary", "significance", "words_added",
        "words_removed", "alerted",
    ),
}  # fmt: skip


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        yield handle


def _cell(value: object) -> object:
    """Lists become JSON text in a CSV cell."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


def write_rows(
    rows: Iterable[dict[str, object]], what: str, fmt: str, out: TextIO
) -> int:
    """Write rows as JSON lines or CSV; returns how many."""
    count = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(COLUMNS[what])
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in COLUMNS[what]])
            count += 1
        return count
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


@click.command()
@click.option(
    "--what",
    type=click.Choice(sorted(COLUMNS)),
    default="changes",
    show_default=True,
    help="Which rows.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
)
@click.option("-o", "--output", metavar="FILE", help="Write here (default: stdout).")
@click.pass_obj
def export(app: AppContext, what: str, fmt: str, output: str | None) -> None:
    """Every article, version (with its text) or change, as JSON lines or CSV."""
    with session_scope(app.sessions()) as session, _output(output) as out:
        count = write_rows(iter_all(session, what), what, fmt, out)
    if output:
        click.echo(f"wrote {count} {what} to {output}", err=True)
