"""A fake OAuth 2.0 identity provider on loopback: Microsoft identity platform v2.0 and Google.

Registered as a pytest plugin by ``tests/conftest.py``. The endpoints are in
``oauth_microsoft.py`` and ``oauth_google.py`` (mixins of ``OAuthServer``), the
pieces they share in ``oauth_parts.py``. ``OAuthServer`` runs in
the test process, in threads, and speaks the documented endpoints that the real
client libraries call, so tests drive ``msal`` and ``google-auth`` /
``google-auth-oauthlib`` unmodified:

* Microsoft (``msal.PublicClientApplication(client_id,
  authority=server.microsoft_authority(tenant), instance_discovery=False)``):
  ``GET /{tenant}/v2.0/.well-known/openid-configuration``,
  ``POST /{tenant}/oauth2/v2.0/devicecode`` and ``POST /{tenant}/oauth2/v2.0/token``
  (device code and refresh token grants). Token responses carry an unsigned
  ``id_token`` and a ``client_info``, which is what msal needs to create an
  account in its token cache. Refresh tokens rotate on every refresh, as
  Microsoft's do; the old ones stay valid until revoked.
* Google (``InstalledAppFlow.from_client_secrets_file(server.google_client_secrets(path))``
  and ``google.oauth2.credentials.Credentials(..., token_uri=server.google_token_uri)``):
  ``GET /o/oauth2/auth`` (approves at once and redirects to the loopback
  ``redirect_uri`` with ``code`` and ``state``) and ``POST /token``
  (authorization code with PKCE, refresh token). Google does not rotate
  refresh tokens and issues one only for ``access_type=offline`` (which
  ``google-auth-oauthlib`` sends by default). ``email`` and ``profile`` are
  granted under their long names, as Google does, so asking for them makes
  oauthlib raise its "Scope has changed" ``Warning`` (unless
  ``OAUTHLIB_RELAX_TOKEN_SCOPE`` is set): that is real Google behaviour too.
* Token validation for Dovecot's ``oauth2`` passdb, on a second, plain-HTTP port:
  ``GET /tokeninfo?access_token=TOKEN`` (Dovecot appends the URL-escaped token
  to ``tokeninfo_url``; a ``Authorization: Bearer`` header is honoured as well).
  200 with ``{"email", "active": true, "expires_in", "scope", ...}`` for a live
  token, 401 ``{"error": "invalid_token"}`` for an unknown, expired or revoked one.

The HTTPS side uses a throwaway CA made with ``cryptography`` when the server
starts (certificate for ``127.0.0.1`` and ``localhost``). msal and google-auth
both use ``requests``, so a test trusts the CA with::

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(oauth_server.cafile))

or ``oauth_server.trust(monkeypatch)``, which does just that (the fixture
does not set it: a test that forgets it fails loudly with a certificate error
instead of passing by accident).

Fixtures: ``oauth_server_session`` starts one server for the session;
``oauth_server`` gives each test that server after ``reset()``: nobody revoked,
no failures queued, counters, records and settings back to their defaults.

Test controls: ``sign_in_as(email)``, ``access_lifetime``, ``revoke(email)``,
``expire_access_tokens(email)``, ``fail_token_endpoint(n, status, retry_after)``,
``fail_tokeninfo(n, status)``, ``consent``, ``auto_approve`` /
``approve_device_code``, ``issue_access_token(email)``; records:
``token_requests`` (a Counter by grant type), ``access_tokens`` /
``refresh_tokens`` (issued, by user, oldest first), ``requests`` (every request
seen, with ``seen(endpoint)`` to filter them).

For ``run_local_server(open_browser=False)`` something has to play the
browser: ``server.browse(url)`` GETs an authorization URL and follows the
redirect to the flow's loopback server. ``with server.auto_browse(): flow.run_local_server(...)``
does it by itself, catching the URL in the record that ``google-auth-oauthlib``
logs (``authorization_prompt_message``) and browsing from a thread.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import re
import secrets
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .oauth_google import GoogleEndpoints
from .oauth_microsoft import MicrosoftEndpoints
from .oauth_parts import (
    DEFAULT_ACCESS_LIFETIME,
    DEFAULT_DEVICE_INTERVAL,
    DEFAULT_GOOGLE_CLIENT_ID,
    DEFAULT_GOOGLE_CLIENT_SECRET,
    DEFAULT_USER,
    DEVICE_FLOW_GRANT,
    FLOW_LOGGER,
    AuthCode,
    DeviceFlow,
    Failure,
    HandlerError,
    Reply,
    SeenRequest,
    TokenRecord,
    google_sub,
    json_reply,
    make_ca_and_server_cert,
    object_id,
)

_log = logging.getLogger(__name__)


# -- HTTP plumbing ---------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mailflow-fake-idp/1"
    server: _HTTPServer
    timeout = 15  # a stalled client cannot hold a handler thread for ever

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        form: dict[str, str] = {}
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            body = self.rfile.read(length).decode("utf-8", "replace")
            if "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        endpoint, reply = self.server.owner._dispatch(self.server.kind, method, parts.path, query, form, headers)
        self.server.owner._record(
            SeenRequest(endpoint, method, parts.path, query, form, headers, reply.status, time.time())
        )
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")  # no pooled connections left behind in clients
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True
        if method != "HEAD":
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("%s %s", self.server.kind, format % args)


class _HTTPServer(http.server.ThreadingHTTPServer):
    """Threaded; with a TLS context, the handshake happens in the request's own thread."""

    daemon_threads = False  # server_close() joins the handler threads
    block_on_close = True

    def __init__(self, owner: OAuthServer, kind: str, address: tuple[str, int], context: ssl.SSLContext | None):
        self.owner = owner
        self.kind = kind  # "https" or "http"
        self.context = context
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.context is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(15)
        try:
            tls = self.context.wrap_socket(request, server_side=True)  # detaches ``request``
        except (ssl.SSLError, OSError) as exc:
            _log.debug("TLS handshake with %s failed: %s", client_address, exc)
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            with contextlib.suppress(OSError):
                tls.shutdown(socket.SHUT_RDWR)
            tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.owner._handler_crashed(client_address)


