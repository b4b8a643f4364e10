"""Response headers that keep scraped text inert: a strict CSP, no sniffing, no framing."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts and styles only from our own /static files: text from a scraped page that slipped
# through escaping still cannot run. Images may be inline SVG/data: (the timeline chart).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (
        b"x-content-type-options",
        b"nosniff",
    ),  # a JSON or text response is never run as HTML
    (
        b"referrer-policy",
        b"no-referrer",
    ),  # readers' visits do not leak to the news sites
    (b"x-frame-options", b"DENY"),  # no clickjacking through frames
)


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [h for h in message.get("headers", []) if h[0] not in names]
                message["headers"] = [*kept, *SECURITY_HEADERS]
            await send(message)

        await self._app(scope, receive, send_with_headers)
