"""The Atom feed endpoints: all changes, and one source's."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from monitor.db import session_scope
from monitor.listing import list_changes, source_names
from monitor.web.atom import build_feed
from monitor.web.params import int_param, state

FEED_SIZE = 50
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def feed_all(request: Request) -> Response:
    """GET /feed.atom : the newest changes of every source."""
    limit = int_param(request, "limit", FEED_SIZE, 1, 500)
    with session_scope(state(request).sessions) as session:
        changes = list_changes(session, limit=limit)
    body = build_feed(
        changes,
        title="defwatch: article changes",
        feed_url=str(request.url),
        base_url=_base_url(request),
    )
    return Response(body, media_type=ATOM_TYPE)


def feed_source(request: Request) -> Response:
    """GET /sources/{name}/feed.atom : one source's newest changes."""
    name = request.path_params["name"]
    limit = int_param(request, "limit", FEED_SIZE, 1, 500)
    with session_scope(state(request).sessions) as session:
        if name not in source_names(session):
            raise HTTPException(404, "no such source")
        changes = list_changes(session, source=name, limit=limit)
    body = build_feed(
        changes,
        title=f"defwatch: changes in {name}",
        feed_url=str(request.url),
        base_url=_base_url(request),
    )
    return Response(body, media_type=ATOM_TYPE)
