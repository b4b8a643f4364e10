"""The Scrapy settings are polite by default and our own settings are documented."""

from __future__ import annotations

import re

from crawler import settings


def test_polite_defaults() -> None:
    assert settings.ROBOTSTXT_OBEY is True
    assert settings.AUTOTHROTTLE_ENABLED is True
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN <= 4
    assert settings.USER_AGENT.startswith("defwatch/")
    assert "https://" in settings.USER_AGENT
    assert settings.COOKIES_ENABLED is False
    assert settings.TELNETCONSOLE_ENABLED is False
    assert settings.REMOTE_CONTROL_ENABLED is False
    assert 429 in settings.RETRY_HTTP_CODES and 503 in settings.RETRY_HTTP_CODES
    assert settings.DOWNLOAD_WARNSIZE < settings.DOWNLOAD_MAXSIZE


def test_every_defwatch_setting_is_documented() -> None:
    names = [name for name in dir(settings) if name.startswith("DEFWATCH_")]
    assert names
    doc = settings.__doc__ or ""
    for name in names:
        assert re.search(rf"\b{name}\b", doc), (
            f"{name} is not described in the module docstring"
        )
