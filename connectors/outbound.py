"""Mail and notices that leave mailflow: SMTP submission (smtplib) and the assistant's webhook (urllib).

Both come from the standard library: a submission server and a JSON POST
need nothing more, and nothing here may pull in another HTTP stack.

SMTP is written so that the caller can tell *not sent* from *maybe sent*:
connecting, TLS, login, ``MAIL FROM`` and ``RCPT TO`` happen before any
byte of the message is handed over, so a failure there is ``NotSent`` (safe
to try again); a failure during ``DATA`` is ``MaybeSent`` (the server may
have accepted it), which mailflow never retries, so a forward goes out at
most once. Passwords are never logged.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mailflow.config import ImapAccount, MaildirAccount, SmtpConfig
from mailflow.connector import MaybeSent, NotSent
from mailflow.errors import AuthError, ConnectorError, PermanentError, TransientError

if TYPE_CHECKING:
    from .oauth import Tokens

__all__ = ["MailOut", "mail_out"]

log = logging.getLogger("connectors.outbound")

WEBHOOK_TRIES = 3
WEBHOOK_TIMEOUT = 10.0


def mail_out(account: ImapAccount | MaildirAccount, webhook: str | None) -> MailOut:
    """The account's ``MailOut``: with its OAuth tokens when its SMTP signs in with them."""
    smtp = account.smtp
    if smtp is not None and smtp.auth == "oauth2" and isinstance(account, ImapAccount):
        from .oauth import tokens_for

        return MailOut(smtp, webhook, tokens=tokens_for(account), oauth_user=account.username)
    return MailOut(smtp, webhook)


class MailOut:
    """One account's way out: its SMTP server (if configured) and the assistant's webhook (if configured).

    ``tokens`` (with ``oauth_user``, the mailbox): an SMTP server with
    ``auth = "oauth2"`` gets SASL XOAUTH2 with the account's access token.
    """

    def __init__(
        self,
        smtp: SmtpConfig | None,
        webhook: str | None,
        *,
        retry_pause: float = 0.5,
        tokens: Tokens | None = None,
        oauth_user: str | None = None,
    ) -> None:
        self.smtp = smtp
        self.webhook = webhook
        self.retry_pause = retry_pause
        self.tokens = tokens
        self.oauth_user = oauth_user

    # -- webhook ---------------------------------------------------------------

    def post(self, payload: Mapping[str, Any], key: str) -> None:
        if not self.webhook:
            return
        body = json.dumps(payload, default=str).encode()
        request = urllib.request.Request(
            self.webhook,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": "mailflow"},
        )
        problem = ""
        for attempt in range(WEBHOOK_TRIES):
            if attempt:
                time.sleep(self.retry_pause * 2 ** (attempt - 1))
            try:
                with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
                    response.read()
                return
            except urllib.error.HTTPError as exc:
                problem = f"the webhook answered {exc.code} {exc.reason}"
                if exc.code != 429 and exc.code < 500:
                    raise PermanentError(problem) from None
            except (urllib.error.URLError, OSError) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                problem = f"cannot reach the webhook: {reason}"
        raise ConnectorError(f"{problem} (after {WEBHOOK_TRIES} tries)")

    # -- SMTP ------------------------------------------------------------------

    def send(
        self, raw: bytes, sender: str, recipients: Sequence[str], before_data: Callable[[], None] | None = None
    ) -> None:
        """Submit ``raw``; ``before_data`` (recording that the send began) runs after RCPT TO, before DATA."""
        conf = self.smtp
        if conf is None:
            raise PermanentError("this account has no [clients.accounts.smtp]: mailflow cannot send from it")
        client = self._connect(conf)
        try:
            self._envelope(client, conf, sender, recipients)
            if before_data is not None:
                before_data()
            try:
                code, reply = client.data(raw)
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                raise MaybeSent(f"the connection to {conf.host} dropped while the message was sent: {exc}") from None
            except smtplib.SMTPDataError as exc:
                raise self._refused(exc.smtp_code, exc.smtp_error, "the message") from None
            if code != 250:
                raise self._refused(code, reply, "the message")
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def _connect(self, conf: SmtpConfig) -> smtplib.SMTP:
        context = ssl.create_default_context()
        try:
            if conf.tls == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    conf.host, conf.effective_port, timeout=conf.timeout, context=context
                )
            else:
                client = smtplib.SMTP(conf.host, conf.effective_port, timeout=conf.timeout)
            client.ehlo()
            if conf.tls == "starttls":
                client.starttls(context=context)
                client.ehlo()
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise NotSent(f"cannot connect to {conf.host}:{conf.effective_port}: {exc}") from None
        return client

    def _envelope(self, client: smtplib.SMTP, conf: SmtpConfig, sender: str, recipients: Sequence[str]) -> None:
        """Login, MAIL FROM and RCPT TO: nothing is handed over yet, so any failure here is ``NotSent``."""
        try:
            if conf.auth == "oauth2":
                self._xoauth2(client, conf)
            elif conf.username:
                password = conf.secret()
                if password is None:
                    raise AuthError(f"no SMTP password for {conf.username} (set {conf.password_env or 'password'})")
                client.login(conf.username, password)
            code, reply = client.mail(sender)
            if code != 250:
                raise self._refused(code, reply, f"the sender {sender}")
            for rcpt in recipients:
                code, reply = client.rcpt(rcpt)
                if code not in (250, 251):
                    raise self._refused(code, reply, f"the recipient {rcpt}")
        except smtplib.SMTPAuthenticationError as exc:
            who = conf.username or self.oauth_user
            how = " with a fresh OAuth token" if conf.auth == "oauth2" else ""
            raise AuthError(f"{conf.host} refused the login of {who}{how}: {exc.smtp_code}") from None
        except TransientError as exc:  # the sign-in service, before anything was handed over
            raise NotSent(str(exc)) from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise NotSent(f"the connection to {conf.host} dropped before the message was sent: {exc}") from None
        except smtplib.SMTPException as exc:
            raise NotSent(f"{conf.host}: {exc}") from None

    def _xoauth2(self, client: smtplib.SMTP, conf: SmtpConfig) -> None:
        """SASL XOAUTH2 with the account's token (a refused one is replaced once: ``Tokens.use``)."""
        if self.tokens is None:
            raise AuthError(f'{conf.host}: smtp auth = "oauth2" needs an account that signs in with OAuth')
        user = conf.username or self.oauth_user or ""

        def login(token: str) -> None:
            client.auth("XOAUTH2", _xoauth2_response(user, token), initial_response_ok=True)

        self.tokens.use(login, smtplib.SMTPAuthenticationError)

    @staticmethod
    def _refused(code: int, reply: bytes | str, what: str) -> ConnectorError:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
        if 400 <= code < 500:
            return NotSent(f"the server deferred {what}: {code} {text}")
        return PermanentError(f"the server refused {what}: {code} {text}")


def _xoauth2_response(user: str, token: str) -> Callable[..., str]:
    """smtplib's auth object: the initial response, then an empty answer to the server's error challenge."""

    def respond(challenge: bytes | None = None) -> str:
        return "" if challenge is not None else f"user={user}\x01auth=Bearer {token}\x01\x01"

    return respond
