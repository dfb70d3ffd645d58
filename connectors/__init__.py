"""Adapters from mailflow to mailboxes: each implements ``connectors.base.MailConnector``."""

from __future__ import annotations

from mailflow import config as _config
from mailflow.connector import MailConnector

from .maildir import MaildirConnector

__all__ = ["MailConnector", "MaildirConnector", "connector_for"]


def connector_for(account: _config.ImapAccount | _config.MaildirAccount) -> MailConnector:
    """The connector for one configured account (not yet opened)."""
    if isinstance(account, _config.MaildirAccount):
        return MaildirConnector(account.path, account.id)
    from .imap import ImapConnector

    return ImapConnector(account)
