"""An IMAP session: connect, log in, reconnect once when the connection drops, translate errors.

``ImapSession`` is the half of the IMAP connector that knows about the
connection rather than about mail: TLS and STARTTLS with certificate
verification, LOGIN, CONDSTORE, the selected folder, the folder list and the
SPECIAL-USE roles. ``_run(what, op)`` runs one operation on the live client;
a dropped connection (socket error, ``IMAP4.abort``) is reopened once and the
operation retried, a second failure raises ``TransientError``. Every
imaplib/imapclient/socket exception leaves here translated into
``mailflow.errors``; the password is never logged nor put in a message.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from mailflow.config import ImapAccount
from mailflow.connector import FOLDER_ROLES
from mailflow.errors import AuthError, ConnectorError, MailflowError, NotFound, PermanentError, TransientError
from mailflow.ratelimit import budget_for

if TYPE_CHECKING:
    from .oauth import Tokens

__all__ = ["ImapSession"]

log = logging.getLogger("connectors.imap")

T = TypeVar("T")

_SPECIAL_USE: dict[str, bytes] = {
    "drafts": b"\\Drafts",
    "archive": b"\\Archive",
    "sent": b"\\Sent",
    "junk": b"\\Junk",
    "trash": b"\\Trash",
}

# Names tried, case-insensitively, when a server has no SPECIAL-USE attributes.
_COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "drafts": ("Drafts", "Draft", "INBOX.Drafts", "INBOX/Drafts", "[Gmail]/Drafts", "Entwürfe"),
    "archive": ("Archive", "Archives", "INBOX.Archive", "INBOX/Archive", "[Gmail]/All Mail", "All Mail"),
    "sent": ("Sent", "Sent Items", "Sent Messages", "INBOX.Sent", "INBOX/Sent", "[Gmail]/Sent Mail"),
    "junk": ("Junk", "Spam", "Junk E-mail", "INBOX.Junk", "INBOX/Junk", "INBOX.Spam", "[Gmail]/Spam"),
    "trash": ("Trash", "Deleted Items", "Deleted Messages", "INBOX.Trash", "INBOX/Trash", "[Gmail]/Trash"),
}

# Failures of the connection itself: worth one reconnect. ``imaplib.IMAP4.abort``
# is what imaplib raises on EOF; OSError covers BrokenPipe, ConnectionReset and
# socket timeouts (and ssl.SSLError).
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (imaplib.IMAP4.abort, OSError, EOFError)

# Response codes (RFC 5530) that say "try again later" rather than "never".
_TRANSIENT_CODES = ("UNAVAILABLE", "INUSE", "SERVERBUG", "LIMIT", "EXPUNGEISSUED", "CORRUPTION")
_MISSING_CODES = ("NONEXISTENT", "TRYCREATE")

# A parent listed only because it has children (Maildir++ "Reading" above "Reading/Deals").
_NOT_SELECTABLE = frozenset({b"\\noselect", b"\\nonexistent"})


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _is_missing_folder(exc: BaseException) -> bool:
    text = str(exc).upper()
    return any(code in text for code in _MISSING_CODES) or "DOESN'T EXIST" in text or "NOT EXIST" in text


class ImapSession:
    """The connection to one IMAP account; ``ImapConnector`` adds the mail operations."""

    def __init__(
        self, config: ImapAccount, account_id: str | None = None, *, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.config = config
        self.account: str = account_id or config.id
        self._ssl_context = ssl_context
        self._client: Any = None
        self._opened = False
        self._capabilities: frozenset[str] = frozenset()
        self._selected: tuple[str, bool] | None = None
        self._select_info: dict[bytes, Any] = {}
        self._folders: list[tuple[frozenset[bytes], str]] | None = None
        self._condstore_on = False
        self._token: str | None = None  # the OAuth access token of this connection (auth = "oauth2")
        limits = config.rate_limit.limits() if config.rate_limit is not None else None
        self._budget = budget_for(self.account, limits)  # shared by every connection of the account

    # -- connection ------------------------------------------------------

    @property
    def capabilities(self) -> frozenset[str]:
        """The server's capabilities after login (upper case), empty before ``open``."""
        return self._capabilities

    def open(self) -> None:
        """Connect, log in and read CAPABILITY; raises ``AuthError``, ``TransientError`` or ``PermanentError``.

        A TLS certificate that cannot be verified, or a server without STARTTLS
        for ``tls = "starttls"``, is a ``PermanentError``: retrying cannot help.
        """
        if self._client is None:
            self._client = self._within_budget(self._connect)  # a login is a request of the budget
        self._opened = True

    def close(self) -> None:
        """Log out and release the socket; never raises."""
        self._opened = False
        client, self._client = self._client, None
        self._forget_session()
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # the connection may already be dead; just release it
            self._shutdown(client)

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _forget_session(self) -> None:
        self._selected = None
        self._select_info = {}
        self._folders = None

    @staticmethod
    def _shutdown(client: Any) -> None:
        try:
            client.shutdown()
        except Exception:  # best effort: the socket is closed or closing
            log.debug("closing a dead IMAP socket failed", exc_info=True)

    def _where(self) -> str:
        return f"{self.account} ({self.config.username}@{self.config.host}:{self.config.effective_port})"

    def _scrub(self, text: str) -> str:
        for secret in (self.config.secret(), self._token):
            if secret:
                text = text.replace(secret, "***")
        return text

    def _connect(self) -> Any:
        """A new logged-in ``IMAPClient`` (CONDSTORE is enabled later, by the first listing: ``_condstore``)."""
        cfg = self.config
        tokens = self._tokens() if cfg.auth == "oauth2" else None
        password = cfg.secret()
        if tokens is not None:
            self._token = tokens.token()  # before connecting: a sign-in to redo needs no server
        elif not password:
            hint = f"environment variable {cfg.password_env} is not set" if cfg.password_env else "no password"
            raise AuthError(f"{self._where()}: cannot log in: {hint}")
        try:
            client = IMAPClient(
                cfg.host,
                port=cfg.effective_port,
                ssl=cfg.tls == "ssl",
                ssl_context=self._ssl_context,
                timeout=cfg.timeout,
            )
        except ssl.SSLCertVerificationError as exc:  # an OSError, but not a passing one
            raise self._unverified(exc) from exc
        except (OSError, EOFError, imaplib.IMAP4.error) as exc:  # includes IMAP4.abort
            raise TransientError(f"{self._where()}: cannot connect: {self._scrub(str(exc))}") from exc
        try:
            if cfg.tls == "starttls":
                client.starttls(self._ssl_context)
            if tokens is not None:
                self._oauth_login(client, tokens)
            else:
                client.login(cfg.username, password)
            caps = frozenset(_text(c).upper() for c in client.capabilities())
        except LoginError as exc:
            self._shutdown(client)
            if tokens is not None:
                raise AuthError(
                    f"{self._where()}: the server refused a fresh OAuth token ({self._scrub(str(exc))}): check that "
                    "IMAP is enabled for this mailbox and that the signed-in user may open it"
                ) from exc
            raise AuthError(f"{self._where()}: login refused: {self._scrub(str(exc))}") from exc
        except (AuthError, TransientError):
            self._shutdown(client)
            raise
        except ssl.SSLCertVerificationError as exc:
            self._shutdown(client)
            raise self._unverified(exc) from exc
        except _CONNECTION_ERRORS as exc:
            self._shutdown(client)
            raise TransientError(f"{self._where()}: connection lost while logging in: {self._scrub(str(exc))}") from exc
        except imaplib.IMAP4.error as exc:
            self._shutdown(client)
            raise PermanentError(f"{self._where()}: cannot start a session: {self._scrub(str(exc))}") from exc
        self._capabilities = caps
        self._condstore_on = False
        self._forget_session()
        log.debug("IMAP %s: logged in", self._where())
        return client

    def _tokens(self) -> Tokens:
        from .oauth import tokens_for  # msal and google-auth are imported only by OAuth accounts

        return tokens_for(self.config)

    def _oauth_login(self, client: Any, tokens: Tokens) -> None:
        """SASL XOAUTH2 with the account's token (a refused one is replaced once: ``Tokens.use``)."""
        self._token = tokens.use(lambda token: client.oauth2_login(self.config.username, token), LoginError)

    def _unverified(self, exc: ssl.SSLCertVerificationError) -> PermanentError:
        """The error for a server certificate that failed verification (untrusted CA, wrong host name, expired)."""
        reason = self._scrub(exc.verify_message or str(exc))
        return PermanentError(f"{self._where()}: the server's TLS certificate could not be verified: {reason}")

    def _run(self, what: str, op: Callable[[Any], T], *, hold: bool = True) -> T:
        """Run ``op(client)``, reconnecting once if the connection drops; translate errors.

        Each attempt is one request of the account's budget; ``hold=False`` (IDLE)
        spends its token without occupying one of the concurrent slots.
        """
        if not self._opened:
            raise ConnectorError(f"{self._where()}: call open() before {what}")
        for attempt in (1, 2):
            if self._client is None:
                self._client = self._within_budget(self._connect)  # a login is a request too
            try:
                return self._within_budget(partial(op, self._client), hold=hold)
            except _CONNECTION_ERRORS as exc:
                client, self._client = self._client, None
                self._forget_session()
                self._shutdown(client)
                if attempt == 2:
                    raise TransientError(f"{self._where()}: {what}: connection lost twice: {exc}") from exc
                log.info("IMAP %s: connection lost during %s (%s); reconnecting", self._where(), what, exc)
            except MailflowError:
                raise
            except imaplib.IMAP4.error as exc:
                raise self._translate(what, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _within_budget(self, fn: Callable[[], T], *, hold: bool = True) -> T:
        """``fn()`` as one request of the account's budget (``rate_limit``), when it has one."""
        if self._budget is None:
            return fn()
        with self._budget.request(hold=hold):
            return fn()

    def _translate(self, what: str, exc: imaplib.IMAP4.error) -> ConnectorError:
        text = self._scrub(str(exc))
        message = f"{self._where()}: {what}: {text}"
        upper = text.upper()
        if _is_missing_folder(exc):
            return NotFound(message)
        if any(code in upper for code in _TRANSIENT_CODES):
            return TransientError(message)
        return PermanentError(message)

    def _condstore(self, client: Any) -> None:
        """Enable CONDSTORE (RFC 7162) on this connection, when offered, before a listing selects a folder.

        Only a connection that lists needs HIGHESTMODSEQ. It is not enabled at
        login because a CONDSTORE session gets an untagged FETCH with the new
        MODSEQ for every message a ``STORE`` changes, ``.SILENT`` or not: for
        the connection that writes keywords that was one response per message
        per keyword, for the server to send and mailflow to read (250,000 in a
        50,000-message pass). ENABLE is valid only with no folder selected.
        """
        if self._condstore_on or "CONDSTORE" not in self._capabilities:
            return
        if self._selected is not None:
            if "UNSELECT" not in self._capabilities:
                return  # CLOSE could expunge; this connection lists without CONDSTORE (by SEARCH)
            client.unselect_folder()
            self._selected = None
        client.enable("CONDSTORE")
        self._condstore_on = True

    # -- folders -----------------------------------------------------------

    def _select(self, client: Any, folder: str, readonly: bool, *, fresh: bool = False) -> dict[bytes, Any]:
        """SELECT (or EXAMINE when ``readonly``) a folder unless it already is; returns the response."""
        if fresh or self._selected != (folder, readonly):
            self._selected = None
            info = cast(dict[bytes, Any], client.select_folder(folder, readonly=readonly))
            self._selected = (folder, readonly)
            self._select_info = info
        return self._select_info

    def _try_select(self, client: Any, folder: str, readonly: bool) -> dict[bytes, Any] | None:
        """Like ``_select`` but None when the folder does not exist (its messages are gone)."""
        try:
            return self._select(client, folder, readonly)
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            if _is_missing_folder(exc):
                return None
            raise

    def _list(self, client: Any) -> list[tuple[frozenset[bytes], str]]:
        if self._folders is None:
            rows = cast(list[tuple[tuple[bytes, ...], bytes, Any]], client.list_folders())
            self._folders = [(frozenset(f.lower() for f in flags), _text(name)) for flags, _sep, name in rows]
        return self._folders

    def _find_role(self, client: Any, role: str) -> str | None:
        folders = self._list(client)
        attribute = _SPECIAL_USE[role].lower()
        for flags, name in folders:
            if attribute in flags:
                return name
        by_lower = {name.lower(): name for _flags, name in folders}
        for candidate in _COMMON_NAMES[role]:
            found = by_lower.get(candidate.lower())
            if found is not None:
                return found
        return None

    def folder_for(self, role: str) -> str | None:
        """The folder playing ``role``: config override, then SPECIAL-USE, then common names."""
        if role not in FOLDER_ROLES:
            raise ValueError(f"unknown folder role {role!r}; expected one of {', '.join(FOLDER_ROLES)}")
        if role == "inbox":
            return "INBOX"
        return self._run(f"finding the {role} folder", lambda client: self._role_name(client, role))

    def _role_name(self, client: Any, role: str) -> str | None:
        """The folder for a role: the config's override, else SPECIAL-USE, else a common name."""
        override = {"drafts": self.config.drafts_folder, "archive": self.config.archive_folder}.get(role)
        return override or self._find_role(client, role)

    def _ensure_folder(self, client: Any, folder: str) -> None:
        """Create and subscribe ``folder`` unless it exists (another client may race us: fine)."""
        if folder.upper() == "INBOX" or any(
            name == folder and not flags & _NOT_SELECTABLE for flags, name in self._list(client)
        ):
            return
        # Not folder_exists(): it also answers yes for a \Noselect parent, which cannot hold mail.
        listed = cast(list[tuple[tuple[bytes, ...], bytes, Any]], client.list_folders("", folder))
        if not any(not frozenset(f.lower() for f in flags) & _NOT_SELECTABLE for flags, _sep, _name in listed):
            try:
                client.create_folder(folder)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as exc:
                if "ALREADYEXISTS" not in str(exc).upper():
                    raise
            try:
                client.subscribe_folder(folder)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error:
                log.warning("IMAP %s: could not subscribe to %s", self._where(), folder, exc_info=True)
            log.info("IMAP %s: created folder %s", self._where(), folder)
        self._folders = None

    def _role_folder(self, client: Any, role: str, default: str) -> str:
        folder = self._role_name(client, role) or default
        self._ensure_folder(client, folder)
        return folder
