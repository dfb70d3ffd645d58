"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and a webhook receiver.

``SmtpServer.delay`` makes the server wait before answering DATA (a slow or
hung server: the client times out mid-hand-over); the message is still
accepted, as a real server would. ``defer`` makes it answer every RCPT TO
with ``451`` (try again later), as a server that is over quota or
greylisting does. ``SmtpServer(oauth=check)`` offers AUTH XOAUTH2 (without
TLS, on loopback) and requires it before MAIL FROM: ``check(user, token)``
says whether the token is good for that user (the tests ask the fake OAuth
server); ``logins`` records each attempt as (user, accepted).
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPProtocol
from aiosmtpd.smtp import AuthResult, Envelope, Session


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    delay: float = 0.0
    defer: bool = False
    logins: list[tuple[str, bool]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTPProtocol, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.defer:
            return "451 4.3.2 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPProtocol, session: Session, envelope: Envelope) -> str:
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        content = envelope.original_content or b""
        self.received.append(Received(str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos], content))
        return "250 OK"


@dataclass
class _OAuthHandler(_Handler):
    """A handler whose server takes SASL XOAUTH2 (RFC-less, as Google and Microsoft define it)."""

    check: Callable[[str, str], bool] | None = None

    async def auth_XOAUTH2(self, server: SMTPProtocol, args: list[str]) -> AuthResult:
        if len(args) < 2:
            return AuthResult(success=False, handled=False)
        text = base64.b64decode(args[1]).decode("utf-8", "replace")
        fields = dict(part.split("=", 1) for part in text.split("\x01") if "=" in part)
        user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
        ok = self.check is not None and self.check(user, token)
        self.logins.append((user, ok))
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    async def handle_MAIL(
        self, server: SMTPProtocol, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        return "250 OK"


class SmtpServer:
    def __init__(self, oauth: Callable[[str, str], bool] | None = None) -> None:
        self.handler = _Handler() if oauth is None else _OAuthHandler(check=oauth)
        with socket.socket() as probe:  # aiosmtpd connects to its own port to check it is up: it needs a real one
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        extra: dict[str, Any] = {"auth_require_tls": False, "auth_exclude_mechanism": ["LOGIN", "PLAIN"]}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port, **(extra if oauth else {}))

    @property
    def logins(self) -> list[tuple[str, bool]]:
        return self.handler.logins

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Webhook:
    """An HTTP server that records each POST (headers and JSON body); ``status`` is what it answers."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], Any]] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"null")
                hook.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(hook.status)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    hook.thread.start()
    try:
        yield hook
    finally:
        hook.server.shutdown()
        hook.server.server_close()
