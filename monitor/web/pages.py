"""The HTML pages. Every piece of stored text reaches the page through Jinja autoescaping; the
only pre-rendered HTML is the diffing module's ``render_html``, which escapes the text itself."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from monitor.db import session_scope
from monitor.diffing import render_html
from monitor.listing import (
    ArticleFilter,
    get_change,
    list_articles,
    list_changes,
    source_names,
)
from monitor.search import search
from monitor.web.atom import change_path
from monitor.web.history import timeline, version_pair
from monitor.web.params import flag_param, int_param, page_of, state
from monitor.web.sidebyside import side_by_side


def render(
    request: Request, template: str, status: int = 200, **values: Any
) -> Response:
    """A page from a template."""
    html = (
        state(request)
        .templates.get_template(template)
        .render(request=request, **values)
    )
    return HTMLResponse(html, status_code=status)


# render_html sets inline styles for mail clients; the page's CSP forbids them (the stylesheet
# styles the same classes). Attribute values there are constants, and text is escaped with
# quote=True, so a literal ` style="` never comes from article text.
_INLINE_STYLE = re.compile(r' style="[^"]*"')


def _without_inline_styles(fragment: str) -> str:
    return _INLINE_STYLE.sub("", fragment)


def recent_changes(request: Request) -> Response:
    """/ : the newest changes, all sources."""
    page = page_of(request)
    edits_only = flag_param(request, "edits")
    with session_scope(state(request).sessions) as session:
        changes = list_changes(
            session, edits_only=edits_only, limit=page.limit, offset=page.offset
        )
        sources = source_names(session)
    return render(
        request,
        "changes.html",
        changes=changes,
        page=page,
        sources=sources,
        source=None,
        edits_only=edits_only,
    )


def source_page(request: Request) -> Response:
    """/sources/{name} : one source's changes and articles."""
    name = request.path_params["name"]
    page = page_of(request)
    with session_scope(state(request).sessions) as session:
        if name not in source_names(session):
            raise HTTPException(404, "no such source")
        changes = list_changes(
            session, source=name, limit=page.limit, offset=page.offset
        )
        articles = list_articles(session, ArticleFilter(source=name), limit=20)
    return render(
        request,
        "source.html",
        changes=changes,
        page=page,
        source=name,
        articles=articles,
    )


def articles_page(request: Request) -> Response:
    """/articles : the articles, filtered by source, topic, changed-only."""
    page = page_of(request)
    filt = ArticleFilter(
        source=request.query_params.get("source") or None,
        topic=request.query_params.get("topic") or None,
        changed_only=flag_param(request, "changed"),
    )
    with session_scope(state(request).sessions) as session:
        rows = list_articles(session, filt, limit=page.limit, offset=page.offset)
        sources = source_names(session)
    return render(
        request, "articles.html", articles=rows, page=page, filt=filt, sources=sources
    )


def article_page(request: Request) -> Response:
    """/articles/{id} : the timeline: chart, versions, changes, a form to diff any two."""
    with session_scope(state(request).sessions) as session:
        line = timeline(session, request.path_params["article_id"])
    if line is None:
        raise HTTPException(404, "no such article")
    return render(request, "article.html", line=line)


def diff_page(request: Request) -> Response:
    """/articles/{id}/diff?from=&to=&view=inline|side : the diff between any two versions."""
    with session_scope(state(request).sessions) as session:
        line = timeline(session, request.path_params["article_id"])
    if line is None:
        raise HTTPException(404, "no such article")
    latest = line.article.versions
    to_number = int_param(request, "to", latest, 1, max(latest, 1))
    from_number = int_param(request, "from", max(1, to_number - 1), 1, max(latest, 1))
    pair = version_pair(line, from_number, to_number)
    if pair is None:
        raise HTTPException(404, "no such version")
    view = "side" if request.query_params.get("view") == "side" else "inline"
    return render(
        request,
        "diff.html",
        line=line,
        pair=pair,
        view=view,
        inline=Markup(_without_inline_styles(render_html(pair.report, context=None))),
        rows=side_by_side(pair.report),
    )


def version_page(request: Request) -> Response:
    """/articles/{id}/versions/{number} : one version's text."""
    with session_scope(state(request).sessions) as session:
        line = timeline(session, request.path_params["article_id"])
    if line is None:
        raise HTTPException(404, "no such article")
    number = request.path_params["number"]
    version = next((v for v in line.versions if v.version == number), None)
    if version is None:
        raise HTTPException(404, "no such version")
    return render(request, "version.html", line=line, version=version)


def change_redirect(request: Request) -> Response:
    """/changes/{id} : where a change is read (the Atom entries' ids resolve here)."""
    with session_scope(state(request).sessions) as session:
        change = get_change(session, request.path_params["change_id"])
    if change is None:
        raise HTTPException(404, "no such change")
    return RedirectResponse(change_path(change), status_code=303)


def search_page(request: Request) -> Response:
    """/search?q= : full-text search over every version."""
    query = request.query_params.get("q", "").strip()
    page = page_of(request)
    hits = []
    if query:
        with session_scope(state(request).sessions) as session:
            hits = search(session, query, limit=page.limit, offset=page.offset)
    return render(request, "search.html", query=query, hits=hits, page=page)
