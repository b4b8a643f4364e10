"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path

import click

scrapy_settings_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Scrapy setting override (repeatable).",
)

log_file_option = click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also append INFO logs with timestamps to this file.",
)
