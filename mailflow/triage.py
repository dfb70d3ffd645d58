"""Built-in triage: one category per message, usable in rules as ``category``.

The categories, checked in this order (the first that fits wins):

- ``invite``: a calendar invitation (a ``text/calendar`` part).
- ``newsletter``: bulk or list mail (``List-Unsubscribe``, ``List-Id``,
  ``Precedence: bulk|list|junk``, or a bulk mailer's ``X-Campaign``-style header).
- ``notification``: sent by a machine (``Auto-Submitted`` other than ``no``,
  a no-reply or mailer-daemon sender, ``X-Auto-Response-Suppress``).
- ``personal``: everything else.

Only headers and a byte scan are used: classification never parses a body.
"""

from __future__ import annotations

import re

from .message import Message

CATEGORIES = ("invite", "newsletter", "notification", "personal")

_NOREPLY = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer-daemon|postmaster|bounces?|notifications?)"
    r"([-+._].*)?$"
)
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_BULK_HEADERS = ("list-unsubscribe", "list-id", "x-campaign", "x-mailchimp-id", "x-campaignid", "feedback-id")


def classify(message: Message) -> str:
    """The message's category, one of ``CATEGORIES``."""
    if message.has_calendar_part:
        return "invite"
    headers = message.raw_headers
    if any(h in headers for h in _BULK_HEADERS):
        return "newsletter"
    precedence = headers.get("precedence")
    if precedence and precedence[0].strip().lower() in _BULK_PRECEDENCE:
        return "newsletter"
    auto = headers.get("auto-submitted")
    if auto and auto[0].strip().lower() != "no":
        return "notification"
    if "x-auto-response-suppress" in headers:
        return "notification"
    sender = message.sender
    if sender is not None and _NOREPLY.match(sender.local):
        return "notification"
    return "personal"
