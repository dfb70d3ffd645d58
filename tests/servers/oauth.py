"""A fake OAuth 2.0 identity provider on loopback: Microsoft identity platform v2.0 and Google.

Registered as a pytest plugin by ``tests/conftest.py``. ``OAuthServer`` runs in
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

import base64
import contextlib
import datetime
import hashlib
import http.server
import ipaddress
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
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_USER = "dana@acme.example"
DEFAULT_TENANT_ID = "8e3f1b2a-5c4d-4e6f-9a0b-1c2d3e4f5a6b"  # the "tid" for organizations/common/a domain
DEFAULT_GOOGLE_CLIENT_ID = "123456789012-fake.apps.googleusercontent.com"
DEFAULT_GOOGLE_CLIENT_SECRET = "GOCSPX-fake-client-secret"
DEFAULT_ACCESS_LIFETIME = 3600
# Seconds msal sleeps between device-code polls. 0 works (no sleep) while auto_approve is on, but msal
# checks its exit condition only while sleeping: a flow nobody approves is then polled in a busy loop.
DEFAULT_DEVICE_INTERVAL = 1
DEVICE_CODE_LIFETIME = 900
AUTH_CODE_LIFETIME = 600
DEVICE_FLOW_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
GOOGLE_SCOPE_ALIASES = {
    "email": "https://www.googleapis.com/auth/userinfo.email",
    "profile": "https://www.googleapis.com/auth/userinfo.profile",
}
MS_RESERVED_SCOPES = {"openid", "profile", "offline_access", "email"}
FLOW_LOGGER = "google_auth_oauthlib.flow"
_log = logging.getLogger(__name__)


# -- records -----------------------------------------------------------------


@dataclass(frozen=True)
class SeenRequest:
    """One request the server answered: ``endpoint`` names it (``"ms.token"``, ``"tokeninfo"``, ...)."""

    endpoint: str
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    status: int
    at: float


@dataclass
class _Token:
    value: str
    kind: str  # "access" or "refresh"
    provider: str  # "microsoft" or "google"
    email: str
    client_id: str
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float | None  # None: a refresh token (they do not expire here)
    tenant: str = ""
    revoked: bool = False


@dataclass
class _DeviceFlow:
    device_code: str
    user_code: str
    client_id: str
    tenant: str
    scopes: tuple[str, ...]
    expires_at: float
    polls: int = 0
    state: str = "pending"  # pending, approved, declined, redeemed
    email: str | None = None


@dataclass
class _AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    email: str
    offline: bool
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None
    expires_at: float
    used: bool = False


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    error: str


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class _HandlerError(Exception):
    """Raised inside a handler to answer with an OAuth error body."""

    def __init__(self, reply: _Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


# -- certificates ----------------------------------------------------------------


def make_ca_and_server_cert(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost.

    Returns ``(ca_cert, server_cert, server_key)`` PEM paths; the server
    certificate file holds the chain (server, then CA).
    """
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mailflow test OAuth CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = directory / "ca.pem", directory / "server.pem", directory / "server-key.pem"
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    ca_path.write_bytes(ca_pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + ca_pem)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return ca_path, cert_path, key_path


# -- helpers -----------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unsigned_jwt(claims: dict[str, Any]) -> str:
    """A JWT with ``alg: none`` (msal and google-auth decode ID tokens without verifying them)."""
    header = {"typ": "JWT", "alg": "none"}
    return f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}."


