"""The fake OAuth provider's pieces: its constants, records, throwaway CA, token helpers and replies.

Used by ``tests/servers/oauth.py`` (the server) and its endpoints in
``oauth_microsoft.py`` and ``oauth_google.py``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

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
class TokenRecord:
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
class DeviceFlow:
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
class AuthCode:
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
class Failure:
    status: int
    retry_after: int | None
    error: str


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class HandlerError(Exception):
    """Raised inside a handler to answer with an OAuth error body."""

    def __init__(self, reply: Reply) -> None:
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


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unsigned_jwt(claims: dict[str, Any]) -> str:
    """A JWT with ``alg: none`` (msal and google-auth decode ID tokens without verifying them)."""
    header = {"typ": "JWT", "alg": "none"}
    return f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}."


def object_id(email: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mailflow-test-user:{email}"))


def google_sub(email: str) -> str:
    return str(int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big"))


def tenant_id(tenant: str) -> str:
    try:
        return str(uuid.UUID(tenant))
    except ValueError:
        return DEFAULT_TENANT_ID


def is_loopback_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


def google_scopes(scope: str) -> tuple[str, ...]:
    return tuple(GOOGLE_SCOPE_ALIASES.get(s, s) for s in scope.split())


def json_reply(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(payload).encode(), headers=headers or {})


def google_error(status: int, error: str, description: str) -> HandlerError:
    return HandlerError(json_reply(status, {"error": error, "error_description": description}))


def html_reply(status: int, title: str, text: str) -> Reply:
    body = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{text}</p>".encode()
    return Reply(status, body, content_type="text/html; charset=utf-8")


def redirect_reply(uri: str, params: dict[str, str]) -> Reply:
    separator = "&" if urlsplit(uri).query else "?"
    return Reply(
        302, b"", content_type="text/html; charset=utf-8", headers={"Location": uri + separator + urlencode(params)}
    )
