"""The config file: the starter is valid, and a bad file gets one line naming file, key and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from monitor.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "defwatch.toml"
    path.write_text(text, "utf-8")
    return path


def test_init_writes_a_valid_starter_with_real_defence_sources(tmp_path):
    result = CliRunner().invoke(
        cli, ["init", str(tmp_path / "defwatch.toml")], obj=None
    )
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / "defwatch.toml")
    names = {s.spec.name for s in config.sources}
    assert {
        "scmp-china-military",
        "defense-news",
        "breaking-defense",
        "naval-news",
    } <= names
    assert any("japantimes" in u for s in config.sources for u in s.spec.listing_pages)
    again = CliRunner().invoke(cli, ["init", str(tmp_path / "defwatch.toml")])
    assert again.exit_code != 0  # never overwrites without --force


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[sources]]\nfeeds = ['https://x.example/feed']\n",
            "sources[0].name: missing",
        ),
        (
            "[[sources]]\nname = 'a'\nfeeds = ['ftp://x.example/feed']\n",
            "sources[0].feeds: not an http(s) URL",
        ),
        (
            "[[sources]]\nname = 'a'\nfeeds = 'https://x.example/feed'\n",
            "sources[0].feeds: expected list",
        ),
        ("[[sources]]\nname = 'a'\n", "a source needs feeds"),
        (
            "[[sources]]\nname = 'a'\nfeeds = ['https://x.example/f']\narticle_patterns = ['(']\n",
            "invalid regular expression",
        ),
        ("[crawl]\ndownload_timeout = 3\n", "crawl.download_timeout: unknown key"),
        (
            "[[alerts.channels]]\nkind = 'slack'\nwebhook_url = 'https://hooks.slack.com/services/T/B/SECRET'\n",
            "alerts.channels[0].webhook_url: secrets are not stored in the config",
        ),
        (
            "[[sources]]\nname = 'a'\nfeeds = ['https://x.example/f']\nalert = 'sometimes'\n",
            "sources[0].alert: must be one of",
        ),
        ("this is not toml", "invalid TOML"),
    ],
)
def test_a_bad_config_names_the_file_the_key_and_the_problem(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)
    assert "SECRET" not in str(error.value)


def test_the_cli_prints_one_line_and_exits_2_on_a_bad_config(tmp_path):
    path = _write(tmp_path, "[crawl]\nobey_robots = 'yes'\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "info"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "crawl.obey_robots: expected bool" in result.output


def test_relative_sqlite_paths_are_relative_to_the_config_file(tmp_path):
    path = _write(tmp_path, "[database]\nurl = 'sqlite:///store.sqlite3'\n")
    assert load_config(path).database_url == f"sqlite:///{tmp_path / 'store.sqlite3'}"
