"""How commands print: JSON for scripts, Rich tables for people, escaped scraped text."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import click

# C0/C1 control characters except newline and tab: scraped text must not drive the terminal
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Scraped text made safe for a terminal (no escape sequences)."""
    return _CONTROL.sub("", text)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC, seconds precision (SQLite hands back naive datetimes: they are UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds")


def echo_json(data: object) -> None:
    """Print JSON (UTF-8, readable indentation)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def echo_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Print a table for people; every cell escaped for Rich markup and the terminal."""
    # imported here: Rich costs ~20 ms of start-up that `defwatch crawl` under cron never needs
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(escape(safe("" if cell is None else str(cell))) for cell in row)
        )
    Console(highlight=False, soft_wrap=False).print(table)


def echo_mapping(pairs: Mapping[str, object]) -> None:
    """Print ``key: value`` lines."""
    width = max(len(k) for k in pairs) if pairs else 0
    for key, value in pairs.items():
        click.echo(f"{key + ':':<{width + 1}} {safe(str(value))}")
