"""The IMAP connector's TLS paths against a real Dovecot with TLS (``dovecot_tls_server``).

The server has a throwaway self-signed certificate, an implicit-TLS port and a
plain port that refuses to log anyone in before STARTTLS, so a login that
succeeds on the plain port went through STARTTLS.
"""

from __future__ import annotations

import ssl
import time
import uuid

import pytest

from connectors.imap import ImapConnector, parse_locator
from mailflow.errors import AuthError, PermanentError
from tests.servers.dovecot import DovecotServer, DovecotUser

pytestmark = pytest.mark.dovecot

RAW = (
    b"From: Dana Whitfield <dana@acme.example>\r\n"
    b"To: exec@example.com\r\n"
    b"Subject: Over TLS\r\n"
    b"Message-ID: <tls-1@acme.example>\r\n"
    b"\r\n"
    b"Only readable on the wire by the two ends.\r\n"
)


@pytest.fixture
def tls_user(dovecot_tls_server: DovecotServer) -> DovecotUser:
    """A fresh user with an empty mailbox on the TLS server."""
    return dovecot_tls_server.add_user(f"tls-{uuid.uuid4().hex[:12]}", f"pw-{uuid.uuid4().hex}")


@pytest.fixture
def trusting_context(dovecot_tls_server: DovecotServer) -> ssl.SSLContext:
    """A verifying client context that trusts the throwaway certificate (and nothing else)."""
    return ssl.create_default_context(cafile=str(dovecot_tls_server.cafile))


def tls_connector(server: DovecotServer, user: DovecotUser, tls: str, context: ssl.SSLContext | None) -> ImapConnector:
    """A connector for ``tls = "ssl"`` on the imaps port or ``"starttls"``/``"none"`` on the plain one."""
    port = server.tls_port if tls == "ssl" else server.starttls_port
    return ImapConnector(user.account(tls=tls, port=port), ssl_context=context)


def logged_in_over_tls(server: DovecotServer, user: DovecotUser) -> bool:
    """Whether Dovecot logged the user's login as a TLS one (its log writer may lag a little)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in server.log().splitlines() if "Login:" in line and f"user=<{user.name}>" in line]
        if lines or time.monotonic() > deadline:
            return bool(lines) and all(", TLS" in line for line in lines)
        time.sleep(0.05)


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_an_account_over_tls_connects_lists_and_fetches_a_delivered_message(
    dovecot_tls_server: DovecotServer, tls_user: DovecotUser, trusting_context: ssl.SSLContext, tls: str
) -> None:
    uid = dovecot_tls_server.deliver(tls_user, RAW)

    with tls_connector(dovecot_tls_server, tls_user, tls, trusting_context) as conn:
        refs = conn.changes("INBOX", None).refs
        assert [parse_locator(r.locator)[1] for r in refs] == [uid]
        (fetched,) = list(conn.fetch(refs))

    assert fetched.raw == RAW
    assert logged_in_over_tls(dovecot_tls_server, tls_user)


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
@pytest.mark.parametrize("context", ["system trust store", "no context"])
def test_a_certificate_the_client_does_not_trust_is_a_permanent_error_that_says_so(
    dovecot_tls_server: DovecotServer, tls_user: DovecotUser, tls: str, context: str
) -> None:
    client_context = ssl.create_default_context() if context == "system trust store" else None
    conn = tls_connector(dovecot_tls_server, tls_user, tls, client_context)

    with pytest.raises(PermanentError) as caught:
        conn.open()

    message = str(caught.value)
    assert "certificate could not be verified" in message
    assert "self-signed certificate" in message
    assert tls_user.password not in message
    assert isinstance(caught.value.__cause__, ssl.SSLCertVerificationError)
    conn.close()


def test_logging_in_without_tls_on_the_starttls_port_is_refused(
    dovecot_tls_server: DovecotServer, tls_user: DovecotUser
) -> None:
    conn = tls_connector(dovecot_tls_server, tls_user, "none", None)

    with pytest.raises(AuthError) as caught:
        conn.open()

    message = str(caught.value)
    assert "Plaintext authentication disallowed" in message
    assert tls_user.password not in message


def test_starttls_against_a_server_that_does_not_offer_it_is_a_permanent_error(
    dovecot_server: DovecotServer, imap_user: DovecotUser
) -> None:
    conn = ImapConnector(imap_user.account(tls="starttls"), ssl_context=ssl.create_default_context())

    with pytest.raises(PermanentError, match="STARTTLS") as caught:
        conn.open()

    assert imap_user.password not in str(caught.value)
