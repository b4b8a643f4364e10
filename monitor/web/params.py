"""Reading query parameters and the app's shared state from a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from jinja2 import Environment
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request

from monitor.listing import DEFAULT_LIMIT, MAX_LIMIT


@dataclass(frozen=True, slots=True)
class WebState:
    """What every endpoint needs: sessions on the (read-only) database and the templates."""

    sessions: sessionmaker[Session]
    templates: Environment


def state(request: Request) -> WebState:
    """The app's WebState."""
    web_state: WebState = request.app.state.web
    return web_state


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; 400 when it is not a number."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HTTPException(400, f"{name} must be a whole number") from None
    return max(low, min(value, high))


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of a list: ``limit`` rows after ``offset``."""

    limit: int
    offset: int

    @property
    def next_offset(self) -> int:
        """Where the next page starts."""
        return self.offset + self.limit

    @property
    def previous_offset(self) -> int | None:
        """Where the previous page starts (None on the first page)."""
        return max(0, self.offset - self.limit) if self.offset else None


def page_of(request: Request) -> Page:
    """``?limit=&offset=`` (default limit 50, at most 1000)."""
    return Page(
        limit=int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=int_param(request, "offset", 0, 0, 10**9),
    )


def since_param(request: Request) -> datetime | None:
    """``?since=`` as an ISO date/time (UTC if naive); 400 when unreadable."""
    raw = request.query_params.get("since")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise HTTPException(400, "since must be an ISO date, e.g. 2026-11-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def flag_param(request: Request, name: str) -> bool:
    """A boolean query parameter: 1/true/yes/on."""
    return request.query_params.get(name, "").lower() in {"1", "true", "yes", "on"}
