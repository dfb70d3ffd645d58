"""OAuth 2.0 sign-in for IMAP (SASL XOAUTH2): Microsoft 365 through msal, Google through google-auth.

Microsoft 365 has no password logins for IMAP any more, and Google
Workspace can turn them off: such an account signs in once, interactively
(``mailflow auth login ACCOUNT``, which calls :func:`login`), and from then
on every connection asks :func:`tokens_for` for an access token.

* ``microsoft``: msal's device-code flow (the assistant opens
  https://microsoft.com/devicelogin on any device and types the code shown);
  msal's token cache, refresh token included, is what is kept.
* ``google``: google-auth-oauthlib's installed-app flow, which opens a
  loopback address on this machine for the browser to return to; the
  authorized-user JSON (refresh token, client id and secret) is kept.

What is kept is sealed with the assistant's key (``mailflow.vault``) in the
account's ``token_file``. An access token is reused until two minutes
before it expires, shared by every connection of the account in the
process; a token the server refuses is dropped and a fresh one asked for
once. A refresh the provider refuses (``invalid_grant``: revoked,
password changed, expired after months unused) raises ``AuthExpired``,
which parks the account with "sign in again"; a sign-in service that cannot
be reached, or answers 429 or 5xx, raises ``TransientError`` (retried).
Tokens are never logged nor put in an error message.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mailflow.config import ImapAccount, OAuthConfig
from mailflow.errors import AuthError, AuthExpired, TransientError
from mailflow.vault import Vault, locked, read_sealed, write_sealed

__all__ = [
    "DEFAULT_SCOPES",
    "MICROSOFT_AUTHORITY",
    "SMTP_SCOPES",
    "Tokens",
    "describe",
    "forget",
    "login",
    "logout",
    "scopes_for",
    "tokens_for",
]

log = logging.getLogger("mailflow.oauth")

MICROSOFT_AUTHORITY = "https://login.microsoftonline.com"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
DEFAULT_SCOPES = {
    "microsoft": ("https://outlook.office.com/IMAP.AccessAsUser.All",),  # msal adds offline_access itself
    "google": ("https://mail.google.com/",),  # the only Gmail scope that allows IMAP
}
SMTP_SCOPES = {
    "microsoft": ("https://outlook.office.com/SMTP.Send",),  # asked for when the account's smtp has auth = "oauth2"
    "google": (),  # https://mail.google.com/ covers SMTP too
}
EARLY = 120.0  # seconds before its expiry an access token is replaced
_PERMANENT = {"invalid_grant", "interaction_required", "invalid_client", "unauthorized_client", "consent_required"}


def _oauth(account: ImapAccount) -> OAuthConfig:
    if account.oauth is None or account.oauth.token_file is None or account.oauth.key_file is None:
        raise AuthError(f'{account.id}: not an OAuth account (set auth = "oauth2" and an [oauth] table)')
    return account.oauth


def scopes_for(account: ImapAccount) -> list[str]:
    """What the account's sign-in asks for: ``scopes``, else IMAP (and sending, for ``smtp`` with OAuth)."""
    cfg = _oauth(account)
    if cfg.scopes:
        return list(cfg.scopes)
    scopes = list(DEFAULT_SCOPES[cfg.provider])
    if account.smtp is not None and account.smtp.auth == "oauth2":
        scopes += SMTP_SCOPES[cfg.provider]
    return scopes


def _first_line(text: object) -> str:
    return str(text or "").strip().splitlines()[0][:300] if str(text or "").strip() else ""


def _login_hint(account: ImapAccount) -> str:
    return f"sign in again with `mailflow auth login {account.id}`"


def _unreachable(account: ImapAccount, provider: str, exc: BaseException) -> TransientError:
    """A sign-in service that did not answer (the requests never carry a secret in their address)."""
    why = f"{type(exc).__name__}: {_first_line(exc)}"
    return TransientError(f"{account.id}: cannot reach {provider}'s sign-in service ({why})")


