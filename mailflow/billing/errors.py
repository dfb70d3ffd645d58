"""The billing library's one error family.

::

    MailflowError
    └── BillingError         entries or a request the billing rules cannot honour
        └── PeriodError      a period that does not fit the plan (a retainer bills whole months)

A bad ``[clients.billing]`` table is not one of these: :class:`~mailflow.billing.BillingConfig`
raises pydantic's ``ValidationError`` and ``load_settings`` turns that into a ``ConfigError``.
"""

from __future__ import annotations

from ..errors import MailflowError


class BillingError(MailflowError):
    """Raised when entries or a request cannot be billed as asked (an entry outside the period, a naive time)."""


class PeriodError(BillingError):
    """Raised when a period does not fit the plan: a retainer month before its start, a period that is not a month."""
