"""A click group that imports a command's module only when that command runs.

``defwatch crawl`` under cron should not pay for importing the web server, the scheduler or every
alert channel: each command is named in a table (name -> ``"module:attribute"`` and its one-line
summary), ``defwatch --help`` lists the table, and only the command being run is imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import NamedTuple

import click


class LazyCommand(NamedTuple):
    """Where a command lives and the summary ``--help`` lists for it.

    ``summary`` is the first paragraph of the command's docstring (a test checks they agree).
    """

    target: str  # "package.module:attribute"
    summary: str


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, from a table of LazyCommand."""

    def __init__(
        self, *args: object, lazy_commands: Mapping[str, LazyCommand], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.lazy_commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy_commands.get(cmd_name)
        return None if entry is None else load_command(entry.target)

    def format_commands(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        """The command list of ``--help`` from the table's summaries, importing nothing."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, summary_command(self, name).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def summary_command(group: LazyGroup, name: str) -> click.Command:
    """A stand-in command with the table's summary as its help: what ``--help`` lists."""
    return click.Command(name, help=group.lazy_commands[name].summary)


def load_command(target: str) -> click.Command:
    """Import ``"module:attribute"`` and return the click command it names."""
    module_name, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{target} is not a click command")
    return command
