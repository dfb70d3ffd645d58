"""Every error mailflow raises on purpose.

::

    MailflowError
    ├── ConfigError            the config file or environment is invalid
    ├── RulesError             a rules file cannot be used
    │   ├── RulesSyntaxError   not valid TOML
    │   └── RulesSchemaError   valid TOML, but unknown keys, bad values, bad regexes
    ├── TemplateError          a draft template failed to render
    ├── MessageError           a message cannot be parsed or acted on (it is quarantined)
    ├── StoreError             the database cannot be opened or migrated
    └── ConnectorError         talking to a mailbox, a calendar or a mail server failed
        ├── TransientError     worth retrying: dropped connection, timeout, 5xx
        │   └── RateLimited    the provider asked us to slow down (429)
        ├── AuthError          credentials missing, wrong, expired or revoked
        │   └── AuthExpired    a token expired and could not be refreshed
        ├── NotFound           a folder, label, message or event does not exist
        ├── Conflict           a conditional write failed: the event changed since it was read (412)
        └── PermanentError     the provider refused for good (mailbox gone, quota)

Connectors translate their vendor exceptions into these at the edge, so the
pipeline and the rules engine never see an imaplib, googleapiclient or msal
exception.
"""

from __future__ import annotations

from dataclasses import dataclass


class MailflowError(Exception):
    """Base class of every error mailflow raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file the assistant edits, with where it is."""

    file: str
    line: int | None
    message: str
    rule: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.rule:
            parts.append(f"rule {self.rule!r}")
        if self.key:
            parts.append(f"key {self.key!r}")
        return ": ".join(parts) + ": " + self.message


class ConfigError(MailflowError):
    """Raised when the config file or the environment is invalid; lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class RulesError(MailflowError):
    """Raised when a rules file cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class RulesSyntaxError(RulesError):
    """Raised when a rules file is not valid TOML."""


class RulesSchemaError(RulesError):
    """Raised when a rules file is valid TOML but not a valid rules file."""


class TemplateError(MailflowError):
    """Raised when a draft template cannot be rendered for a message."""


class MessageError(MailflowError):
    """Raised when a message cannot be parsed or acted on; the message is quarantined."""


class StoreError(MailflowError):
    """Raised when the database cannot be opened or migrated."""


class StoreUnavailable(StoreError):
    """Raised when the database stopped answering mid-pass (restarted, unreachable): worth retrying later.

    What was committed stays committed; the pass is redone from the ledger.
    """


class Interrupted(MailflowError):
    """Raised inside a pass asked to stop (a worker shutting down, a lease lost).

    What the pass recorded stays recorded; the next pass over the account
    finishes the rest, so stopping loses nothing and does nothing twice.
    """


class ConnectorError(MailflowError):
    """Base class of errors talking to a mailbox or calendar."""


class TransientError(ConnectorError):
    """Raised for failures worth retrying: dropped connections, timeouts, 5xx."""


class RateLimited(TransientError):
    """Raised when the provider asks us to slow down; ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthError(ConnectorError):
    """Raised when credentials are missing, wrong or revoked."""


class AuthExpired(AuthError):
    """Raised when an OAuth token expired and could not be refreshed."""


class NotFound(ConnectorError):
    """Raised when a folder, label or message does not exist."""


class Conflict(ConnectorError):
    """Raised when a conditional write failed: the event exists already, or changed since it was read (412)."""

    def __init__(self, message: str, *, uid: str | None = None, href: str | None = None) -> None:
        super().__init__(message)
        self.uid = uid
        self.href = href


class PermanentError(ConnectorError):
    """Raised when the provider refuses for good (mailbox gone, over quota)."""
