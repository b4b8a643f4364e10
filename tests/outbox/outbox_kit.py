"""Test kit of the outbox tests: a real SMTP server (aiosmtpd) and a real HTTP receiver on
127.0.0.1, a SQLite store in tmp_path, and a helper that records article edits as Changes."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

import tests.items
from crawler.items import ArticleItem
from monitor.config import AppConfig
from monitor.crawl import alert_rules
from monitor.db import session_scope
from monitor.ingest import Recorder
from monitor.models import Change, Delivery
from monitor.runs import start_run

REPO_ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def wait_until(check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Poll ``check`` until it is true; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        time.sleep(0.02)


# -- SMTP -------------------------------------------------------------------------------------


class _MailHandler:
    def __init__(self, inbox: SmtpInbox) -> None:
        self.inbox = inbox

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.inbox.messages.append(message)
        return "250 OK"


@dataclass
class SmtpInbox:
    """A real SMTP server on 127.0.0.1 that keeps every mail it accepts; can be stopped and
    restarted on the same port (a mail server that is down for a while)."""

    messages: list[EmailMessage] = field(default_factory=list)
    port: int = 0
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.Server | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, daemon=True)
        self._thread.start()
        handler = _MailHandler(self)

        async def serve() -> asyncio.Server:
            return await loop.create_server(
                lambda: SMTP(handler, hostname="defwatch.test"),
                "127.0.0.1",
                self.port,
                reuse_address=True,
            )

        self._server = asyncio.run_coroutine_threadsafe(serve(), loop).result(5)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._loop is None or self._server is None:
            return
        loop, server = self._loop, self._server

        async def close() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(5)
        loop.close()
        self._loop = self._server = self._thread = None

    def html_of(self, message: EmailMessage) -> str:
        part = message.get_body(("html",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]

    def text_of(self, message: EmailMessage) -> str:
        part = message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())  # type: ignore[attr-defined]


def email_options(inbox: SmtpInbox) -> dict[str, object]:
    """Options of an email channel that sends to ``inbox`` without TLS."""
    return {
        "host": "127.0.0.1",
        "port": inbox.port,
        "security": "none",
        "from": "defwatch@defwatch.test",
        "to": ["desk@defwatch.test"],
        "timeout_s": 5,
    }


# -- HTTP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One POST the receiver got."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Reply:
    """What the receiver answers to one request."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str = "ok"


class HttpReceiver:
    """A loopback HTTP server recording every POST (JSON bodies), answering planned replies
    (200 when none is planned); ``hold()`` makes it keep requests waiting until ``release()``."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.plan: list[Reply] = []
        self._held = threading.Event()
        self._held.set()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with receiver._lock:
                    receiver.requests.append(
                        Received(
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                        )
                    )
                    reply = receiver.plan.pop(0) if receiver.plan else Reply()
                receiver._held.wait(30)
                payload = reply.body.encode()
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up (timed out, or was killed) before the answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hold(self) -> None:
        self._held.clear()

    def release(self) -> None:
        self._held.set()

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


# -- the store and changes --------------------------------------------------------------------


@dataclass
class Store:
    """A SQLite store in tmp_path and a way to record article edits into it."""

    path: Path
    factory: sessionmaker[DbSession]

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def record_edit(
        self,
        config: AppConfig,
        slug: str,
        title: str,
        before: list[str],
        after: list[str],
        at: datetime = T0,
        source: str = "navy-news",
    ) -> int | None:
        """Record version 1 then an edited version 2 of one article; the id of the edit's
        Change, or None when no change was recorded."""
        run_id = start_run(self.factory, source)
        recorder = Recorder(self.factory, alert_rules(config), run_id)
        url = f"https://news.example.org/{slug}"
        assert recorder.record(article_item(url, title, before, at, source)) in (
            "new_article",
            "unchanged",
        )
        recorder.record(
            article_item(url, title, after, at + timedelta(minutes=5), source)
        )
        with session_scope(self.factory) as session:
            return session.scalar(
                select(Change.id).where(Change.kind != "new").order_by(Change.id.desc())
            )

    def deliveries(self) -> list[Delivery]:
        with session_scope(self.factory) as session:
            return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def article_item(
    url: str, title: str, body: list[str], at: datetime, source: str
) -> ArticleItem:
    """What the crawler yields for one fetch of an article page."""
    return tests.items.article_item(
        url,
        title=title,
        body=tuple(body),
        standfirst=(),
        authors=("A. Reporter",),
        source=source,
        fetched_at=at,
        relevance_terms=("navy",),
    )


# Two versions of a story: the second changes a number and adds a sentence (a real edit).
BEFORE = [
    "The navy said the first frigate of the class would enter service in 2027.",
    "Officials gave no figure for the cost of the programme.",
]
AFTER = [
    "The navy said the first frigate of the class would enter service in 2029.",
    "Officials gave no figure for the cost of the programme, which is under review.",
]
