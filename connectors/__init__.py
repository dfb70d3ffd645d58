"""Adapters from mailflow to mailboxes: each implements ``connectors.base.MailConnector``."""

from __future__ import annotations

from mailflow.config import ImapAccount, MaildirAccount
from mailflow.connector import MailConnector

from .maildir import MaildirConnector

__all__ = ["MailConnector", "MaildirConnector", "connector_for"]


def connector_for(account: ImapAccount | MaildirAccount) -> MailConnector:
    """The connector for one configured account (not yet opened)."""
    if isinstance(account, MaildirAccount):
        return MaildirConnector(account.path, account.id)
    from .imap import ImapConnector

    return ImapConnector(account)
