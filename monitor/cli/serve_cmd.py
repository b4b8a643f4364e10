"""``defwatch serve``: the read-only web page, Atom feeds and JSON API."""

from __future__ import annotations

import logging

import click

from monitor.cli.context import AppContext

logger = logging.getLogger(__name__)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True)
@click.pass_obj
def serve(app: AppContext, host: str, port: int) -> None:
    """Serve the history as a read-only web page (changes, timelines, diffs, search, feeds)."""
    import uvicorn  # the web stack is loaded only by this command

    from monitor.web import app_for_url

    # the schema and search index are created once with a writable connection; the web app
    # itself only ever reads
    app.engine().dispose()
    if host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning(
            "serving on %s: anyone who can reach it can read the history", host
        )
    click.echo(
        f"defwatch: serving {app.db_url} read-only on http://{host}:{port}/", err=True
    )
    uvicorn.run(app_for_url(app.db_url), host=host, port=port, log_level="warning")
