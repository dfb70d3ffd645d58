"""mailflow: email and calendar automation for virtual executive assistants.

The core: configuration, the message model, triage, the rules engine, drafting,
the store and the pipeline. It never imports a provider's SDK; connectors and
workers import it.
"""

from .config import ClientConfig, ImapAccount, MaildirAccount, Settings, load_settings
from .connector import MailConnector
from .errors import (
    AuthError,
    AuthExpired,
    ConfigError,
    ConnectorError,
    MailflowError,
    MessageError,
    NotFound,
    PermanentError,
    Problem,
    RateLimited,
    RulesError,
    RulesSchemaError,
    RulesSyntaxError,
    StoreError,
    TemplateError,
    TransientError,
)
from .message import Message
from .model import Address, ChangeSet, Draft, FetchedMessage, Flag, MessageRef, SyncCursor
from .pipeline import AccountPass
from .report import AccountReport
from .rules import RuleSet, load_rules
from .store import Store, open_store
from .triage import CATEGORIES, classify

__all__ = [
    "CATEGORIES",
    "AccountPass",
    "AccountReport",
    "Address",
    "AuthError",
    "AuthExpired",
    "ChangeSet",
    "ClientConfig",
    "ConfigError",
    "ConnectorError",
    "Draft",
    "FetchedMessage",
    "Flag",
    "ImapAccount",
    "MailConnector",
    "MaildirAccount",
    "MailflowError",
    "Message",
    "MessageError",
    "MessageRef",
    "NotFound",
    "PermanentError",
    "Problem",
    "RateLimited",
    "RuleSet",
    "RulesError",
    "RulesSchemaError",
    "RulesSyntaxError",
    "Settings",
    "Store",
    "StoreError",
    "SyncCursor",
    "TemplateError",
    "TransientError",
    "classify",
    "load_rules",
    "load_settings",
    "open_store",
]
