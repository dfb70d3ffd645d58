"""Adapters from mailflow to mailboxes: each implements ``connectors.base.MailConnector``."""

from __future__ import annotations

from typing import TYPE_CHECKING as _TYPE_CHECKING

from mailflow import config as _config
from mailflow.connector import MailConnector

from .maildir import MaildirConnector

if _TYPE_CHECKING:
    from mailflow.calendars import CalendarConnector

__all__ = ["MailConnector", "MaildirConnector", "calendar_for", "connector_for"]


def connector_for(account: _config.ImapAccount | _config.MaildirAccount) -> MailConnector:
    """The connector for one configured account (not yet opened)."""
    if isinstance(account, _config.MaildirAccount):
        return MaildirConnector(account.path, account.id)
    from .imap import ImapConnector

    return ImapConnector(account)


def calendar_for(calendar: _config.CalendarConfig, client: _config.ClientConfig) -> CalendarConnector:
    """The connector for one configured calendar (not yet opened); the password is read now, from its variable."""
    from .caldav import CalDavConnector

    password = calendar.secret()
    if password is None:
        from mailflow.errors import AuthError

        raise AuthError(f"no password for calendar {calendar.url} (set {calendar.password_env or 'password'})")
    return CalDavConnector(
        calendar.url,
        calendar.username,
        password,
        account=calendar.id or f"{client.id}-calendar",
        timezone=calendar.timezone or client.timezone,
        addresses=calendar.addresses or [client.email],
        timeout=calendar.timeout,
        free_busy_query=calendar.free_busy_query,
    )
