"""Fixtures for alert channel tests: sample alerts, a real SMTP server, a loopback HTTP receiver."""

from __future__ import annotations

import email
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from alerts import AlertChannel, build_channel
from alerts.message import ChangeAlert

# Scraped text that tries everything: HTML/JS, a Jinja expression, a Slack mention and a link.
EVIL = "<script>alert(1)</script> {{ 7*7 }} <!channel> <https://evil.example|click>"

DIFF = """--- v1
+++ v2
@@ -1,3 +1,3 @@
 The ministry confirmed the order.
-The contract is worth €1.2bn.
+The contract is worth €1.5bn.
 Deliveries start in 2027.
"""


def make_alert(**overrides: Any) -> ChangeAlert:
    """A realistic alert; keyword arguments replace fields."""
    values: dict[str, Any] = {
        "change_id": 17,
        "source": "defense-news",
        "url": "https://news.example/articles/frigate-order",
        "title": "Navy orders four frigates",
        "kind": "edited",
        "kinds": ("headline", "numbers"),
        "summary": "headline changed; 1 paragraph edited",
        "detected_at": datetime(2026, 11, 28, 10, 0, tzinfo=UTC),
        "from_version": 1,
        "to_version": 2,
        "diff_text": DIFF,
        "article_key": "defense-news:frigate-order",
        "diff_url": "https://defwatch.example/changes/17",
    }
    values.update(overrides)
    return ChangeAlert(**values)


def free_port() -> int:
    """A port nothing listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- SMTP


@dataclass
class Inbox:
    """What the test SMTP server received; ``reply`` is what it answers to DATA."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    reply: str = "250 OK"
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> RCPT reply

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply.startswith("250"):
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return self.reply


class LoopbackController(Controller):
    """aiosmtpd's Controller on port 0: learns the real port once the server is bound."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    inbox: Inbox
    port: int
    ca_file: Path | None = None

    def options(self, **overrides: object) -> dict[str, object]:
        """Email channel options pointing at this server."""
        options: dict[str, object] = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": "none",
            "from": "defwatch@watch.example",
            "to": ["analyst@watch.example", "desk@watch.example"],
            "timeout_s": 5,
        }
        options.update(overrides)
        return options


SMTP_USER = "watcher"
SMTP_PASSWORD = "s3cret-Pa55word-XYZ"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login,
        auth_data.password,
    ) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on 127.0.0.1 (no TLS, no login)."""
    inbox = Inbox()
    controller = LoopbackController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    yield SmtpServer(inbox, controller.port)
    controller.stop()


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """A throwaway CA (trustme) and its PEM file (what the channel's ca_file option points at)."""
    trustme = pytest.importorskip(
        "trustme", reason="TLS tests need: pip install trustme"
    )
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, path


def _server_context(ca: Any) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def smtp_starttls_server(tls_ca: tuple[Any, Path]) -> Iterator[SmtpServer]:
    """An SMTP server that requires STARTTLS and a login (user watcher)."""
    ca, ca_file = tls_ca
    inbox = Inbox()
    controller = LoopbackController(
        inbox,
        hostname="127.0.0.1",
        port=0,
        tls_context=_server_context(ca),
        require_starttls=True,
        auth_require_tls=True,
        auth_required=True,
        authenticator=_authenticate,
    )
    controller.start()
    yield SmtpServer(inbox, controller.port, ca_file)
    controller.stop()


@pytest.fixture
def smtp_implicit_tls_server(tls_ca: tuple[Any, Path]) -> Iterator[SmtpServer]:
    """An SMTP server speaking TLS from the first byte (port 465 style)."""
    ca, ca_file = tls_ca
    inbox = Inbox()
    controller = LoopbackController(
        inbox, hostname="127.0.0.1", port=0, ssl_context=_server_context(ca)
    )
    controller.start()
    yield SmtpServer(inbox, controller.port, ca_file)
    controller.stop()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections but never says a word (a hung server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


# ---------------------------------------------------------------- HTTP


def slack_problems(payload: Any) -> list[str]:
    """Where a payload breaks Slack's documented limits for incoming webhooks."""
    if not isinstance(payload, dict):
        return ["payload is not a JSON object"]
    problems = []
    if not isinstance(payload.get("text"), str) or not payload["text"]:
        problems.append("top-level text missing")
    blocks = payload.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        return [*problems, "blocks missing"]
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks > 50")
    for index, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header":
            text = block["text"]
            if text["type"] != "plain_text" or len(text["text"]) > 150:
                problems.append(f"block {index}: header not plain_text <= 150")
        elif kind == "section":
            if len(block["text"]["text"]) > 3000:
                problems.append(
                    f"block {index}: section text {len(block['text']['text'])} > 3000"
                )
        elif kind == "context":
            if not 1 <= len(block["elements"]) <= 10:
                problems.append(f"block {index}: context elements not 1..10")
            if any(len(element["text"]) > 3000 for element in block["elements"]):
                problems.append(f"block {index}: context text > 3000")
        else:
            problems.append(f"block {index}: unexpected type {kind!r}")
    return problems


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A loopback HTTP endpoint. Set ``status``/``headers``/``body`` or ``hang`` to choose the answer."""

    port: int = 0
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    hang: bool = False
    slack: bool = (
        False  # validate payloads like Slack and answer 400 invalid_payload when bad
    )
    requests: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, request: Received) -> tuple[int, dict[str, str], bytes]:
        self.requests.append(request)
        if self.slack:
            problems = slack_problems(request.json())
            self.problems += problems
            if problems:
                return 400, {}, b"invalid_payload"
        return self.status, self.headers, self.body


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            request = Received(
                self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            if receiver.hang:
                receiver.requests.append(request)
                receiver.release.wait(10)
                return
            status, headers, body = receiver.answer(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A ThreadingHTTPServer on 127.0.0.1:0 that records POSTs and answers as told."""
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield receiver
    receiver.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def alert_factory() -> Callable[..., ChangeAlert]:
    return make_alert


@pytest.fixture
def evil() -> str:
    """Hostile scraped text (HTML, a Jinja expression, a Slack mention and link)."""
    return EVIL


@pytest.fixture
def dead_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connection refused)."""
    return free_port()


@pytest.fixture
def make_channel() -> Iterator[
    Callable[[str, dict[str, object], dict[str, str]], AlertChannel]
]:
    """build_channel, closing every channel it built when the test ends (as the monitor must)."""
    built: list[AlertChannel] = []

    def make(
        kind: str, options: dict[str, object], environ: dict[str, str]
    ) -> AlertChannel:
        channel = build_channel(kind, options, environ)
        built.append(channel)
        return channel

    yield make
    for channel in built:
        channel.close()


@pytest.fixture(scope="session")
def slack_validator() -> Callable[[Any], list[str]]:
    """The receiver's Slack payload check, for tests that build payloads without sending them."""
    return slack_problems
