"""Logging set-up for the command line and for crawl child processes (library code never calls it)."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(levelname)s %(name)s: %(message)s"
# Libraries that log every request or reset their own levels (Scrapy sets its loggers to DEBUG).
NOISY = (
    "scrapy",
    "twisted",
    "filelock",
    "sqlalchemy",
    "httpx",
    "httpcore",
    "py.warnings",
    "apscheduler",
    "alembic",
)


def configure_logging(level: int) -> None:
    """Log to stderr at ``level``; chatty libraries only from WARNING unless debugging."""
    logging.basicConfig(level=level, format=FORMAT, stream=sys.stderr)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        handler.setLevel(
            level
        )  # Scrapy's DEBUG loggers propagate here: the handler filters
    quiet_libraries(level)


def quiet_libraries(level: int) -> None:
    """Keep library loggers at WARNING or above unless ``level`` is DEBUG."""
    if level > logging.DEBUG:
        for name in NOISY:
            logging.getLogger(name).setLevel(max(level, logging.WARNING))
