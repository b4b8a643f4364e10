"""Errors raised by the crawler.

* CrawlerError            base
  + SourceConfigError     a source definition handed to the spider is invalid
"""

from __future__ import annotations


class CrawlerError(Exception):
    """Base of the crawler's errors."""


class SourceConfigError(CrawlerError):
    """A source definition is invalid; the message names the field."""
