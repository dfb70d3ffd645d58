"""Settings: one TOML file, with ``MAILFLOW_*`` environment overrides.

The file is found from ``--config PATH``, else ``$MAILFLOW_CONFIG``, else
``./config.toml``. Relative paths in it (the database, ``rules_dir``, Maildir
paths) are relative to the file's own folder, so a config works from any
working directory. Environment variables are read here and nowhere else.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .billing.config import BillingConfig
from .errors import ConfigError
from .ratelimit import Limits
from .scheduling.policy import SchedulingPolicy

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SECRET_KEY_ENV = "MAILFLOW_SECRET_KEY"  # the key that seals OAuth tokens, instead of secret_key_file


def secret_key_from_env() -> str | None:
    """The sealing key from ``MAILFLOW_SECRET_KEY``, read at the moment it is needed (``mailflow.vault``)."""
    return os.environ.get(SECRET_KEY_ENV) or None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Secret(_Strict):
    password: SecretStr | None = None
    password_env: str | None = None

    def secret(self) -> str | None:
        """The password, read from the environment at the moment it is needed."""
        if self.password is not None:
            return self.password.get_secret_value()
        if self.password_env:
            return os.environ.get(self.password_env)
        return None


class SmtpConfig(_Secret):
    """How an account sends mail (a forward rule's; invitations later): its provider's SMTP submission server."""

    host: str
    port: int | None = None
    username: str | None = None  # with no username, no login (a relay on loopback needs none)
    tls: Literal["ssl", "starttls", "none"] = "starttls"
    auth: Literal["password", "oauth2"] = "password"  # oauth2: XOAUTH2 with the account's own sign-in
    timeout: float = Field(default=30.0, gt=0)

    @property
    def effective_port(self) -> int:
        if self.port:
            return self.port
        return 465 if self.tls == "ssl" else 587


class RateLimit(_Strict):
    """``rate_limit = { requests = 600, per = "1m", concurrent = 2 }``: an account's request budget."""

    requests: int = Field(gt=0)
    per: float  # seconds; written as a duration ("1m", "10m", "30s")
    concurrent: int | None = Field(default=None, ge=1, le=64)

    @field_validator("per", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> float:
        if isinstance(value, str):
            from .rules.durations import DurationError, parse_duration

            try:
                seconds = parse_duration(value)
            except DurationError as exc:
                raise ValueError(f'{exc}; write a duration like "1m" or "10m"') from None
            return float(seconds)
        raise ValueError(f'expected a duration like "1m", got {value!r}')

    def limits(self) -> Limits:
        return Limits(self.requests, self.per, self.concurrent)


class OAuthConfig(_Strict):
    """How an IMAP account signs in with OAuth 2.0 (``[clients.accounts.oauth]``, with ``auth = "oauth2"``).

    ``microsoft``: Microsoft 365 / Outlook.com through msal's device-code
    sign-in, with the app registration's ``client_id`` and the ``tenant``.
    ``google``: Gmail / Google Workspace through google-auth-oauthlib's
    loopback sign-in, with the OAuth client file (``client_secrets``, a
    "Desktop app" client downloaded from the Google Cloud console).
    The tokens are kept sealed (encrypted) in ``token_file``.
    """

    provider: Literal["microsoft", "google"]
    client_id: str | None = None  # microsoft: the app registration's Application (client) ID
    tenant: str = "organizations"  # microsoft: a tenant id or domain, "organizations", "consumers" or "common"
    authority: str | None = None  # microsoft: the sign-in service (default https://login.microsoftonline.com)
    client_secrets: Path | None = None  # google: the OAuth client JSON file
    scopes: list[str] | None = None  # default: IMAP access at that provider (see connectors.oauth)
    token_file: Path | None = None  # default: <credentials_dir>/<account id>.token
    key_file: Path | None = None  # default: the top-level secret_key_file

    @field_validator("authority")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("expected an https:// URL (msal signs in over https only)")
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _provider_needs(self) -> OAuthConfig:
        if self.provider == "microsoft" and not self.client_id:
            raise ValueError('provider "microsoft" needs client_id (the app registration\'s Application ID)')
        if self.provider == "google" and self.client_secrets is None:
            raise ValueError('provider "google" needs client_secrets (the OAuth client JSON file)')
        return self


class ImapAccount(_Secret):
    """An IMAP mailbox."""

    kind: Literal["imap"]
    id: str = ""
    host: str
    port: int | None = None
    username: str
    auth: Literal["password", "oauth2"] = "password"
    oauth: OAuthConfig | None = None
    tls: Literal["ssl", "starttls", "none"] = "ssl"
    folders: list[str] = Field(default_factory=lambda: ["INBOX"])
    drafts_folder: str | None = None
    archive_folder: str | None = None
    timeout: float = Field(default=30.0, gt=0)
    batch_size: int | None = Field(default=None, ge=1, le=5000)  # None: the top-level batch_size
    idle: bool = True  # watch the first folder with IMAP IDLE while the daemon runs (when the server offers it)
    smtp: SmtpConfig | None = None
    rate_limit: RateLimit | None = None  # None: [rate_limits] imap, else no limit (IMAP servers publish none)

    @model_validator(mode="after")
    def _needs_a_password(self) -> ImapAccount:
        if self.auth == "oauth2":
            if self.oauth is None:
                raise ValueError('auth = "oauth2" needs an [oauth] table (provider, client_id or client_secrets)')
            if self.password is not None or self.password_env:
                raise ValueError('auth = "oauth2" signs in with a token: remove password and password_env')
        elif self.oauth is not None:
            raise ValueError('an [oauth] table needs auth = "oauth2"')
        elif self.smtp is not None and self.smtp.auth == "oauth2":
            raise ValueError('smtp auth = "oauth2" uses the account\'s sign-in: set auth = "oauth2" and [oauth] on it')
        elif self.password is None and not self.password_env:
            raise ValueError("set password_env (the name of an environment variable) or password")
        return self

    @property
    def effective_port(self) -> int:
        if self.port:
            return self.port
        return 993 if self.tls == "ssl" else 143


class MaildirAccount(_Strict):
    """A local Maildir (Maildir++ subfolders), as mbsync or offlineimap keep them."""

    kind: Literal["maildir"]
    id: str = ""
    path: Path
    folders: list[str] = Field(default_factory=lambda: ["INBOX"])
    smtp: SmtpConfig | None = None
    watch: bool = True  # look at the folders four times a second while the daemon runs: new mail is synced at once


AccountConfig = Annotated[ImapAccount | MaildirAccount, Field(discriminator="kind")]


class Assistant(_Strict):
    """The virtual assistant who runs mailflow."""

    name: str
    email: str
    webhook: str | None = None  # every notice of a notify rule is also POSTed here as JSON
    # [assistant.mailbox]: the assistant's own mailbox, where drafts meant for the assistant are saved
    mailbox: AccountConfig | None = None
    alert_drafts: bool = False  # retainer alerts (80%, 100%) also as a draft in the mailbox
    summaries: Literal["weekly", "monthly"] | None = None  # a summary per client drafted when the period ends

    @field_validator("webhook")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _needs_a_mailbox(self) -> Assistant:
        wanted = [key for key, on in (("alert_drafts", self.alert_drafts), ("summaries", self.summaries)) if on]
        if wanted and self.mailbox is None:
            need = " and ".join(wanted)
            raise ValueError(f"{need} need [assistant.mailbox]: your own mailbox, where they are drafted")
        if self.mailbox is not None and not self.mailbox.id:
            object.__setattr__(self.mailbox, "id", "assistant")
        return self


class CalendarConfig(_Secret):
    """``[[clients.calendars]]``: one of the executive's calendars; the first is where bookings and holds go."""

    kind: Literal["caldav"]
    id: str = ""
    url: str
    username: str
    timezone: str | None = None  # how floating and all-day times are read (default: the client's)
    addresses: list[str] = Field(default_factory=list)  # the owner's addresses (default: the client's email)
    calendars: list[str] = Field(default_factory=list)  # calendar URLs to use; empty: every one found
    free_busy_query: bool = True
    timeout: float = Field(default=30.0, gt=0)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/@]+", value):
            raise ValueError("expected an http:// or https:// URL without a password in it")
        return value

    @model_validator(mode="after")
    def _needs_a_password(self) -> CalendarConfig:
        if self.password is None and not self.password_env:
            raise ValueError("set password_env (the name of an environment variable) or password")
        return self


class RateCard(_Strict):
    """``[clients.rate_card]``: seconds logged automatically per kind of work (see ``mailflow.ratecard``)."""

    triage: int = 0
    draft: int = 0
    forward: int = 0
    proposal: int = 0
    booking: int = 0

    @field_validator("triage", "draft", "forward", "proposal", "booking", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> int:
        if isinstance(value, str):
            from .rules.durations import DurationError, parse_duration

            try:
                return parse_duration(value)
            except DurationError as exc:
                raise ValueError(f'{exc}; write a duration like "30s" or "3m"') from None
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError(f'write a duration with its unit, like "{value}m"')
        raise ValueError(f'expected a duration like "3m", got {value!r}')


class ClientConfig(_Strict):
    """One executive: who they are and which accounts mailflow may touch for them."""

    id: str
    name: str
    email: str
    timezone: str = "UTC"
    accounts: list[AccountConfig] = Field(default_factory=list)
    # The only addresses (or @domains) this client's rules may forward mail to.
    forward_to: list[str] = Field(default_factory=list)
    billing: BillingConfig | None = None  # [clients.billing]: how this client's time is billed
    rate_card: RateCard | None = None  # [clients.rate_card]: time logged automatically per kind of work
    calendars: list[CalendarConfig] = Field(default_factory=list)  # the first takes bookings and holds
    scheduling: SchedulingPolicy = Field(default_factory=SchedulingPolicy)  # [clients.scheduling]

    @field_validator("forward_to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            if not re.fullmatch(r"[^@\s]*@[^@\s]+\.[^@\s]+", entry.strip()):
                raise ValueError(
                    f"{entry!r}: expected an address (bookkeeper@acme.example) or a domain (@acme.example)"
                )
        return [entry.strip().lower() for entry in value]

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use lower-case letters, digits, '-' and '_' (it names the rules file)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'America/New_York'") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _toml_source(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such config file; create one with `mailflow init`"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None


class Workers(_Strict):
    """How the queued workers run (``[workers]``)."""

    threads: int = Field(default=2, ge=1, le=64)  # worker threads in each process
    processes: int = Field(default=1, ge=1, le=64)  # processes started by `mailflow worker`
    lease: float = Field(default=30.0, ge=1, le=3600)  # seconds a dead worker's work stays locked
    interval: float = Field(default=60.0, ge=1)  # seconds between two syncs of an account (with jitter)
    max_backoff: float = Field(default=3600.0, ge=1)  # longest wait after repeated temporary failures
    # seconds before actions waiting for a server (outgoing mail, calendars) are first tried again; doubling
    retry_waiting: float = Field(default=15.0, gt=0)
    metrics: str | None = Field(default=None, pattern=r"^[\w.\-\[\]:]*:\d{1,5}$")  # host:port for /metrics


class Settings(BaseSettings):
    """Everything mailflow needs to run; see ``config.example.toml``."""

    model_config = SettingsConfigDict(env_prefix="MAILFLOW_", env_nested_delimiter="__", extra="forbid", frozen=True)

    database: str = "sqlite:///mailflow.db"
    broker: str = "embedded"
    rules_dir: Path = Path("rules")
    shared_lists: Path | None = None  # a TOML file of [lists] every client's rules can use
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    batch_size: int = Field(default=250, ge=1, le=5000)
    workers: Workers = Field(default_factory=Workers)
    # [rate_limits.imap]: the request budget of every IMAP account that sets no rate_limit of its own
    rate_limits: dict[Literal["imap"], RateLimit] = Field(default_factory=dict)
    home: Path = Path(".")  # the config file's folder: where the embedded queue goes beside a non-SQLite database
    credentials_dir: Path | None = None  # sealed OAuth tokens, one file per account (default: <home>/credentials)
    secret_key_file: Path | None = None  # the key sealing them (default <home>/mailflow.key, or MAILFLOW_SECRET_KEY)
    assistant: Assistant
    clients: list[ClientConfig] = Field(default_factory=list)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (env_settings, init_settings)

    @model_validator(mode="after")
    def _unique_ids(self) -> Settings:
        seen: set[str] = set()
        for client in self.clients:
            if client.id in seen:
                raise ValueError(f"client id {client.id!r} is used twice")
            seen.add(client.id)
            for n, account in enumerate(client.accounts):
                if not account.id:
                    object.__setattr__(account, "id", f"{client.id}-{n + 1}" if n else client.id)
            ids = [a.id for a in client.accounts]
            if len(set(ids)) != len(ids):
                raise ValueError(f"client {client.id!r} has two accounts with the same id")
        self._one_mailbox_once()
        self._oauth_paths()
        default = self.rate_limits.get("imap")
        if default is not None:
            for _, box in self.mailboxes():
                if isinstance(box, ImapAccount) and box.rate_limit is None:
                    object.__setattr__(box, "rate_limit", default)
        return self

    def mailboxes(self) -> list[tuple[str, ImapAccount | MaildirAccount]]:
        """(owner, account) for every mailbox: each client's accounts, then ``"assistant"`` and its own."""
        found: list[tuple[str, ImapAccount | MaildirAccount]] = [(c.id, a) for c in self.clients for a in c.accounts]
        if self.assistant.mailbox is not None:
            found.append(("assistant", self.assistant.mailbox))
        return found

    def _one_mailbox_once(self) -> None:
        """Each account id names one account, and each mailbox is configured once.

        The ledger, the health and the leases are kept by account id; and a
        mailbox configured for two clients would have every message handled
        by both clients' rules (two drafts, time logged twice), one client's
        rules acting on another's mail.
        """
        by_id: dict[str, str] = {}
        by_box: dict[tuple[str, ...], tuple[str, str]] = {}
        for owner, box in self.mailboxes():
            if box.id in by_id:
                raise ValueError(
                    f"account id {box.id!r} is used twice (by {by_id[box.id]} and {owner}): give each account an id "
                    "of its own"
                )
            by_id[box.id] = owner
            where: tuple[str, ...]
            if isinstance(box, ImapAccount):
                where = ("imap", box.host.lower(), str(box.effective_port), box.username.lower())
                shown = f"{box.username}@{box.host}"
            else:
                where = ("maildir", str(Path(os.path.expanduser(box.path)).resolve()))
                shown = where[1]
            if where in by_box:
                first_owner, first_id = by_box[where]
                raise ValueError(
                    f"the mailbox {shown} is configured twice (account {first_id!r} of {first_owner} and {box.id!r} of "
                    f"{owner}): its mail would be handled twice; configure it once"
                )
            by_box[where] = (owner, box.id)

    def _oauth_paths(self) -> None:
        """Give every OAuth account its token file and key file (where the config sets none)."""
        tokens = self.credentials_dir or self.home / "credentials"
        key = self.secret_key_file or self.home / "mailflow.key"
        for _, box in self.mailboxes():
            if isinstance(box, ImapAccount) and box.oauth is not None:
                if box.oauth.token_file is None:
                    object.__setattr__(box.oauth, "token_file", tokens / f"{box.id}.token")
                if box.oauth.key_file is None:
                    object.__setattr__(box.oauth, "key_file", key)

    def client(self, client_id: str) -> ClientConfig:
        for client in self.clients:
            if client.id == client_id:
                return client
        known = ", ".join(c.id for c in self.clients) or "none"
        raise ConfigError([f"no client {client_id!r} in the config (clients: {known})"])

    def rules_file(self, client_id: str) -> Path:
        return self.rules_dir / f"{client_id}.toml"


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("imap", "maildir"):  # the discriminator's branch, not a key
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _resolve(base: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Make relative paths in the file relative to the file's folder (the default database's too)."""
    data.setdefault("database", Settings.model_fields["database"].default)  # beside the config, not the cwd
    for key in ("database", "broker"):
        url = data.get(key)
        if isinstance(url, str) and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            rel = url[len("sqlite:///") :]
            if rel and rel != ":memory:":
                data[key] = "sqlite:///" + str((base / rel).resolve())
    data.setdefault("home", str(base))
    rules_dir = data.get("rules_dir", "rules")
    if isinstance(rules_dir, str):
        data["rules_dir"] = str((base / rules_dir).resolve())
    shared = data.get("shared_lists")
    if isinstance(shared, str):
        data["shared_lists"] = str((base / os.path.expanduser(shared)).resolve())
    accounts = [
        account
        for client in data.get("clients", []) or []
        if isinstance(client, dict)
        for account in client.get("accounts", []) or []
    ]
    assistant = data.get("assistant")
    if isinstance(assistant, dict):
        accounts.append(assistant.get("mailbox"))
    for account in accounts:
        if isinstance(account, dict) and isinstance(account.get("path"), str):
            account["path"] = str((base / os.path.expanduser(account["path"])).resolve())
        oauth = account.get("oauth") if isinstance(account, dict) else None
        if isinstance(oauth, dict):
            for key in ("client_secrets", "token_file", "key_file"):
                if isinstance(oauth.get(key), str):
                    oauth[key] = str((base / os.path.expanduser(oauth[key])).resolve())
    for key in ("credentials_dir", "secret_key_file"):
        if isinstance(data.get(key), str):
            data[key] = str((base / os.path.expanduser(data[key])).resolve())
    return data


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("MAILFLOW_CONFIG")
    return Path(env) if env else Path("config.toml")


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read and validate the config; raise ``ConfigError`` listing every problem."""
    file = config_path(path)
    data = _resolve(file.resolve().parent, _toml_source(file))
    try:
        return Settings(**data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _format_loc(tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check its spelling against config.example.toml)"
            elif err["type"] == "missing":
                msg = "required key is missing"
            problems.append(f"{file}: {where}: {msg}")
        raise ConfigError(problems) from None
