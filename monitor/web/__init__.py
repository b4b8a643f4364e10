"""The read-only web page: recent changes, article timelines, diffs, search, Atom feeds, JSON API.

``create_app(engine)`` builds the Starlette app over an engine (open it with
``make_engine(url, read_only=True)``); ``app_for_url(url)`` does both.
"""

from __future__ import annotations

from monitor.web.app import app_for_url, create_app

__all__ = ["app_for_url", "create_app"]
