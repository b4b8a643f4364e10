"""The Starlette application: routes, templates, static files, headers and error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from monitor.db import make_engine, session_factory
from monitor.search import SearchUnavailableError
from monitor.web import api, feeds, pages
from monitor.web.atom import change_path
from monitor.web.params import WebState
from monitor.web.security import SecurityHeaders

STATIC_DIR = Path(__file__).resolve().parent / "static"

ROUTES = [
    Route("/", pages.recent_changes, name="changes"),
    Route("/articles", pages.articles_page, name="articles"),
    Route("/articles/{article_id:int}", pages.article_page, name="article"),
    Route("/articles/{article_id:int}/diff", pages.diff_page, name="diff"),
    Route(
        "/articles/{article_id:int}/versions/{number:int}",
        pages.version_page,
        name="version",
    ),
    Route("/changes/{change_id:int}", pages.change_redirect, name="change"),
    Route("/search", pages.search_page, name="search"),
    Route("/sources/{name}", pages.source_page, name="source"),
    Route("/feed.atom", feeds.feed_all, name="feed"),
    Route("/sources/{name}/feed.atom", feeds.feed_source, name="source_feed"),
    Route("/api/changes", api.api_changes),
    Route("/api/articles", api.api_articles),
    Route("/api/articles/{article_id:int}", api.api_article),
    Route("/api/articles/{article_id:int}/versions", api.api_versions),
    Route("/api/search", api.api_search),
    Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
]


def templates() -> Environment:
    """The Jinja2 environment: package templates, autoescaping on for every template."""
    env = Environment(
        loader=PackageLoader("monitor.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["http_only"] = _http_only
    env.globals["change_path"] = change_path
    return env


def _when(moment: Any) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _http_only(url: str) -> str:
    """A scraped URL usable as a link only when it is http(s) (never ``javascript:``)."""
    return url if url.lower().startswith(("http://", "https://")) else "#"


async def _error(request: Request, exc: Exception) -> Response:
    status, detail = 500, "internal error"
    if isinstance(exc, HTTPException):
        status, detail = exc.status_code, exc.detail
    elif isinstance(exc, SearchUnavailableError):
        status, detail = 503, str(exc)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": detail}, status_code=status)
    env: Environment = request.app.state.web.templates
    html = env.get_template("error.html").render(
        request=request, status=status, detail=detail
    )
    return HTMLResponse(html, status_code=status)


def create_app(engine: Engine) -> Starlette:
    """The web app over ``engine`` (which should be read-only: the app never writes)."""
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={
            HTTPException: _error,
            SearchUnavailableError: _error,
        },
    )
    app.state.web = WebState(sessions=session_factory(engine), templates=templates())
    return app


def app_for_url(url: str) -> Starlette:
    """The web app over the database at ``url``, opened read-only."""
    engine = make_engine(url, read_only=True)  # SQLite: PRAGMA query_only
    if engine.dialect.name == "postgresql":
        # every transaction of the web app is READ ONLY on the server too
        engine = engine.execution_options(postgresql_readonly=True)
    return create_app(engine)