def _object_id(email: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mailflow-test-user:{email}"))


def _google_sub(email: str) -> str:
    return str(int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big"))


def _tenant_id(tenant: str) -> str:
    try:
        return str(uuid.UUID(tenant))
    except ValueError:
        return DEFAULT_TENANT_ID


def _is_loopback_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


def _google_scopes(scope: str) -> tuple[str, ...]:
    return tuple(GOOGLE_SCOPE_ALIASES.get(s, s) for s in scope.split())


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


class OAuthServer:
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
            self._tokens: dict[str, _Token] = {}
            self._device_flows: dict[str, _DeviceFlow] = {}
            self._codes: dict[str, _AuthCode] = {}
            self._failures: list[_Failure] = []
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
            self._failures.extend(_Failure(status, retry_after, error) for _ in range(n))

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

    def _device_flow_by_user_code(self, user_code: str) -> _DeviceFlow:
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
    ) -> tuple[str, _Reply]:
        with self._lock:
            try:
                return self._route(kind, method, path, query, form, headers)
            except _HandlerError as exc:
                return self._last_endpoint, exc.reply
            except Exception:
                self.errors.append(f"{method} {path}: {traceback.format_exc()}")
                return "error", _Reply(500, b'{"error": "server_error"}')

    def _route(
        self, kind: str, method: str, path: str, query: dict[str, str], form: dict[str, str], headers: dict[str, str]
    ) -> tuple[str, _Reply]:
        self._last_endpoint = "unknown"
        if kind == "http":
            if path == "/tokeninfo" and method in ("GET", "POST"):
                self._last_endpoint = "tokeninfo"
                return "tokeninfo", self._tokeninfo(query, form, headers)
            return "unknown", _Reply(404, b'{"error": "not_found"}')
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
        return "unknown", _Reply(404, b'{"error": "not_found"}')

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
    ) -> _Token:
        now = time.time()
        if kind == "access":
            value = ("EwB" if provider == "microsoft" else "ya29.") + secrets.token_urlsafe(48)
            expires_at: float | None = now + (self.access_lifetime if lifetime is None else lifetime)
            self.access_tokens.setdefault(email, []).append(value)
        else:
            value = ("M.C5" if provider == "microsoft" else "1//0") + secrets.token_urlsafe(48)
            expires_at = None
            self.refresh_tokens.setdefault(email, []).append(value)
        token = _Token(value, kind, provider, email, client_id, scopes, now, expires_at, tenant)
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
            "sub": _object_id(token.email) if token.provider == "microsoft" else _google_sub(token.email),
            "token_type": "Bearer",
        }

    def _tokeninfo(self, query: dict[str, str], form: dict[str, str], headers: dict[str, str]) -> _Reply:
        if self._tokeninfo_failures:
            return _json(
                self._tokeninfo_failures.pop(0), {"error": "backend_error", "error_description": "Unavailable"}
            )
        value = query.get("access_token") or form.get("access_token") or form.get("token") or ""
        auth = headers.get("authorization", "")
        if not value and auth.lower().startswith("bearer "):
            value = auth[7:].strip()
        info = self._live_token_info(value)
        if info is None:
            return _json(401, {"error": "invalid_token", "error_description": "Invalid Value"})
        return _json(200, info)

    def _take_failure(self) -> _Reply | None:
        if not self._failures:
            return None
        failure = self._failures.pop(0)
        headers = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
        description = "The request was throttled." if failure.status == 429 else "The service is unavailable."
        return _json(failure.status, {"error": failure.error, "error_description": description}, headers)

    # -- Microsoft -------------------------------------------------------

    def _ms_openid_configuration(self, tenant: str) -> _Reply:
        base = f"{self.base_url}/{tenant}"
        tid = _tenant_id(tenant)
        return _json(
            200,
            {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "private_key_jwt",
                    "client_secret_basic",
                ],
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "response_modes_supported": ["query", "fragment", "form_post"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
                "issuer": f"{self.base_url}/{tid}/v2.0",
                "request_uri_parameter_supported": False,
                "userinfo_endpoint": f"{self.base_url}/oidc/userinfo",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "http_logout_supported": True,
                "frontchannel_logout_supported": True,
                "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
                "claims_supported": [
                    *("sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce"),
                    *("preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"),
                ],
                "kerberos_endpoint": f"{base}/kerberos",
                "tenant_region_scope": "EU",
                "cloud_instance_name": "microsoftonline.com",
                "cloud_graph_host_name": "graph.windows.net",
                "msgraph_host": "graph.microsoft.com",
                "rbac_url": "https://pas.windows.net",
            },
        )

    def _ms_error(self, status: int, error: str, code: int, description: str) -> _HandlerError:
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        return _HandlerError(
            _json(
                status,
                {
                    "error": error,
                    "error_description": f"AADSTS{code}: {description} Trace ID: {uuid.uuid4()} Timestamp: {now}",
                    "error_codes": [code],
                    "timestamp": now,
                    "trace_id": str(uuid.uuid4()),
                    "correlation_id": str(uuid.uuid4()),
                    "error_uri": f"{self.base_url}/error?code={code}",
                },
            )
        )

    def _ms_devicecode(self, tenant: str, form: dict[str, str]) -> _Reply:
        client_id, scopes = form.get("client_id", ""), tuple(form.get("scope", "").split())
        if not client_id:
            raise self._ms_error(400, "invalid_request", 900144, "The request body must contain 'client_id'.")
        if not scopes:
            raise self._ms_error(400, "invalid_scope", 70011, "The provided value for 'scope' is not valid.")
        user_code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))
        flow = _DeviceFlow(
            device_code=secrets.token_urlsafe(48),
            user_code=user_code,
            client_id=client_id,
            tenant=tenant,
            scopes=scopes,
            expires_at=time.time() + DEVICE_CODE_LIFETIME,
        )
        self._device_flows[flow.device_code] = flow
        verification_uri = f"{self.base_url}/devicelogin"
        return _json(
            200,
            {
                "user_code": user_code,
                "device_code": flow.device_code,
                "verification_uri": verification_uri,
                "expires_in": DEVICE_CODE_LIFETIME,
                "interval": self.device_interval,
                "message": (
                    f"To sign in, use a web browser to open the page {verification_uri} "
                    f"and enter the code {user_code} to authenticate."
                ),
            },
        )

    def _ms_token(self, tenant: str, form: dict[str, str]) -> _Reply:
        grant = form.get("grant_type", "")
        self.token_requests[grant] += 1
        failure = self._take_failure()
        if failure is not None:
            return failure
        client_id = form.get("client_id", "")
        if not client_id:
            raise self._ms_error(400, "invalid_request", 900144, "The request body must contain 'client_id'.")
        if grant == DEVICE_FLOW_GRANT:
            email, scopes = self._ms_redeem_device_code(form, client_id)
        elif grant == "refresh_token":
            email, scopes = self._ms_redeem_refresh_token(form, client_id)
        else:
            raise self._ms_error(
                400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant}'."
            )
        return _json(200, self._ms_token_response(tenant, client_id, email, scopes, form))

    def _ms_redeem_device_code(self, form: dict[str, str], client_id: str) -> tuple[str, tuple[str, ...]]:
        flow = self._device_flows.get(form.get("device_code", ""))
        if flow is None or flow.client_id != client_id:
            raise self._ms_error(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.")
        if flow.state == "redeemed":
            raise self._ms_error(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed.")
        if time.time() > flow.expires_at:
            raise self._ms_error(400, "expired_token", 70019, "Verification code expired.")
        flow.polls += 1
        if flow.state == "pending" and self.auto_approve and flow.polls > self.pending_polls:
            if self.consent:
                flow.state, flow.email = "approved", self.signed_in
            else:
                flow.state = "declined"
        if flow.state == "declined":
            raise self._ms_error(
                400, "authorization_declined", 70018, "The user declined to authorize the application."
            )
        if flow.state == "pending":
            raise self._ms_error(
                400,
                "authorization_pending",
                70016,
                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
            )
        flow.state = "redeemed"
        assert flow.email is not None
        return flow.email, flow.scopes

    def _ms_redeem_refresh_token(self, form: dict[str, str], client_id: str) -> tuple[str, tuple[str, ...]]:
        token = self._tokens.get(form.get("refresh_token", ""))
        if token is None or token.kind != "refresh" or token.provider != "microsoft":
            raise self._ms_error(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
        if token.client_id != client_id:
            raise self._ms_error(
                400,
                "invalid_grant",
                700025,
                "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
            )
        if token.revoked:
            raise self._ms_error(
                400,
                "invalid_grant",
                50173,
                "The provided grant has expired due to it being revoked, a fresh auth token is needed. "
                "The user might have changed or reset their password.",
            )
        scopes = tuple(form.get("scope", "").split()) or token.scopes
        return token.email, scopes

    def _ms_token_response(
        self, tenant: str, client_id: str, email: str, scopes: tuple[str, ...], form: dict[str, str]
    ) -> dict[str, Any]:
        resource_scopes = tuple(s for s in scopes if s not in MS_RESERVED_SCOPES) or scopes
        access = self._new_token("access", "microsoft", email, client_id, resource_scopes, tenant=tenant)
        response: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": " ".join(resource_scopes),
            "expires_in": self.access_lifetime,
            "ext_expires_in": self.access_lifetime,
            "access_token": access.value,
        }
        if "offline_access" in scopes:
            response["refresh_token"] = self._new_token(
                "refresh", "microsoft", email, client_id, scopes, tenant=tenant
            ).value
        tid, oid = _tenant_id(tenant), _object_id(email)
        if "openid" in scopes:
            now = int(time.time())
            claims: dict[str, Any] = {
                "aud": client_id,
                "iss": f"{self.base_url}/{tid}/v2.0",
                "iat": now,
                "nbf": now,
                "exp": now + 3600,
                "name": email.split("@")[0].title(),
                "oid": oid,
                "preferred_username": email,
                "rh": "0.fake.",
                "sub": _b64url(hashlib.sha256(f"{client_id}:{email}".encode()).digest()[:24]),
                "tid": tid,
                "uti": secrets.token_urlsafe(16),
                "ver": "2.0",
            }
            if form.get("nonce"):
                claims["nonce"] = form["nonce"]
            response["id_token"] = _unsigned_jwt(claims)
        if form.get("client_info") == "1":
            response["client_info"] = _b64url(json.dumps({"uid": oid, "utid": tid}).encode())
        return response

    # -- Google ----------------------------------------------------------

    def _google_auth(self, query: dict[str, str]) -> _Reply:
        client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
        if client_id not in self._google_clients:
            return _html(401, "Error 401: invalid_client", "The OAuth client was not found.")
        if not _is_loopback_redirect(redirect_uri):
            return _html(400, "Error 400: redirect_uri_mismatch", f"Bad redirect_uri {redirect_uri!r}.")
        state = {"state": query["state"]} if "state" in query else {}
        if query.get("response_type") != "code":
            return _redirect(redirect_uri, {**state, "error": "unsupported_response_type"})
        if not query.get("scope"):
            return _html(400, "Error 400: invalid_request", "Missing required parameter: scope")
        if not self.consent:
            return _redirect(redirect_uri, {**state, "error": "access_denied"})
        scopes = _google_scopes(query["scope"])
        code = _AuthCode(
            code="4/0A" + secrets.token_urlsafe(40),
            client_id=client_id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            email=self.signed_in,
            offline=query.get("access_type") == "offline",
            code_challenge=query.get("code_challenge"),
            code_challenge_method=query.get("code_challenge_method"),
            nonce=query.get("nonce"),
            expires_at=time.time() + AUTH_CODE_LIFETIME,
        )
        self._codes[code.code] = code
        return _redirect(redirect_uri, {**state, "code": code.code, "scope": " ".join(scopes)})

    def _google_client(self, form: dict[str, str], headers: dict[str, str]) -> str:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            decoded = base64.b64decode(auth[6:].strip()).decode()
            basic_id, _, basic_secret = decoded.partition(":")
            client_id, secret = unquote_plus(basic_id), unquote_plus(basic_secret)
        if self._google_clients.get(client_id) != secret or not secret:
            raise _HandlerError(_json(401, {"error": "invalid_client", "error_description": "Unauthorized"}))
        return client_id

    def _google_token(self, form: dict[str, str], headers: dict[str, str]) -> _Reply:
        grant = form.get("grant_type", "")
        self.token_requests[grant] += 1
        failure = self._take_failure()
        if failure is not None:
            return failure
        client_id = self._google_client(form, headers)
        if grant == "authorization_code":
            return _json(200, self._google_redeem_code(form, client_id))
        if grant == "refresh_token":
            return _json(200, self._google_refresh(form, client_id))
        return _json(400, {"error": "unsupported_grant_type", "error_description": f"Invalid grant_type: {grant}"})

    def _google_redeem_code(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        code = self._codes.get(form.get("code", ""))
        if code is None:
            raise _google_error(400, "invalid_grant", "Malformed auth code.")
        if code.used or code.client_id != client_id or time.time() > code.expires_at:
            raise _google_error(400, "invalid_grant", "Bad Request")
        if form.get("redirect_uri") != code.redirect_uri:
            raise _google_error(400, "redirect_uri_mismatch", "Bad Request")
        if code.code_challenge is not None:
            verifier = form.get("code_verifier")
            if not verifier:
                raise _google_error(400, "invalid_grant", "Missing code verifier.")
            if code.code_challenge_method == "S256":
                computed = _b64url(hashlib.sha256(verifier.encode()).digest())
            else:
                computed = verifier
            if computed != code.code_challenge:
                raise _google_error(400, "invalid_grant", "Invalid code verifier.")
        code.used = True
        response = self._google_token_response(client_id, code.email, code.scopes, code.nonce)
        if code.offline:
            response["refresh_token"] = self._new_token("refresh", "google", code.email, client_id, code.scopes).value
        return response

    def _google_refresh(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        token = self._tokens.get(form.get("refresh_token", ""))
        if token is None or token.kind != "refresh" or token.provider != "google" or token.client_id != client_id:
            raise _google_error(400, "invalid_grant", "Bad Request")
        if token.revoked:
            raise _google_error(400, "invalid_grant", "Token has been expired or revoked.")
        scopes = token.scopes
        if form.get("scope"):
            asked = _google_scopes(form["scope"])
            if not set(asked) <= set(token.scopes):
                raise _google_error(400, "invalid_scope", "Bad Request")
            scopes = asked
        return self._google_token_response(client_id, token.email, scopes, None)

    def _google_token_response(
        self, client_id: str, email: str, scopes: tuple[str, ...], nonce: str | None
    ) -> dict[str, Any]:
        access = self._new_token("access", "google", email, client_id, scopes)
        response: dict[str, Any] = {
            "access_token": access.value,
            "expires_in": self.access_lifetime,
            "scope": " ".join(scopes),
            "token_type": "Bearer",
        }
        if "openid" in scopes:
            now = int(time.time())
            claims: dict[str, Any] = {
                "iss": "https://accounts.google.com",
                "azp": client_id,
                "aud": client_id,
                "sub": _google_sub(email),
                "email": email,
                "email_verified": True,
                "iat": now,
                "exp": now + 3600,
            }
            if nonce:
                claims["nonce"] = nonce
            response["id_token"] = _unsigned_jwt(claims)
        return response


def _json(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(status, json.dumps(payload).encode(), headers=headers or {})


def _google_error(status: int, error: str, description: str) -> _HandlerError:
    return _HandlerError(_json(status, {"error": error, "error_description": description}))


def _html(status: int, title: str, text: str) -> _Reply:
    body = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>".encode()
    return _Reply(status, body, content_type="text/html; charset=utf-8")


def _redirect(uri: str, params: dict[str, str]) -> _Reply:
    separator = "&" if urlsplit(uri).query else "?"
    return _Reply(
        302, b"", content_type="text/html; charset=utf-8", headers={"Location": uri + separator + urlencode(params)}
    )


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