# -- the server --------------------------------------------------------------------


class OAuthServer(MicrosoftEndpoints, GoogleEndpoints):
    """A fake Microsoft identity platform v2.0 and Google OAuth 2.0 server; see the module docstring."""

    def __init__(self, root: Path, host: str = "127.0.0.1") -> None:
        self.root = root
        self.host = host
        self._lock = threading.RLock()
        self._https: _HTTPServer | None = None
        self._http: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._cafile: Path | None = None
        self.errors: list[str] = []  # handler crashes (bugs in this fake); the fixture fails the test on them
        self.reset()

    # -- lifecycle -------------------------------------------------------

    def start(self) -> None:
        """Make the CA and certificate and start the HTTPS and HTTP listeners on free ports."""
        ca, cert, key = make_ca_and_server_cert(self.root / "tls")
        self._cafile = ca
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert, key)
        self._https = _HTTPServer(self, "https", (self.host, 0), context)
        self._http = _HTTPServer(self, "http", (self.host, 0), None)
        for server in (self._https, self._http):
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"oauth-{server.kind}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop both listeners and wait for their threads; safe to call twice."""
        for server in (self._https, self._http):
            if server is not None:
                server.shutdown()
                server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)
        self._https = self._http = None
        self._threads = []

    def reset(self) -> None:
        """Back to a clean state: no tokens, codes, revocations, queued failures or records; default settings."""
        with self._lock:
            self.access_lifetime: int = DEFAULT_ACCESS_LIFETIME
            self.device_interval: int = DEFAULT_DEVICE_INTERVAL
            self.pending_polls: int = 1  # device-code polls answered authorization_pending before approval
            self.auto_approve: bool = True  # approve device codes by themselves (else approve_device_code())
            self.consent: bool = True  # False: the user declines (device flow / Google consent screen)
            self.signed_in: str = DEFAULT_USER
            self.token_requests: Counter[str] = Counter()
            self.access_tokens: dict[str, list[str]] = {}
            self.refresh_tokens: dict[str, list[str]] = {}
            self.requests: list[SeenRequest] = []
            self.errors = []
            self._tokens: dict[str, TokenRecord] = {}
            self._device_flows: dict[str, DeviceFlow] = {}
            self._codes: dict[str, AuthCode] = {}
            self._failures: list[Failure] = []
            self._tokeninfo_failures: list[int] = []
            self._google_clients: dict[str, str] = {DEFAULT_GOOGLE_CLIENT_ID: DEFAULT_GOOGLE_CLIENT_SECRET}

    # -- addresses -------------------------------------------------------

    @property
    def https_port(self) -> int:
        if self._https is None:
            raise RuntimeError("the OAuth server is not running")
        port: int = self._https.server_address[1]
        return port

    @property
    def http_port(self) -> int:
        if self._http is None:
            raise RuntimeError("the OAuth server is not running")
        port: int = self._http.server_address[1]
        return port

    @property
    def base_url(self) -> str:
        """``https://127.0.0.1:PORT``: the Microsoft authority host and the Google endpoints."""
        return f"https://{self.host}:{self.https_port}"

    @property
    def tokeninfo_url(self) -> str:
        """For Dovecot's ``tokeninfo_url`` (plain HTTP): Dovecot appends the URL-escaped access token."""
        return f"http://{self.host}:{self.http_port}/tokeninfo?access_token="

    @property
    def cafile(self) -> Path:
        """The PEM of the throwaway CA that signed the HTTPS certificate (for ``REQUESTS_CA_BUNDLE``)."""
        if self._cafile is None:
            raise RuntimeError("the OAuth server is not running")
        return self._cafile

    def trust(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make ``requests`` (so msal and google-auth) trust this server's CA, for one test.

        It only does ``monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(self.cafile))``.
        """
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(self.cafile))

    def microsoft_authority(self, tenant: str = "organizations") -> str:
        """The ``authority`` for ``msal.PublicClientApplication`` (pass ``instance_discovery=False`` too)."""
        return f"{self.base_url}/{tenant}"

    @property
    def google_auth_uri(self) -> str:
        return f"{self.base_url}/o/oauth2/auth"

    @property
    def google_token_uri(self) -> str:
        """The ``token_uri`` for ``google.oauth2.credentials.Credentials``."""
        return f"{self.base_url}/token"

    # -- test controls ---------------------------------------------------

    def sign_in_as(self, email: str) -> None:
        """The user who approves the next device code or Google consent (default ``dana@acme.example``)."""
        with self._lock:
            self.signed_in = email.lower()

    def revoke(self, email: str) -> None:
        """Revoke every token issued to the user so far.

        Their refresh tokens now get ``400 invalid_grant`` and their access
        tokens fail validation. Tokens issued later (the user signs in again)
        are valid.
        """
        email = email.lower()
        with self._lock:
            for token in self._tokens.values():
                if token.email == email:
                    token.revoked = True

    def expire_access_tokens(self, email: str | None = None) -> None:
        """Make the user's (or everybody's) access tokens issued so far expire now (clients' caches do not know)."""
        now = time.time()
        with self._lock:
            for token in self._tokens.values():
                if token.kind == "access" and (email is None or token.email == email.lower()):
                    token.expires_at = min(token.expires_at or now, now - 1)

    def fail_token_endpoint(
        self, n: int = 1, status: int = 429, retry_after: int | None = 1, error: str = "temporarily_unavailable"
    ) -> None:
        """The next ``n`` token-endpoint requests (Microsoft or Google) fail with ``status``.

        The body is ``{"error": error, "error_description": ...}`` and, unless
        ``retry_after`` is None, a ``Retry-After: <seconds>`` header is sent.
        """
        with self._lock:
            self._failures.extend(Failure(status, retry_after, error) for _ in range(n))

    def fail_tokeninfo(self, n: int = 1, status: int = 503) -> None:
        """The next ``n`` tokeninfo requests (Dovecot's token checks) fail with ``status``."""
        with self._lock:
            self._tokeninfo_failures.extend([status] * n)

    def approve_device_code(self, user_code: str, email: str | None = None) -> None:
        """Approve a pending device code as ``email`` (default: the signed-in user); for ``auto_approve = False``."""
        with self._lock:
            flow = self._device_flow_by_user_code(user_code)
            flow.state, flow.email = "approved", (email or self.signed_in).lower()

    def decline_device_code(self, user_code: str) -> None:
        """The user declines at the device login page: the next poll gets ``authorization_declined``."""
        with self._lock:
            self._device_flow_by_user_code(user_code).state = "declined"

    def _device_flow_by_user_code(self, user_code: str) -> DeviceFlow:
        for flow in self._device_flows.values():
            if flow.user_code == user_code:
                return flow
        raise KeyError(f"no device flow with user code {user_code!r}")

    def issue_access_token(
        self, email: str, *, provider: str = "microsoft", lifetime: int | None = None, scopes: tuple[str, ...] = ()
    ) -> str:
        """A fresh access token for the user without any flow (for Dovecot tests); recorded like the others."""
        scopes = scopes or (
            ("https://outlook.office.com/IMAP.AccessAsUser.All",)
            if provider == "microsoft"
            else ("https://mail.google.com/",)
        )
        with self._lock:
            return self._new_token("access", provider, email.lower(), "test-client", scopes, lifetime=lifetime).value

    def token_info(self, token: str) -> dict[str, Any] | None:
        """What tokeninfo would answer for a token (None: it would be refused)."""
        with self._lock:
            return self._live_token_info(token)

    def seen(self, endpoint: str) -> list[SeenRequest]:
        """The requests seen at one endpoint, e.g. ``"ms.token"``, ``"google.token"``, ``"tokeninfo"``."""
        with self._lock:
            return [r for r in self.requests if r.endpoint == endpoint]

    # -- Google helpers --------------------------------------------------

    def google_client_secrets(
        self,
        path: Path | str,
        client_id: str = DEFAULT_GOOGLE_CLIENT_ID,
        client_secret: str = DEFAULT_GOOGLE_CLIENT_SECRET,
    ) -> Path:
        """Write an "installed" client secrets JSON (Cloud console format) pointing here, and register the client."""
        path = Path(path)
        with self._lock:
            self._google_clients[client_id] = client_secret
        path.write_text(
            json.dumps(
                {
                    "installed": {
                        "client_id": client_id,
                        "project_id": "mailflow-test",
                        "auth_uri": self.google_auth_uri,
                        "token_uri": self.google_token_uri,
                        "auth_provider_x509_cert_url": f"{self.base_url}/oauth2/v1/certs",
                        "client_secret": client_secret,
                        "redirect_uris": ["http://localhost"],
                    }
                },
                indent=2,
            )
        )
        return path

    def browse(self, url: str, timeout: float = 10) -> requests.Response:
        """Play the browser: GET an authorization URL and follow its redirect (to the flow's loopback server).

        Returns the last response (the flow's "you may close this window"
        page). Trusts this server's CA itself and ignores proxy variables.
        """
        with requests.Session() as session:
            session.trust_env = False
            session.verify = str(self.cafile)
            response = session.get(url, timeout=timeout, allow_redirects=True)
            response.close()
            return response

    @contextlib.contextmanager
    def auto_browse(self, timeout: float = 10) -> Iterator[list[str]]:
        """Browse every authorization URL that ``run_local_server`` announces while the block runs.

        ``run_local_server`` logs its ``authorization_prompt_message`` (which
        holds the URL) on the ``google_auth_oauthlib.flow`` logger before it
        waits for the redirect; this catches that record and calls
        ``browse(url)`` from a thread. Yields the list of URLs browsed. A
        browse that failed raises when the block ends. (With
        ``authorization_prompt_message=""`` nothing is logged: then capture
        the URL some other way and call ``browse``.)
        """
        urls: list[str] = []
        failures: list[BaseException] = []
        threads: list[threading.Thread] = []
        prefix = self.google_auth_uri
        pattern = re.compile(re.escape(prefix) + r"\S*")

        def visit(url: str) -> None:
            try:
                self.browse(url, timeout=timeout)
            except BaseException as exc:  # reported when the block ends
                failures.append(exc)

        class _Catch(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                match = pattern.search(record.getMessage())
                if match:
                    urls.append(match.group(0))
                    thread = threading.Thread(target=visit, args=(match.group(0),), name="oauth-browser", daemon=True)
                    threads.append(thread)
                    thread.start()

        logger = logging.getLogger(FLOW_LOGGER)
        handler = _Catch(logging.INFO)
        old_level = logger.level
        logger.addHandler(handler)
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
        try:
            yield urls
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)
            for thread in threads:
                thread.join(timeout + 5)
        if failures:
            raise failures[0]

    # -- request handling ------------------------------------------------

    def _record(self, request: SeenRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _handler_crashed(self, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError | ssl.SSLError):
            return  # the client went away
        with self._lock:
            self.errors.append(f"{client_address}: {traceback.format_exc()}")

    def _dispatch(
        self, kind: str, method: str, path: str, query: dict[str, str], form: dict[str, str], headers: dict[str, str]
    ) -> tuple[str, Reply]:
        with self._lock:
            try:
                return self._route(kind, method, path, query, form, headers)
            except HandlerError as exc:
                return self._last_endpoint, exc.reply
            except Exception:
                self.errors.append(f"{method} {path}: {traceback.format_exc()}")
                return "error", Reply(500, b'{"error": "server_error"}')

    def _route(
        self, kind: str, method: str, path: str, query: dict[str, str], form: dict[str, str], headers: dict[str, str]
    ) -> tuple[str, Reply]:
        self._last_endpoint = "unknown"
        if kind == "http":
            if path == "/tokeninfo" and method in ("GET", "POST"):
                self._last_endpoint = "tokeninfo"
                return "tokeninfo", self._tokeninfo(query, form, headers)
            return "unknown", Reply(404, b'{"error": "not_found"}')
        segments = path.strip("/").split("/")
        if method == "GET" and len(segments) == 4 and segments[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            self._last_endpoint = "ms.discovery"
            return "ms.discovery", self._ms_openid_configuration(segments[0])
        if method == "POST" and len(segments) == 4 and segments[1:3] == ["oauth2", "v2.0"]:
            tenant, action = segments[0], segments[3]
            if action == "devicecode":
                self._last_endpoint = "ms.devicecode"
                return "ms.devicecode", self._ms_devicecode(tenant, form)
            if action == "token":
                self._last_endpoint = "ms.token"
                return "ms.token", self._ms_token(tenant, form)
        if method == "GET" and path == "/o/oauth2/auth":
            self._last_endpoint = "google.auth"
            return "google.auth", self._google_auth(query)
        if method == "POST" and path == "/token":
            self._last_endpoint = "google.token"
            return "google.token", self._google_token(form, headers)
        return "unknown", Reply(404, b'{"error": "not_found"}')

    # -- tokens ----------------------------------------------------------

    def _new_token(
        self,
        kind: str,
        provider: str,
        email: str,
        client_id: str,
        scopes: tuple[str, ...],
        *,
        tenant: str = "",
        lifetime: int | None = None,
    ) -> TokenRecord:
        now = time.time()
        if kind == "access":
            value = ("EwB" if provider == "microsoft" else "ya29.") + secrets.token_urlsafe(48)
            expires_at: float | None = now + (self.access_lifetime if lifetime is None else lifetime)
            self.access_tokens.setdefault(email, []).append(value)
        else:
            value = ("M.C5" if provider == "microsoft" else "1//0") + secrets.token_urlsafe(48)
            expires_at = None
            self.refresh_tokens.setdefault(email, []).append(value)
        token = TokenRecord(value, kind, provider, email, client_id, scopes, now, expires_at, tenant)
        self._tokens[value] = token
        return token

    def _live_token_info(self, value: str) -> dict[str, Any] | None:
        token = self._tokens.get(value)
        now = time.time()
        if token is None or token.kind != "access" or token.revoked or (token.expires_at or 0) <= now:
            return None
        remaining = int((token.expires_at or now) - now)
        return {
            "email": token.email,
            "email_verified": "true",
            "active": True,
            "expires_in": remaining,
            "exp": int(token.expires_at or now),
            "scope": " ".join(token.scopes),
            "aud": token.client_id,
            "azp": token.client_id,
            "sub": object_id(token.email) if token.provider == "microsoft" else google_sub(token.email),
            "token_type": "Bearer",
        }

    def _tokeninfo(self, query: dict[str, str], form: dict[str, str], headers: dict[str, str]) -> Reply:
        if self._tokeninfo_failures:
            return json_reply(
                self._tokeninfo_failures.pop(0), {"error": "backend_error", "error_description": "Unavailable"}
            )
        value = query.get("access_token") or form.get("access_token") or form.get("token") or ""
        auth = headers.get("authorization", "")
        if not value and auth.lower().startswith("bearer "):
            value = auth[7:].strip()
        info = self._live_token_info(value)
        if info is None:
            return json_reply(401, {"error": "invalid_token", "error_description": "Invalid Value"})
        return json_reply(200, info)

    def _take_failure(self) -> Reply | None:
        if not self._failures:
            return None
        failure = self._failures.pop(0)
        headers = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
        description = "The request was throttled." if failure.status == 429 else "The service is unavailable."
        return json_reply(failure.status, {"error": failure.error, "error_description": description}, headers)


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def oauth_server_session() -> Iterator[OAuthServer]:
    """One fake identity provider for the session (use ``oauth_server`` in tests: it is reset for each)."""
    root = Path(tempfile.mkdtemp(prefix="mf-oauth-", dir="/tmp"))
    server = OAuthServer(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def oauth_server(oauth_server_session: OAuthServer) -> Iterator[OAuthServer]:
    """The fake identity provider, reset: no tokens, revocations, queued failures or records; defaults.

    Fails the test at teardown if a request handler crashed (a bug in the fake).
    """
    oauth_server_session.reset()
    yield oauth_server_session
    errors = list(oauth_server_session.errors)
    oauth_server_session.reset()
    if errors:
        pytest.fail("the fake OAuth server crashed:\n" + "\n".join(errors))


__all__ = [
    "DEFAULT_GOOGLE_CLIENT_ID",
    "DEFAULT_GOOGLE_CLIENT_SECRET",
    "DEFAULT_USER",
    "DEVICE_FLOW_GRANT",
    "OAuthServer",
    "SeenRequest",
    "make_ca_and_server_cert",
    "oauth_server",
    "oauth_server_session",
]