class Tokens:
    """Access tokens for one account, shared by its connections in this process; thread-safe."""

    def __init__(self, account: ImapAccount) -> None:
        self.account = account
        self.config = _oauth(account)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0
        self._force = False
        self._seen: int | None = None  # the token file's mtime when it was last read or written
        self._app: Any = None  # msal's PublicClientApplication, made on first use

    @property
    def path(self) -> Path:
        assert self.config.token_file is not None
        return self.config.token_file

    def token(self) -> str:
        """A valid access token: the one in hand, else a refreshed one."""
        with self._lock:
            held = self._token is not None and not self._force and time.time() < self._expires - EARLY
            if held and self._saved() == self._seen:  # (a sign-in since, by another process, replaces it)
                assert self._token is not None
                return self._token
            with locked(self.path):
                # The key is read under the file's lock: a key rotation seals the file again under it.
                vault = Vault(self.config.key_file or Path("mailflow.key"))
                kept = read_sealed(self.path, vault)
                if kept is None:
                    raise AuthExpired(
                        f"{self.account.id}: not signed in yet: run `mailflow auth login {self.account.id}`"
                    )
                fetch = self._microsoft if self.config.provider == "microsoft" else self._google
                token, expires, changed = fetch(kept, self._force)
                if changed is not None:
                    self._save(vault, changed)
                self._seen = self._saved()
            self._token, self._expires, self._force = token, expires, False
            return token

    def _save(self, vault: Vault, text: str) -> None:
        """Keep what the provider gave; a folder that cannot be written costs the saved copy, not this token."""
        try:
            write_sealed(self.path, vault, text)
        except OSError as exc:
            log.warning(
                "account %s: cannot save the renewed sign-in in %s (%s): this token is used, but the next process "
                "starts from the older one; make credentials_dir writable",
                self.account.id,
                self.path,
                exc.strerror or type(exc).__name__,
            )

    def _saved(self) -> int | None:
        """When the token file was last written (None when there is none)."""
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None

    def _expired(self, why: str) -> AuthExpired:
        return AuthExpired(f"{self.account.id}: {why}; {_login_hint(self.account)}")

    def use(self, login: Callable[[str], None], refused: type[Exception]) -> str:
        """``login(token)``; when the server refuses the token (``refused``), once more with a new one.

        A token can be refused before it expires (revoked, or the server's
        clock runs ahead); the second refusal is the caller's to report.
        Returns the token the login took.
        """
        token = self.token()
        try:
            login(token)
            return token
        except refused:
            self.refused(token)
            log.info("account %s: the server refused the OAuth token; asking for a new one", self.account.id)
        token = self.token()
        login(token)
        return token

    def refused(self, token: str) -> None:
        """The server refused ``token``: the next ``token()`` asks the provider for a new one."""
        with self._lock:
            if self._token == token:
                self._force = True

    # -- Microsoft ---------------------------------------------------------

    def _msal_app(self, cache: Any) -> Any:
        """The account's msal app, made once (it reads the authority's metadata), with ``cache`` in use."""
        if self._app is None:
            self._app = _msal_app(self.account, cache)
        else:
            self._app.token_cache = cache
        return self._app

    def _microsoft(self, kept: str, force: bool) -> tuple[str, float, str | None]:
        import msal
        import requests
        from msal.exceptions import MsalServiceError

        cache = msal.SerializableTokenCache()
        cache.deserialize(kept)
        try:
            app = self._msal_app(cache)
            accounts = app.get_accounts()
            if not accounts:
                raise self._expired("the saved Microsoft sign-in holds no account")
            scopes = scopes_for(self.account)
            result = app.acquire_token_silent_with_error(scopes, account=accounts[0], force_refresh=force)
        except requests.RequestException as exc:
            raise _unreachable(self.account, "Microsoft", exc) from None
        except MsalServiceError as exc:  # a 5xx (msal raises for those, and refuses to ask again for 60 s)
            why = _first_line(exc)
            raise TransientError(f"{self.account.id}: Microsoft's sign-in service failed ({why})") from None
        if result is None:
            raise self._expired("the saved Microsoft sign-in has no refresh token")
        changed = cache.serialize() if cache.has_state_changed else None
        if "access_token" in result:
            return str(result["access_token"]), time.time() + float(result.get("expires_in", 3600)), changed
        error = str(result.get("error", "error"))
        why = f"{error}: {_first_line(result.get('error_description'))}"
        if error in _PERMANENT:
            raise self._expired(f"Microsoft refused the saved sign-in ({why})")
        # Anything else (temporarily_unavailable, a 429 that msal now answers itself until its Retry-After):
        # the sign-in service, not the sign-in, is the problem.
        raise TransientError(f"{self.account.id}: Microsoft's sign-in service failed ({why})")

    # -- Google ------------------------------------------------------------

    def _google_token_uri(self) -> str:
        """The token endpoint the OAuth client file names (Google's, for a file from the Cloud console)."""
        assert self.config.client_secrets is not None
        try:
            client = json.loads(self.config.client_secrets.read_text(encoding="utf-8"))
            section = client.get("installed") or client.get("web") or {}
            return str(section.get("token_uri") or GOOGLE_TOKEN_URI)
        except (OSError, ValueError, AttributeError) as exc:
            where = self.config.client_secrets
            raise AuthError(f"{self.account.id}: cannot read the OAuth client file {where}: {exc}") from None

    def _google(self, kept: str, force: bool) -> tuple[str, float, str | None]:
        from google.auth.exceptions import RefreshError, TransportError
        from google.auth.transport.requests import Request
        from google.oauth2 import credentials

        make: Any = credentials.Credentials  # google-auth's signatures are untyped
        try:
            info = json.loads(kept)
            saved = datetime.strptime(info["expiry"][:19], "%Y-%m-%dT%H:%M:%S") if info.get("expiry") else None
            # Not ``from_authorized_user_info``: it always refreshes at Google's own endpoint, while the
            # client file decides (it names Google's, unless the assistant's identity provider differs).
            creds = make(
                token=info.get("token"),
                refresh_token=info["refresh_token"],
                token_uri=self._google_token_uri(),
                client_id=info["client_id"],
                client_secret=info["client_secret"],
                scopes=scopes_for(self.account),
                expiry=saved,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise self._expired(f"the saved Google sign-in is incomplete ({type(exc).__name__}: {exc})") from None
        expiry = creds.expiry.replace(tzinfo=UTC).timestamp() if creds.expiry else 0.0
        if creds.token and not force and time.time() < expiry - EARLY:
            return str(creds.token), expiry, None
        try:
            creds.refresh(Request())
        except RefreshError as exc:
            why = _first_line(exc.args[0] if exc.args else exc)
            if getattr(exc, "retryable", False):
                raise TransientError(f"{self.account.id}: Google's sign-in service failed ({why})") from None
            raise self._expired(f"Google refused the saved sign-in ({why})") from None
        except TransportError as exc:
            raise _unreachable(self.account, "Google", exc) from None
        expiry = creds.expiry.replace(tzinfo=UTC).timestamp() if creds.expiry else time.time() + 3600
        return str(creds.token), expiry, str(creds.to_json())


def _msal_app(account: ImapAccount, cache: Any) -> Any:
    """An msal ``PublicClientApplication`` for the account's app registration, tenant and authority."""
    import msal

    cfg = _oauth(account)
    base = cfg.authority or MICROSOFT_AUTHORITY
    try:
        return msal.PublicClientApplication(
            cfg.client_id,
            authority=f"{base}/{cfg.tenant}",
            token_cache=cache,
            timeout=account.timeout,
            instance_discovery=False if cfg.authority else None,
        )
    except ValueError as exc:  # msal's word for an authority it cannot use (a tenant that does not exist)
        raise AuthError(f"{account.id}: Microsoft sign-in at {base}/{cfg.tenant}: {exc}") from None


_registry: dict[tuple[str, str], Tokens] = {}
_registry_lock = threading.Lock()


def tokens_for(account: ImapAccount) -> Tokens:
    """The account's ``Tokens`` in this process (one per account and token file)."""
    cfg = _oauth(account)
    key = (account.id, str(cfg.token_file))
    with _registry_lock:
        found = _registry.get(key)
        if found is None:
            found = _registry[key] = Tokens(account)
        return found


def forget(account: ImapAccount | None = None) -> None:
    """Drop the tokens held in this process (for one account, or all): the next use reads the file again."""
    with _registry_lock:
        for key in list(_registry):
            if account is None or key[0] == account.id:
                del _registry[key]


# -- signing in ----------------------------------------------------------------


def login(
    account: ImapAccount,
    *,
    echo: Callable[[str], None] = print,
    open_browser: bool = True,
    port: int = 0,
) -> str:
    """Sign the account in interactively and seal what the provider gives; returns who signed in."""
    cfg = _oauth(account)
    assert cfg.token_file is not None and cfg.key_file is not None
    Vault(cfg.key_file, create=True)  # a key that cannot be read or made fails here, before the sign-in
    if cfg.provider == "microsoft":
        who, kept = _login_microsoft(account, cfg, echo)
    else:
        who, kept = _login_google(account, cfg, echo, open_browser, port)
    with locked(cfg.token_file):
        write_sealed(cfg.token_file, Vault(cfg.key_file), kept)  # the key as it is now (see vault.rotate)
    forget(account)
    log.info("account %s: signed in as %s; the token is sealed in %s", account.id, who, cfg.token_file)
    return who


def _login_microsoft(account: ImapAccount, cfg: OAuthConfig, echo: Callable[[str], None]) -> tuple[str, str]:
    import msal
    import requests

    cache = msal.SerializableTokenCache()
    try:
        app = _msal_app(account, cache)
        flow = app.initiate_device_flow(scopes=scopes_for(account))
        if "user_code" not in flow:
            why = f"{flow.get('error', 'error')}: {_first_line(flow.get('error_description'))}"
            raise AuthError(f"{account.id}: Microsoft would not start a sign-in ({why})")
        echo(str(flow["message"]))
        result = app.acquire_token_by_device_flow(flow)
    except requests.RequestException as exc:
        raise _unreachable(account, "Microsoft", exc) from None
    if "access_token" not in result:
        why = f"{result.get('error', 'error')}: {_first_line(result.get('error_description'))}"
        raise AuthError(f"{account.id}: the Microsoft sign-in did not complete ({why})")
    claims = result.get("id_token_claims") or {}
    who = str(claims.get("preferred_username") or claims.get("email") or account.username)
    return who, str(cache.serialize())


def _login_google(
    account: ImapAccount, cfg: OAuthConfig, echo: Callable[[str], None], open_browser: bool, port: int
) -> tuple[str, str]:
    import requests
    from google_auth_oauthlib.flow import InstalledAppFlow

    assert cfg.client_secrets is not None
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(cfg.client_secrets), scopes=scopes_for(account))
    except (OSError, ValueError) as exc:
        raise AuthError(f"{account.id}: cannot use the OAuth client file {cfg.client_secrets}: {exc}") from None
    prompt = f"To sign in {account.username}, open this address in a browser on this machine:\n{{url}}"
    if not open_browser:
        echo("(the browser comes back to this machine's loopback address when you have signed in)")
    try:
        creds = flow.run_local_server(
            host="localhost",
            port=port,
            open_browser=open_browser,
            authorization_prompt_message=prompt,
            success_message="mailflow is signed in. You can close this tab.",
        )
    except requests.RequestException as exc:
        raise _unreachable(account, "Google", exc) from None
    except Exception as exc:  # oauthlib's errors (access_denied, a mismatched state) have no common base
        why = f"{type(exc).__name__}: {_first_line(exc)}"
        raise AuthError(f"{account.id}: the Google sign-in did not complete ({why})") from None
    if not creds.refresh_token:
        raise AuthError(
            f"{account.id}: Google gave no refresh token; remove mailflow's access at myaccount.google.com "
            "and sign in again"
        )
    return account.username, str(creds.to_json())


def logout(account: ImapAccount) -> bool:
    """Delete the account's sealed token (True if there was one); access is revoked at the provider's account page."""
    cfg = _oauth(account)
    assert cfg.token_file is not None
    forget(account)
    with locked(cfg.token_file):
        try:
            cfg.token_file.unlink()
        except FileNotFoundError:
            return False
    return True


def describe(account: ImapAccount) -> tuple[bool, str]:
    """Whether the account is signed in, and one line on it for ``mailflow status`` and ``auth status``."""
    cfg = _oauth(account)
    assert cfg.token_file is not None and cfg.key_file is not None
    try:
        kept = read_sealed(cfg.token_file, Vault(cfg.key_file))
    except AuthError as exc:
        return False, f"cannot read: {exc}"
    if kept is None:
        return False, f"not signed in: run `mailflow auth login {account.id}`"
    when = datetime.fromtimestamp(cfg.token_file.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return True, f"signed in ({cfg.provider}; token sealed in {cfg.token_file}, last saved {when})"
