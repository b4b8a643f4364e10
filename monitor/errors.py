"""Errors raised by the monitor.

* MonitorError            base; the CLI prints it as one line and exits 1
  + ConfigError           the config file or the environment is invalid (exit 2)
  + StorageError          the database cannot be opened or written
  + CrawlLockedError      another crawl holds the lock (exit 4)
  + CrawlFailedError      a crawl process crashed or timed out
  + UnknownArticleError   no stored article matches a URL the user gave
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base of the monitor's errors; its message is one line a user can act on."""


class ConfigError(MonitorError):
    """The config file or environment is invalid; the message names the file and the key."""


class StorageError(MonitorError):
    """The database cannot be opened, created or written."""


class CrawlLockedError(MonitorError):
    """Another crawl is running with the same lock."""


class UnknownArticleError(MonitorError):
    """No stored article matches the URL given."""


class CrawlFailedError(MonitorError):
    """A crawl process crashed or ran past its time limit."""
