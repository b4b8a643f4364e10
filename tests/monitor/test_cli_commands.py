"""The command table of ``defwatch``: every entry loads its command and lists its real summary."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from monitor.cli import COMMANDS, cli
from monitor.cli.lazy import load_command, summary_command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_entry_loads_the_command_of_that_name(name: str) -> None:
    command = load_command(COMMANDS[name].target)
    assert command.name == name
    assert not command.hidden


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_lists_the_summary_the_command_itself_would_show(name: str) -> None:
    command = load_command(COMMANDS[name].target)
    listed = summary_command(cli, name)
    for limit in range(20, 200):
        assert listed.get_short_help_str(limit) == command.get_short_help_str(limit), (
            f"COMMANDS[{name!r}].summary must be the first paragraph of its docstring"
        )


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=100)
    assert result.exit_code == 0
    rows = result.output.split("Commands:\n", 1)[1].splitlines()
    assert [row.split()[0] for row in rows] == sorted(COMMANDS)
    assert re.search(
        r"^  crawl +Run one crawl pass, record new versions, then send the alerts",
        result.output,
        re.MULTILINE,
    )


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["crawll"])
    assert result.exit_code == 2
    assert "No such command 'crawll'" in result.output


def test_a_command_runs_through_the_table() -> None:
    result = CliRunner().invoke(cli, ["init", "--help"])
    assert result.exit_code == 0
    assert "Write a commented starter config" in result.output
