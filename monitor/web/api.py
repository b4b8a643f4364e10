"""The JSON API: the same data as the pages, with the CLI's ``--json`` field names."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from monitor.db import session_scope
from monitor.listing import (
    ArticleFilter,
    get_article,
    list_articles,
    list_changes,
    versions_with_text,
)
from monitor.search import search
from monitor.web.params import flag_param, page_of, since_param, state


def _paged(items: list[dict[str, object]], request: Request) -> Response:
    page = page_of(request)
    return JSONResponse(
        {
            "items": items,
            "limit": page.limit,
            "offset": page.offset,
            "count": len(items),
        }
    )


def api_changes(request: Request) -> Response:
    """GET /api/changes?source=&since=&edits=1&limit=&offset= : newest first."""
    page = page_of(request)
    with session_scope(state(request).sessions) as session:
        rows = list_changes(
            session,
            source=request.query_params.get("source") or None,
            since=since_param(request),
            edits_only=flag_param(request, "edits"),
            limit=page.limit,
            offset=page.offset,
        )
    return _paged([r.to_dict() for r in rows], request)


def api_articles(request: Request) -> Response:
    """GET /api/articles?source=&topic=&since=&changed_only=1&limit=&offset=."""
    page = page_of(request)
    filt = ArticleFilter(
        source=request.query_params.get("source") or None,
        topic=request.query_params.get("topic") or None,
        since=since_param(request),
        changed_only=flag_param(request, "changed_only"),
    )
    with session_scope(state(request).sessions) as session:
        rows = list_articles(session, filt, limit=page.limit, offset=page.offset)
    return _paged([r.to_dict() for r in rows], request)


def api_article(request: Request) -> Response:
    """GET /api/articles/{id} : one article."""
    with session_scope(state(request).sessions) as session:
        article = get_article(session, request.path_params["article_id"])
    if article is None:
        raise HTTPException(404, "no such article")
    return JSONResponse(article.to_dict())


def api_versions(request: Request) -> Response:
    """GET /api/articles/{id}/versions : every version with its text, oldest first."""
    article_id = request.path_params["article_id"]
    with session_scope(state(request).sessions) as session:
        if get_article(session, article_id) is None:
            raise HTTPException(404, "no such article")
        versions = versions_with_text(session, article_id)
    return JSONResponse(
        {"items": [v.to_dict() for v in versions], "count": len(versions)}
    )


def api_search(request: Request) -> Response:
    """GET /api/search?q=&limit=&offset= : matches in any version."""
    query = request.query_params.get("q", "").strip()
    if not query:
        raise HTTPException(400, "q (the words to search for) is required")
    page = page_of(request)
    with session_scope(state(request).sessions) as session:
        hits = search(session, query, limit=page.limit, offset=page.offset)
    return _paged([h.to_dict() for h in hits], request)
