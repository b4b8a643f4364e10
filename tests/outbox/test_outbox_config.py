"""The config keys the outbox added: digest_hour, alert_min_significance, [alerts] lease_s."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import parse_config
from monitor.errors import ConfigError

SOURCE = {"name": "navy-news", "article_urls": ["https://news.example.org/a"]}


def _parse(tmp_path: Path, channel: dict[str, object], **source: object) -> object:
    data = {
        "sources": [{**SOURCE, **source}],
        "alerts": {"lease_s": 120, "channels": [{"kind": "email", **channel}]},
    }
    return parse_config(data, "defwatch.toml", tmp_path)


def test_digest_keys_reach_the_channel_and_other_options_pass_through(
    tmp_path: Path,
) -> None:
    config = parse_config(
        {
            "sources": [{**SOURCE, "alert_min_significance": 0.05}],
            "alerts": {
                "lease_s": 120,
                "channels": [
                    {
                        "kind": "email",
                        "name": "daily",
                        "digest": "daily",
                        "digest_hour": 6,
                        "template_dir": "mytemplates",
                        "host": "smtp.example.org",
                    }
                ],
            },
        },
        "defwatch.toml",
        tmp_path,
    )
    (channel,) = config.channels
    assert (channel.digest, channel.digest_hour) == ("daily", 6)
    assert channel.options == {
        "template_dir": "mytemplates",
        "host": "smtp.example.org",
    }
    assert config.sources[0].alert_policy.min_significance == 0.05
    assert config.delivery_lease_s == 120


@pytest.mark.parametrize(
    ("channel", "source", "message"),
    [
        (
            {"digest": "daily", "digest_hour": 24},
            {},
            "digest_hour: must be a whole hour",
        ),
        (
            {"digest": "daily", "digest_hour": 7.5},
            {},
            "digest_hour: must be a whole hour",
        ),
    ],
)
def test_bad_values_name_the_key(
    tmp_path: Path,
    channel: dict[str, object],
    source: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(ConfigError, match=message):
        _parse(tmp_path, channel, **source)
